-- Drive: personal and shared drives, folders and files (one tree of nodes per drive), file
-- versions pointing at blobs, shared-drive members, sharing links and the company's drive policy.
-- Every row carries tenant_id and every query filters on it. Storage keys are blob hashes, never
-- names.

CREATE TABLE drive (
    id             UUID PRIMARY KEY,
    tenant_id      UUID         NOT NULL,
    kind           VARCHAR(10)  NOT NULL,
    -- personal drives: the owning member; shared drives: null
    owner_id       UUID,
    name           VARCHAR(255) NOT NULL,
    root_folder_id UUID         NOT NULL,
    created_by     UUID,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX drive_personal ON drive (tenant_id, owner_id);

CREATE TABLE drive_node (
    id                 UUID PRIMARY KEY,
    tenant_id          UUID          NOT NULL,
    drive_id           UUID          NOT NULL REFERENCES drive (id),
    parent_id          UUID,
    kind               VARCHAR(10)   NOT NULL,
    name               VARCHAR(1000) NOT NULL,
    -- NFC + lower case of the name while the node is live, null while it is in the trash; unique
    -- per parent, so names are unique within a folder ignoring case
    live_key           VARCHAR(1000),
    size               BIGINT        NOT NULL DEFAULT 0,
    content_type       VARCHAR(200),
    current_version_id UUID,
    created_by         UUID,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    -- set on the node that was deleted (its descendants stay as they were and are hidden with it)
    trashed_at         TIMESTAMP WITH TIME ZONE,
    trashed_by         UUID
);
CREATE UNIQUE INDEX drive_node_name ON drive_node (parent_id, live_key);
CREATE INDEX drive_node_drive ON drive_node (tenant_id, drive_id);
CREATE INDEX drive_node_trash ON drive_node (tenant_id, trashed_at);

CREATE TABLE drive_version (
    id           UUID PRIMARY KEY,
    tenant_id    UUID         NOT NULL,
    node_id      UUID         NOT NULL REFERENCES drive_node (id),
    seq          INT          NOT NULL,
    sha256       VARCHAR(64)  NOT NULL,
    size         BIGINT       NOT NULL,
    content_type VARCHAR(200) NOT NULL,
    created_by   UUID,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX drive_version_seq ON drive_version (node_id, seq);

CREATE TABLE drive_member (
    tenant_id      UUID        NOT NULL,
    drive_id       UUID        NOT NULL REFERENCES drive (id),
    -- member, department or company (every member of the company)
    principal_type VARCHAR(12) NOT NULL,
    principal_id   UUID        NOT NULL,
    role           VARCHAR(10) NOT NULL,
    granted_by     UUID,
    granted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (drive_id, principal_type, principal_id)
);

CREATE TABLE drive_link (
    id            UUID PRIMARY KEY,
    tenant_id     UUID         NOT NULL,
    node_id       UUID         NOT NULL REFERENCES drive_node (id),
    token_hash    VARCHAR(64)  NOT NULL,
    password_hash VARCHAR(255),
    expires_at    TIMESTAMP WITH TIME ZONE,
    max_downloads INT,
    downloads     INT          NOT NULL DEFAULT 0,
    created_by    UUID,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at    TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX drive_link_token ON drive_link (token_hash);

CREATE TABLE drive_policy (
    tenant_id              UUID PRIMARY KEY,
    member_quota_bytes     BIGINT        NOT NULL,
    company_quota_bytes    BIGINT        NOT NULL,
    max_file_bytes         BIGINT        NOT NULL,
    versions_kept          INT           NOT NULL,
    trash_retention_days   INT           NOT NULL,
    outside_links          BOOLEAN       NOT NULL,
    blocked_extensions     VARCHAR(2000) NOT NULL,
    updated_at             TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Blob store (platform port): encrypted, content-addressed file contents per company.

-- A company's data keys: Tink streaming AEAD keysets, each encrypted ("wrapped") by a master key.
CREATE TABLE blob_data_key (
    id             UUID PRIMARY KEY,
    tenant_id      UUID          NOT NULL,
    master_key_id  VARCHAR(32)   NOT NULL,
    wrapped_keyset VARCHAR(8000) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX blob_data_key_tenant_idx ON blob_data_key (tenant_id, created_at);

-- The data key each company encrypts new blobs with.
CREATE TABLE blob_current_key (
    tenant_id   UUID PRIMARY KEY,
    data_key_id UUID NOT NULL REFERENCES blob_data_key (id)
);

-- One stored blob per company and plaintext hash. object_id names the ciphertext in the backend
-- (and is bound into its associated data); re-encryption moves a blob to a new object_id.
CREATE TABLE blob (
    id          UUID PRIMARY KEY,
    tenant_id   UUID        NOT NULL,
    sha256      VARCHAR(64) NOT NULL,
    size        BIGINT      NOT NULL,
    object_id   UUID        NOT NULL,
    data_key_id UUID        NOT NULL REFERENCES blob_data_key (id),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- last time a put returned the blob or a reference was added or removed; the collector keeps
    -- an unreferenced blob until this is older than its grace period
    touched_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX blob_tenant_sha_uq ON blob (tenant_id, sha256);
CREATE UNIQUE INDEX blob_object_uq ON blob (object_id);
CREATE INDEX blob_touched_idx ON blob (touched_at);
CREATE INDEX blob_data_key_idx ON blob (tenant_id, data_key_id);

-- Who holds a blob (a drive version, a talk attachment, a mail message...).
CREATE TABLE blob_reference (
    tenant_id  UUID         NOT NULL,
    sha256     VARCHAR(64)  NOT NULL,
    owner      VARCHAR(200) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, sha256, owner)
);

-- Privacy: personal-data export jobs, retention policy per service, legal holds, the company's
-- privacy notice and erasures of purged members waiting for (or done after) their legal hold.

CREATE TABLE privacy_export (
    id           UUID PRIMARY KEY,
    tenant_id    UUID         NOT NULL REFERENCES company (id),
    member_id    UUID         NOT NULL REFERENCES member (id),
    requested_by UUID         NOT NULL,
    -- pending, running, ready, failed, downloaded, expired
    status       VARCHAR(20)  NOT NULL,
    files        INT          NOT NULL DEFAULT 0,
    bytes        BIGINT       NOT NULL DEFAULT 0,
    error        VARCHAR(200),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    expires_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX privacy_export_member ON privacy_export (tenant_id, member_id, created_at);

CREATE TABLE privacy_retention (
    tenant_id  UUID        NOT NULL REFERENCES company (id),
    -- messages, files, calendar, audit
    service    VARCHAR(20) NOT NULL,
    days       INT         NOT NULL,
    updated_by UUID,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, service)
);

CREATE TABLE privacy_hold (
    id          UUID PRIMARY KEY,
    tenant_id   UUID         NOT NULL REFERENCES company (id),
    -- member or room
    scope_type  VARCHAR(10)  NOT NULL,
    scope_id    UUID         NOT NULL,
    reason      VARCHAR(500) NOT NULL,
    created_by  UUID         NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX privacy_hold_scope ON privacy_hold (tenant_id, scope_type, scope_id);

CREATE TABLE privacy_notice (
    tenant_id  UUID           PRIMARY KEY REFERENCES company (id),
    body       VARCHAR(50000) NOT NULL,
    updated_by UUID,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE privacy_erasure (
    tenant_id  UUID        NOT NULL REFERENCES company (id),
    member_id  UUID        NOT NULL,
    -- pending (held or failed), done
    status     VARCHAR(10) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    done_at    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, member_id)
);

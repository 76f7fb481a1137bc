-- The durable outbound queue: one row per message and remote domain, worked by the sender.
CREATE TABLE mail_outbound (
    id               UUID PRIMARY KEY,
    tenant_id        UUID          NOT NULL REFERENCES company (id),
    member_id        UUID          NOT NULL REFERENCES member (id),
    log_id           UUID          NOT NULL,
    blob_sha256      VARCHAR(64)   NOT NULL,
    mail_from        VARCHAR(320)  NOT NULL,
    recipients       VARCHAR(20000) NOT NULL,
    domain           VARCHAR(253)  NOT NULL,
    subject          VARCHAR(1000) NOT NULL,
    status           VARCHAR(20)   NOT NULL,
    attempts         INT           NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error       VARCHAR(1000) NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX mail_outbound_due_idx ON mail_outbound (status, next_attempt_at);

-- Files uploaded to attach to a message being written; kept for 24 hours.
CREATE TABLE mail_upload (
    id            UUID PRIMARY KEY,
    tenant_id     UUID          NOT NULL REFERENCES company (id),
    member_id     UUID          NOT NULL REFERENCES member (id),
    blob_sha256   VARCHAR(64)   NOT NULL,
    name          VARCHAR(255)  NOT NULL,
    content_type  VARCHAR(200)  NOT NULL,
    size          BIGINT        NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX mail_upload_member_idx ON mail_upload (tenant_id, member_id);

-- Idempotency keys of sent messages (a retried POST returns the first result).
CREATE TABLE mail_send_key (
    tenant_id    UUID         NOT NULL REFERENCES company (id),
    member_id    UUID         NOT NULL REFERENCES member (id),
    idem_key     VARCHAR(200) NOT NULL,
    message_id   UUID         NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (member_id, idem_key)
);

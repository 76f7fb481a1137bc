-- Idempotency keys (platform): the answer to a create request sent with an Idempotency-Key
-- header, kept 24 hours so that a client's retry gets the same answer instead of a second object.
CREATE TABLE http_idempotency (
    tenant_id    UUID          NOT NULL,
    member_id    UUID          NOT NULL,
    idem_key     VARCHAR(255)  NOT NULL,
    fingerprint  VARCHAR(64)   NOT NULL,
    -- null while the first request is still running
    status       INT,
    content_type VARCHAR(200),
    location     VARCHAR(2000),
    body         VARCHAR(70000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, member_id, idem_key)
);
CREATE INDEX http_idempotency_created_idx ON http_idempotency (created_at);

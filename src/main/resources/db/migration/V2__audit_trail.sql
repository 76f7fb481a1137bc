-- Audit: the append-only, hash-chained trail. Rows are never updated or deleted by the app.
CREATE TABLE audit_event (
    id           UUID PRIMARY KEY,
    tenant_id    UUID         NOT NULL,
    seq          BIGINT       NOT NULL,
    occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    action       VARCHAR(80)  NOT NULL,
    action_code  INT          NOT NULL,
    outcome      VARCHAR(20)  NOT NULL,
    actor_id     UUID,
    actor_login  VARCHAR(320) NOT NULL,
    target_type  VARCHAR(40)  NOT NULL,
    target_id    VARCHAR(100) NOT NULL,
    ip           VARCHAR(64)  NOT NULL,
    user_agent   VARCHAR(400) NOT NULL,
    detail       VARCHAR(4000) NOT NULL,
    prev_hash    VARCHAR(64)  NOT NULL,
    hash         VARCHAR(64)  NOT NULL
);
CREATE UNIQUE INDEX audit_event_chain_uq ON audit_event (tenant_id, seq);
CREATE INDEX audit_event_time_idx ON audit_event (tenant_id, occurred_at);

-- The head of each company's chain; locked while appending so the chain stays linear.
CREATE TABLE audit_chain_head (
    tenant_id  UUID PRIMARY KEY,
    seq        BIGINT      NOT NULL,
    hash       VARCHAR(64) NOT NULL
);

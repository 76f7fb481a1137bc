-- Talk: bots (callback with signed deliveries from a durable outbox, bot token API) and incoming
-- webhooks. Only SHA-256 hashes of bot tokens and webhook secrets are stored; the signing secret
-- is stored as is because every delivery needs it.
ALTER TABLE talk_message ADD COLUMN sender_name VARCHAR(100);

CREATE TABLE talk_bot (
    id            UUID PRIMARY KEY,
    tenant_id     UUID          NOT NULL,
    name          VARCHAR(100)  NOT NULL,
    callback_url  VARCHAR(2000) NOT NULL,
    secret        VARCHAR(100)  NOT NULL,
    token_hash    VARCHAR(64)   NOT NULL,
    created_by    UUID          NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX talk_bot_token ON talk_bot (token_hash);
CREATE INDEX talk_bot_tenant ON talk_bot (tenant_id);

CREATE TABLE talk_room_bot (
    tenant_id  UUID NOT NULL,
    room_id    UUID NOT NULL REFERENCES talk_room (id),
    bot_id     UUID NOT NULL REFERENCES talk_bot (id),
    added_by   UUID NOT NULL,
    added_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (room_id, bot_id)
);

CREATE TABLE talk_outbox (
    id               UUID PRIMARY KEY,
    tenant_id        UUID         NOT NULL,
    bot_id           UUID         NOT NULL REFERENCES talk_bot (id),
    room_id          UUID         NOT NULL,
    message_id       UUID         NOT NULL,
    status           VARCHAR(20)  NOT NULL,
    attempts         INT          NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error       VARCHAR(400),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    done_at          TIMESTAMP WITH TIME ZONE
);
CREATE INDEX talk_outbox_due ON talk_outbox (status, next_attempt_at);
CREATE INDEX talk_outbox_bot ON talk_outbox (bot_id, created_at);

CREATE TABLE talk_webhook (
    id          UUID PRIMARY KEY,
    tenant_id   UUID         NOT NULL,
    room_id     UUID         NOT NULL REFERENCES talk_room (id),
    name        VARCHAR(100) NOT NULL,
    token_hash  VARCHAR(64)  NOT NULL,
    created_by  UUID         NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX talk_webhook_token ON talk_webhook (token_hash);

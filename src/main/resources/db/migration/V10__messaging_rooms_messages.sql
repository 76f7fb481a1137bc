-- Talk: rooms, their members with read pointers, messages, reactions and "delete for me".
-- Every row carries tenant_id and every query filters on it.

CREATE TABLE talk_room (
    id               UUID PRIMARY KEY,
    tenant_id        UUID         NOT NULL,
    type             VARCHAR(20)  NOT NULL,
    name             VARCHAR(200) NOT NULL,
    -- For direct rooms: the two member IDs, sorted, joined by ':'; unique per company.
    direct_key       VARCHAR(80),
    created_by       UUID         NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seq         BIGINT       NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX talk_room_direct ON talk_room (tenant_id, direct_key);

CREATE TABLE talk_member (
    tenant_id     UUID        NOT NULL,
    room_id       UUID        NOT NULL REFERENCES talk_room (id),
    member_id     UUID        NOT NULL,
    role          VARCHAR(10) NOT NULL,
    joined_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    last_read_seq BIGINT      NOT NULL DEFAULT 0,
    muted         BOOLEAN     NOT NULL DEFAULT FALSE,
    pinned        BOOLEAN     NOT NULL DEFAULT FALSE,
    PRIMARY KEY (room_id, member_id)
);
CREATE INDEX talk_member_by_member ON talk_member (tenant_id, member_id);

CREATE TABLE talk_message (
    id              UUID PRIMARY KEY,
    tenant_id       UUID         NOT NULL,
    room_id         UUID         NOT NULL REFERENCES talk_room (id),
    seq             BIGINT       NOT NULL,
    sender_id       UUID         NOT NULL,
    body            VARCHAR(20000),
    reply_to        UUID,
    mentions        VARCHAR(4000) NOT NULL DEFAULT '',
    mentions_all    BOOLEAN      NOT NULL DEFAULT FALSE,
    idempotency_key VARCHAR(100),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    edited_at       TIMESTAMP WITH TIME ZONE,
    recalled_at     TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX talk_message_seq ON talk_message (room_id, seq);
CREATE UNIQUE INDEX talk_message_idempotency ON talk_message (room_id, sender_id, idempotency_key);

CREATE TABLE talk_reaction (
    tenant_id  UUID        NOT NULL,
    message_id UUID        NOT NULL REFERENCES talk_message (id),
    member_id  UUID        NOT NULL,
    emoji      VARCHAR(16) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (message_id, member_id, emoji)
);

CREATE TABLE talk_hidden (
    tenant_id  UUID NOT NULL,
    message_id UUID NOT NULL REFERENCES talk_message (id),
    member_id  UUID NOT NULL,
    PRIMARY KEY (message_id, member_id)
);

-- Talk: message kinds (text, sticker), forwarded marker, pinned messages per room, archive per member.
ALTER TABLE talk_message ADD COLUMN kind VARCHAR(20) NOT NULL DEFAULT 'text';
ALTER TABLE talk_message ADD COLUMN forwarded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE talk_member ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE talk_pin (
    tenant_id  UUID NOT NULL,
    room_id    UUID NOT NULL REFERENCES talk_room (id),
    message_id UUID NOT NULL REFERENCES talk_message (id),
    pinned_by  UUID NOT NULL,
    pinned_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (room_id, message_id)
);

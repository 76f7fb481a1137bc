-- Files and images in talk messages. The contents live in the blob store (encrypted at rest); a row
-- holds a blob reference ("talk.attachment:<id>", and "talk.thumbnail:<id>" for an image's
-- thumbnail) for as long as it exists. An upload is pending (message_id NULL) until its uploader
-- sends it with a message; pending uploads are removed after a day.
CREATE TABLE talk_attachment (
    id            UUID PRIMARY KEY,
    tenant_id     UUID         NOT NULL,
    room_id       UUID         NOT NULL REFERENCES talk_room (id),
    message_id    UUID REFERENCES talk_message (id),
    position      INT          NOT NULL DEFAULT 0,
    uploaded_by   UUID         NOT NULL,
    name          VARCHAR(255) NOT NULL,
    content_type  VARCHAR(130) NOT NULL,
    size          BIGINT       NOT NULL,
    sha256        VARCHAR(64)  NOT NULL,
    image         BOOLEAN      NOT NULL DEFAULT FALSE,
    width         INT,
    height        INT,
    thumb_sha256  VARCHAR(64),
    thumb_type    VARCHAR(40),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX talk_attachment_message_idx ON talk_attachment (tenant_id, message_id);
CREATE INDEX talk_attachment_room_idx ON talk_attachment (tenant_id, room_id);
CREATE INDEX talk_attachment_pending_idx ON talk_attachment (created_at);

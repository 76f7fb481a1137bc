-- Talk bots: an icon per bot (a blob in the encrypted store), rich messages from bots (buttons and
-- link cards, kept as JSON beside the text; cleared with the text on recall), postback deliveries
-- (which member pressed which button of which message) and direct bot rooms (type 'bot', one per
-- bot and member, direct_key 'bot:<bot>:<member>').
ALTER TABLE talk_bot ADD COLUMN icon_sha256 VARCHAR(64);
ALTER TABLE talk_message ADD COLUMN payload VARCHAR(40000);
ALTER TABLE talk_outbox ADD COLUMN event VARCHAR(20) NOT NULL DEFAULT 'message';
ALTER TABLE talk_outbox ADD COLUMN member_id UUID;
ALTER TABLE talk_outbox ADD COLUMN button INT;

-- Talk: the search index rebuild walks a company's messages by ID in batches; this index lets each
-- batch read only its own rows in order instead of sorting all of the company's messages.
CREATE INDEX talk_message_tenant_id ON talk_message (tenant_id, id);

-- Talk: the e-mail digest of unread mentions remembers when each member last got one, so a mention
-- is mailed at most once.
CREATE TABLE talk_digest (
    member_id       UUID PRIMARY KEY,
    tenant_id       UUID NOT NULL,
    last_digest_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX talk_message_created ON talk_message (created_at);

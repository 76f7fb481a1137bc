-- Talk: the search index rebuild walks a company's messages by ID in batches; this index lets each
-- batch read only its own rows in order instead of sorting all of the company's messages.
CREATE INDEX talk_message_tenant_id ON talk_message (tenant_id, id);

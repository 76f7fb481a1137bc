-- Usage statistics count a company's messages per day.
CREATE INDEX talk_message_tenant_created ON talk_message (tenant_id, created_at);

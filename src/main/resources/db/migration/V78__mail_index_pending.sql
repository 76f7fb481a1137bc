-- Messages stored but not yet known to be in the search index (issue 5). Written in the storing
-- transaction, so that the SMTP reply need not wait for indexing; removed once the index has the
-- message; the indexer re-reads any a crash or an index failure left behind.
CREATE TABLE mail_index_pending (
    message_id  UUID PRIMARY KEY REFERENCES mail_message (id) ON DELETE CASCADE,
    tenant_id   UUID                     NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX mail_index_pending_created_idx ON mail_index_pending (created_at);

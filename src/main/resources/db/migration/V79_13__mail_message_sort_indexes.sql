-- The web client's other list orders (issue 5: list latency on a 100,000-message mailbox): oldest
-- first, by sender, by subject and largest first read a page's index entries, as newest first
-- does (V79_10), instead of reading and sorting the whole folder (7 s for a page by sender at
-- 100,000 messages). Each names the columns the list orders by, in that order and direction (H2
-- scans no index backwards and matches an index to ORDER BY from its first column). Smallest first
-- (API only) stays unindexed.
CREATE INDEX mail_message_oldest_idx
    ON mail_message (tenant_id, member_id, folder_id, sent_at, id);
CREATE INDEX mail_message_sender_idx
    ON mail_message (tenant_id, member_id, folder_id, from_address, sent_at DESC, id DESC);
CREATE INDEX mail_message_subject_idx
    ON mail_message (tenant_id, member_id, folder_id, thread_subject, sent_at DESC, id DESC);
CREATE INDEX mail_message_largest_idx
    ON mail_message (tenant_id, member_id, folder_id, size DESC, id DESC);

-- The webmail list, newest first (issue 5): a page, and a keyset page after a given message, read
-- the folder's rows in this index's order and stop after the page. Without it the folder's rows
-- were read and sorted (H2 scans no index backwards): a page near the top of a 100,000-message
-- folder read most of them. The list orders by the equality columns first, so that H2 sees that
-- the index gives its order.
CREATE INDEX mail_message_newest_idx
    ON mail_message (tenant_id, member_id, folder_id, sent_at DESC, id DESC);

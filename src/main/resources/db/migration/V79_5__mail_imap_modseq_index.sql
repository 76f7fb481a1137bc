-- IMAP IDLE, NOOP and CONDSTORE (RFC 7162 §3.1) ask which of a folder's messages changed after a
-- mod-sequence: found by this index instead of reading every row of the folder (at 100,000 messages
-- each new arrival made every idling session read the whole folder).
CREATE INDEX mail_message_imap_modseq_idx ON mail_message (tenant_id, member_id, folder_id, modseq);

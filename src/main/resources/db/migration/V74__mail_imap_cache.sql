-- IMAP: what FETCH and SEARCH need, kept with the message so that FETCH of ENVELOPE, BODY and
-- BODYSTRUCTURE (RFC 3501 §7.4.2) and SEARCH SUBJECT never decrypt or parse the stored message.
-- The three imap_* columns hold the response text exactly as sent; subject_folded the subject after
-- NFKC and lower-casing (as SEARCH compares). NULL until computed: rows stored before this
-- migration are filled in by the first FETCH or SEARCH that needs them, so the migration is cheap.
ALTER TABLE mail_message ADD COLUMN imap_envelope BYTEA;
ALTER TABLE mail_message ADD COLUMN imap_body BYTEA;
ALTER TABLE mail_message ADD COLUMN imap_bodystructure BYTEA;
ALTER TABLE mail_message ADD COLUMN subject_folded VARCHAR(8000);

-- The bytes each member's mailbox holds, kept with every store and purge so that the quota check of
-- a delivery or APPEND does not add up the whole mailbox.
CREATE TABLE mail_mailbox_usage (
    tenant_id   UUID   NOT NULL REFERENCES company (id),
    member_id   UUID   NOT NULL,
    used_bytes  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, member_id)
);
INSERT INTO mail_mailbox_usage (tenant_id, member_id, used_bytes)
    SELECT tenant_id, member_id, SUM(size) FROM mail_message GROUP BY tenant_id, member_id;

-- STATUS UNSEEN and MESSAGES count one folder by index.
CREATE INDEX mail_message_folder_seen_idx ON mail_message (folder_id, seen);

-- SELECT's UID list and the pages of FETCH and SEARCH read a folder in UID order by index.
CREATE INDEX mail_message_imap_idx ON mail_message (tenant_id, member_id, folder_id, uid);

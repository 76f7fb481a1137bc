-- IMAP: persistent UIDs (RFC 3501 §2.3.1.1) and CONDSTORE mod-sequences (RFC 7162) per folder.
-- uid_next and highest_modseq are bumped with an UPDATE on the folder row, which serialises
-- concurrent deliveries into one folder on H2 and PostgreSQL alike.
ALTER TABLE mail_folder ADD COLUMN uid_validity BIGINT NOT NULL DEFAULT 1;
ALTER TABLE mail_folder ADD COLUMN uid_next BIGINT NOT NULL DEFAULT 1;
ALTER TABLE mail_folder ADD COLUMN highest_modseq BIGINT NOT NULL DEFAULT 1;
ALTER TABLE mail_folder ADD COLUMN subscribed BOOLEAN NOT NULL DEFAULT TRUE;

ALTER TABLE mail_message ADD COLUMN uid BIGINT;
ALTER TABLE mail_message ADD COLUMN modseq BIGINT NOT NULL DEFAULT 1;
-- The IMAP \Deleted flag: set by STORE, acted on by EXPUNGE (webmail does not show it).
ALTER TABLE mail_message ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE;

-- Messages stored before this migration get UIDs in the order they arrived.
UPDATE mail_message SET uid = (
    SELECT COUNT(*) FROM mail_message o
    WHERE o.folder_id = mail_message.folder_id
      AND (o.received_at < mail_message.received_at
           OR (o.received_at = mail_message.received_at AND o.id <= mail_message.id)));
UPDATE mail_folder SET uid_next = 1 + COALESCE(
    (SELECT MAX(m.uid) FROM mail_message m WHERE m.folder_id = mail_folder.id), 0);

ALTER TABLE mail_message ALTER COLUMN uid SET NOT NULL;
ALTER TABLE mail_message ADD CONSTRAINT mail_message_folder_uid_uq UNIQUE (folder_id, uid);

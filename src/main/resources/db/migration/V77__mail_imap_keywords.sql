-- IMAP keywords (RFC 3501 §2.3.2: $Forwarded, $Junk, $Label1, or any a mail app makes), kept per
-- message as a space-separated list in the case the client first used.
ALTER TABLE mail_message ADD COLUMN keywords VARCHAR(2000) DEFAULT '' NOT NULL;

-- SEARCH SUBJECT and flag keys (RFC 3501 §6.4.4) answered from one index: the folder's UIDs with
-- their flags and folded subject, so that H2 and PostgreSQL find the candidates without reading
-- each message's row (summaries and cached FETCH texts included); only the candidates' rows are
-- read after. A folded subject is kept only up to 500 characters, so that an index entry stays
-- within PostgreSQL's B-tree limit (about 2.7 KB) even at four bytes a character; longer ones are
-- NULL, which SEARCH treats as "check the message itself", as it does for rows not yet folded.
UPDATE mail_message SET subject_folded = NULL WHERE CHAR_LENGTH(subject_folded) > 500;

CREATE INDEX mail_message_imap_search_idx ON mail_message
    (tenant_id, member_id, folder_id, uid, seen, answered, flagged, deleted, draft, subject_folded);

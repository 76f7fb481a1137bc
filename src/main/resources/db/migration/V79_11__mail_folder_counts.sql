-- A folder's message and unseen counts (issue 5), kept by every statement that adds, removes or
-- moves a message or changes its seen flag, in that transaction and under the folder row's lock
-- that the UID and mod-sequence bumps already take; the folder list and every list page read them
-- instead of counting the folder's rows (two COUNTs per folder, 100,000 rows in a large inbox).
ALTER TABLE mail_folder ADD COLUMN message_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mail_folder ADD COLUMN unseen_count BIGINT NOT NULL DEFAULT 0;
UPDATE mail_folder SET
    message_count = (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = mail_folder.id),
    unseen_count = (SELECT COUNT(*) FROM mail_message m WHERE m.folder_id = mail_folder.id
        AND NOT m.seen);

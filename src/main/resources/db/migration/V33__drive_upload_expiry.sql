-- tus expiration extension: an upload nobody has added bytes to for 24 hours is removed.
ALTER TABLE drive_upload ADD COLUMN touched_at TIMESTAMP WITH TIME ZONE;
UPDATE drive_upload SET touched_at = created_at;
ALTER TABLE drive_upload ALTER COLUMN touched_at SET NOT NULL;
CREATE INDEX drive_upload_touched_idx ON drive_upload (touched_at);

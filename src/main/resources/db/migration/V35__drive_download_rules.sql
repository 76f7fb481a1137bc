-- Download restrictions of the drive policy (empty: downloads from anywhere, by every role).
ALTER TABLE drive_policy ADD COLUMN download_networks VARCHAR(8000) DEFAULT '' NOT NULL;
ALTER TABLE drive_policy ADD COLUMN download_denied_roles VARCHAR(8000) DEFAULT '' NOT NULL;

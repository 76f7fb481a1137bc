-- Admin console (issue 9): thresholds for the mass download and mass deletion alerts.
ALTER TABLE admin_settings ADD COLUMN mass_download_threshold INT NOT NULL DEFAULT 200;
ALTER TABLE admin_settings ADD COLUMN mass_deletion_threshold INT NOT NULL DEFAULT 100;
ALTER TABLE admin_settings ADD COLUMN mass_window_minutes INT NOT NULL DEFAULT 60;

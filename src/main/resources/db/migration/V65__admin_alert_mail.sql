-- Admin console (issue 9): alerts are also mailed to the company's alert readers; mailed_at marks
-- the ones done. Alerts raised before this version are not mailed.
ALTER TABLE admin_alert ADD COLUMN mailed_at TIMESTAMP WITH TIME ZONE;
UPDATE admin_alert SET mailed_at = created_at;
CREATE INDEX admin_alert_unmailed_idx ON admin_alert (mailed_at, created_at);

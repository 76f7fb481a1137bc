-- Which second factors the company's members may use (comma-separated: totp, passkey).
ALTER TABLE security_policy ADD COLUMN mfa_methods VARCHAR(100) DEFAULT 'totp,passkey' NOT NULL;

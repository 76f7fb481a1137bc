-- Usage statistics count a company's uploads per day.
CREATE INDEX drive_version_tenant_created ON drive_version (tenant_id, created_at);

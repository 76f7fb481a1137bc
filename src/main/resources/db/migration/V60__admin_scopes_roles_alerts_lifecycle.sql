-- Admin console (issue 9): department scopes for member admins, custom roles, alerts to
-- security admins, the deletion grace period and one-time password reset links.
-- Portable subset: runs on H2 (MODE=PostgreSQL) and PostgreSQL.

-- A member admin with rows here acts only on members of these departments and their
-- sub-departments; without rows the whole company.
CREATE TABLE admin_scope (
    tenant_id     UUID NOT NULL REFERENCES company (id),
    member_id     UUID NOT NULL REFERENCES member (id),
    department_id UUID NOT NULL REFERENCES department (id),
    PRIMARY KEY (member_id, department_id)
);
CREATE INDEX admin_scope_department_idx ON admin_scope (department_id);

-- Roles a company defines from the permission catalogue (identity Permission).
CREATE TABLE custom_role (
    id          UUID PRIMARY KEY,
    tenant_id   UUID          NOT NULL REFERENCES company (id),
    name        VARCHAR(100)  NOT NULL,
    permissions VARCHAR(1000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX custom_role_name_uq ON custom_role (tenant_id, name);

CREATE TABLE member_custom_role (
    tenant_id UUID NOT NULL REFERENCES company (id),
    member_id UUID NOT NULL REFERENCES member (id),
    role_id   UUID NOT NULL REFERENCES custom_role (id),
    PRIMARY KEY (member_id, role_id)
);
CREATE INDEX member_custom_role_role_idx ON member_custom_role (role_id);

-- In-app alerts for the company's security admins.
CREATE TABLE admin_alert (
    id               UUID PRIMARY KEY,
    tenant_id        UUID          NOT NULL REFERENCES company (id),
    kind             VARCHAR(40)   NOT NULL,
    subject_id       UUID,
    subject_login    VARCHAR(320)  NOT NULL,
    detail           VARCHAR(1000) NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged_at  TIMESTAMP WITH TIME ZONE,
    acknowledged_by  UUID
);
CREATE INDEX admin_alert_tenant_idx ON admin_alert (tenant_id, created_at);

-- Deleted members stay restorable until purge_after; then the purge job anonymises them.
ALTER TABLE member ADD COLUMN purge_after TIMESTAMP WITH TIME ZONE;
CREATE INDEX member_purge_idx ON member (status, purge_after);

-- One-time password reset links an admin hands to a member. Only the SHA-256 of the token is kept.
CREATE TABLE password_reset_link (
    id          UUID PRIMARY KEY,
    tenant_id   UUID        NOT NULL REFERENCES company (id),
    member_id   UUID        NOT NULL REFERENCES member (id),
    token_hash  VARCHAR(64) NOT NULL,
    created_by  UUID        NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX password_reset_link_hash_uq ON password_reset_link (token_hash);
CREATE INDEX password_reset_link_member_idx ON password_reset_link (member_id);

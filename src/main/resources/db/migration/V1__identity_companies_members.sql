-- Identity: companies (tenants), members, departments, roles, credentials, sessions, tokens.
-- Portable subset: runs on H2 (MODE=PostgreSQL) and PostgreSQL.

CREATE TABLE company (
    id              UUID PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    domain          VARCHAR(253) NOT NULL,
    status          VARCHAR(20)  NOT NULL,
    is_system       BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX company_domain_uq ON company (domain);

-- One row per company: the security policy its admins set.
CREATE TABLE security_policy (
    tenant_id                 UUID PRIMARY KEY REFERENCES company (id),
    password_min_length       INT          NOT NULL,
    password_history          INT          NOT NULL,
    password_max_age_days     INT          NOT NULL,
    lockout_threshold         INT          NOT NULL,
    lockout_window_minutes    INT          NOT NULL,
    lockout_duration_seconds  INT          NOT NULL,
    mfa_requirement           VARCHAR(20)  NOT NULL,
    session_idle_minutes      INT          NOT NULL,
    session_absolute_minutes  INT          NOT NULL,
    ip_allowlist              VARCHAR(4000) NOT NULL,
    updated_at                TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE member (
    id                   UUID PRIMARY KEY,
    tenant_id            UUID         NOT NULL REFERENCES company (id),
    login_id             VARCHAR(320) NOT NULL,
    login_key            VARCHAR(320) NOT NULL,
    login_skeleton       VARCHAR(1300) NOT NULL,
    display_name         VARCHAR(200) NOT NULL,
    family_name          VARCHAR(100) NOT NULL,
    given_name           VARCHAR(100) NOT NULL,
    family_name_reading  VARCHAR(100) NOT NULL,
    given_name_reading   VARCHAR(100) NOT NULL,
    email                VARCHAR(320) NOT NULL,
    phone                VARCHAR(40)  NOT NULL,
    status               VARCHAR(20)  NOT NULL,
    locale               VARCHAR(20)  NOT NULL,
    time_zone            VARCHAR(60)  NOT NULL,
    password_hash        VARCHAR(200),
    password_changed_at  TIMESTAMP WITH TIME ZONE,
    totp_secret          VARCHAR(100),
    totp_pending_secret  VARCHAR(100),
    totp_last_step       BIGINT       NOT NULL DEFAULT 0,
    last_login_at        TIMESTAMP WITH TIME ZONE,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at           TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX member_login_key_uq ON member (login_key);
CREATE UNIQUE INDEX member_login_skeleton_uq ON member (login_skeleton);
CREATE INDEX member_tenant_idx ON member (tenant_id, status);

CREATE TABLE member_role (
    tenant_id  UUID        NOT NULL REFERENCES company (id),
    member_id  UUID        NOT NULL REFERENCES member (id),
    role       VARCHAR(40) NOT NULL,
    PRIMARY KEY (member_id, role)
);

CREATE TABLE department (
    id          UUID PRIMARY KEY,
    tenant_id   UUID         NOT NULL REFERENCES company (id),
    parent_id   UUID         REFERENCES department (id),
    name        VARCHAR(200) NOT NULL,
    name_reading VARCHAR(200) NOT NULL,
    sort_order  INT          NOT NULL DEFAULT 0,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX department_tenant_idx ON department (tenant_id, parent_id);

CREATE TABLE member_department (
    tenant_id     UUID         NOT NULL REFERENCES company (id),
    member_id     UUID         NOT NULL REFERENCES member (id),
    department_id UUID         NOT NULL REFERENCES department (id),
    position      VARCHAR(100) NOT NULL,
    is_primary    BOOLEAN      NOT NULL,
    PRIMARY KEY (member_id, department_id)
);
CREATE INDEX member_department_dep_idx ON member_department (department_id);

CREATE TABLE password_history (
    member_id     UUID         NOT NULL REFERENCES member (id),
    password_hash VARCHAR(200) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX password_history_member_idx ON password_history (member_id, created_at);

CREATE TABLE recovery_code (
    member_id  UUID        NOT NULL REFERENCES member (id),
    code_hash  VARCHAR(64) NOT NULL,
    used_at    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (member_id, code_hash)
);

-- Browser sessions. The cookie holds a random secret; only its SHA-256 is stored.
CREATE TABLE auth_session (
    id            UUID PRIMARY KEY,
    token_hash    VARCHAR(64)  NOT NULL,
    tenant_id     UUID         NOT NULL REFERENCES company (id),
    member_id     UUID         NOT NULL REFERENCES member (id),
    stage         VARCHAR(20)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    ip            VARCHAR(64)  NOT NULL,
    user_agent    VARCHAR(400) NOT NULL,
    revoked_at    TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX auth_session_token_uq ON auth_session (token_hash);
CREATE INDEX auth_session_member_idx ON auth_session (member_id);

-- Personal access tokens: only the SHA-256 of the token is stored.
CREATE TABLE access_token (
    id            UUID PRIMARY KEY,
    token_hash    VARCHAR(64)  NOT NULL,
    tenant_id     UUID         NOT NULL REFERENCES company (id),
    member_id     UUID         NOT NULL REFERENCES member (id),
    name          VARCHAR(100) NOT NULL,
    scopes        VARCHAR(200) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE,
    last_used_at  TIMESTAMP WITH TIME ZONE,
    revoked_at    TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX access_token_hash_uq ON access_token (token_hash);
CREATE INDEX access_token_member_idx ON access_token (member_id);

-- Failed sign-in counters, keyed on the normalised login ID (whether or not it exists).
CREATE TABLE login_throttle (
    login_key       VARCHAR(320) PRIMARY KEY,
    failures        INT          NOT NULL,
    window_start    TIMESTAMP WITH TIME ZONE NOT NULL,
    lock_level      INT          NOT NULL,
    locked_until    TIMESTAMP WITH TIME ZONE
);

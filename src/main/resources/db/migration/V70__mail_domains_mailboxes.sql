-- Mail: the company's mail domains (the primary one is the company's sign-up domain), each with a
-- DKIM key pair whose private key is sealed with the master key.
CREATE TABLE mail_domain (
    id                UUID PRIMARY KEY,
    tenant_id         UUID          NOT NULL REFERENCES company (id),
    name              VARCHAR(253)  NOT NULL,
    is_primary        BOOLEAN       NOT NULL,
    dkim_selector     VARCHAR(63)   NOT NULL,
    dkim_public_key   VARCHAR(1000) NOT NULL,
    dkim_private_key  BYTEA         NOT NULL,
    dkim_key_id       VARCHAR(100)  NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT mail_domain_name_uq UNIQUE (name)
);
CREATE INDEX mail_domain_tenant_idx ON mail_domain (tenant_id);

-- Extra addresses that deliver to a member (and that the member may send as).
CREATE TABLE mail_alias (
    id          UUID PRIMARY KEY,
    tenant_id   UUID         NOT NULL REFERENCES company (id),
    address     VARCHAR(320) NOT NULL,
    member_id   UUID         NOT NULL REFERENCES member (id),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT mail_alias_address_uq UNIQUE (address)
);
CREATE INDEX mail_alias_tenant_idx ON mail_alias (tenant_id);

-- Distribution lists: an address that delivers to every active member of a department.
CREATE TABLE mail_list (
    id             UUID PRIMARY KEY,
    tenant_id      UUID         NOT NULL REFERENCES company (id),
    address        VARCHAR(320) NOT NULL,
    department_id  UUID         NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT mail_list_address_uq UNIQUE (address)
);
CREATE INDEX mail_list_tenant_idx ON mail_list (tenant_id);

-- The company's mail policy (one row, created with defaults on first change).
CREATE TABLE mail_policy (
    tenant_id            UUID PRIMARY KEY REFERENCES company (id),
    spf_fail             VARCHAR(10) NOT NULL,
    dkim_fail            VARCHAR(10) NOT NULL,
    dmarc_fail           VARCHAR(10) NOT NULL,
    max_message_bytes    BIGINT      NOT NULL,
    mailbox_quota_bytes  BIGINT      NOT NULL,
    log_retention_days   INT         NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A member's webmail settings.
CREATE TABLE mail_settings (
    member_id     UUID PRIMARY KEY REFERENCES member (id),
    tenant_id     UUID          NOT NULL REFERENCES company (id),
    display_name  VARCHAR(200)  NOT NULL,
    signature     VARCHAR(10000) NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Folders: six role folders per member (created on first use) and custom ones.
CREATE TABLE mail_folder (
    id          UUID PRIMARY KEY,
    tenant_id   UUID         NOT NULL REFERENCES company (id),
    member_id   UUID         NOT NULL REFERENCES member (id),
    name        VARCHAR(200) NOT NULL,
    role        VARCHAR(20),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT mail_folder_name_uq UNIQUE (member_id, name)
);
CREATE INDEX mail_folder_member_idx ON mail_folder (tenant_id, member_id);

-- Messages: the raw MIME is an encrypted blob; these are the parsed metadata.
CREATE TABLE mail_message (
    id               UUID PRIMARY KEY,
    tenant_id        UUID          NOT NULL REFERENCES company (id),
    member_id        UUID          NOT NULL REFERENCES member (id),
    folder_id        UUID          NOT NULL REFERENCES mail_folder (id),
    thread_id        UUID          NOT NULL,
    blob_sha256      VARCHAR(64)   NOT NULL,
    size             BIGINT        NOT NULL,
    message_id       VARCHAR(1000) NOT NULL,
    in_reply_to      VARCHAR(1000) NOT NULL,
    refs             VARCHAR(8000) NOT NULL,
    subject          VARCHAR(2000) NOT NULL,
    thread_subject   VARCHAR(500)  NOT NULL,
    from_name        VARCHAR(500)  NOT NULL,
    from_address     VARCHAR(320)  NOT NULL,
    to_json          VARCHAR(20000) NOT NULL,
    cc_json          VARCHAR(20000) NOT NULL,
    bcc_json         VARCHAR(20000) NOT NULL,
    reply_to_json    VARCHAR(4000) NOT NULL,
    preview          VARCHAR(300)  NOT NULL,
    sent_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    seen             BOOLEAN       NOT NULL,
    flagged          BOOLEAN       NOT NULL,
    answered         BOOLEAN       NOT NULL,
    draft            BOOLEAN       NOT NULL,
    has_attachments  BOOLEAN       NOT NULL,
    spf              VARCHAR(20)   NOT NULL,
    dkim             VARCHAR(20)   NOT NULL,
    dmarc            VARCHAR(20)   NOT NULL,
    parse_error      VARCHAR(500)  NOT NULL,
    log_id           UUID
);
CREATE INDEX mail_message_folder_idx ON mail_message (tenant_id, folder_id, sent_at);
CREATE INDEX mail_message_member_idx ON mail_message (tenant_id, member_id);
CREATE INDEX mail_message_thread_idx ON mail_message (tenant_id, member_id, thread_id);
CREATE INDEX mail_message_msgid_idx ON mail_message (tenant_id, member_id, message_id);

-- The send/receive log for every message handled (no content, only the envelope and results).
CREATE TABLE mail_log (
    id           UUID PRIMARY KEY,
    tenant_id    UUID          NOT NULL REFERENCES company (id),
    logged_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    direction    VARCHAR(3)    NOT NULL,
    mail_from    VARCHAR(320)  NOT NULL,
    recipients   VARCHAR(20000) NOT NULL,
    subject      VARCHAR(1000) NOT NULL,
    size         BIGINT        NOT NULL,
    attachments  INT           NOT NULL,
    spf          VARCHAR(20)   NOT NULL,
    dkim         VARCHAR(20)   NOT NULL,
    dmarc        VARCHAR(20)   NOT NULL,
    status       VARCHAR(20)   NOT NULL,
    retries      INT           NOT NULL,
    detail       VARCHAR(1000) NOT NULL
);
CREATE INDEX mail_log_tenant_idx ON mail_log (tenant_id, logged_at);

-- Contacts: the company's shared address book of outside contacts (owner_id NULL) and each
-- member's personal book (owner_id = the member). Deleted contacts stay as tombstones
-- (deleted_at) so that CardDAV sync-collection can report them.
CREATE TABLE contact (
    id                   UUID PRIMARY KEY,
    tenant_id            UUID          NOT NULL REFERENCES company (id),
    owner_id             UUID          REFERENCES member (id),
    uid                  VARCHAR(200)  NOT NULL,
    display_name         VARCHAR(200)  NOT NULL,
    family_name          VARCHAR(100)  NOT NULL,
    given_name           VARCHAR(100)  NOT NULL,
    family_name_reading  VARCHAR(100)  NOT NULL,
    given_name_reading   VARCHAR(100)  NOT NULL,
    company              VARCHAR(200)  NOT NULL,
    company_reading      VARCHAR(200)  NOT NULL,
    department           VARCHAR(200)  NOT NULL,
    title                VARCHAR(100)  NOT NULL,
    emails               VARCHAR(4000) NOT NULL,
    phones               VARCHAR(4000) NOT NULL,
    postal_code          VARCHAR(20)   NOT NULL,
    region               VARCHAR(100)  NOT NULL,
    locality             VARCHAR(200)  NOT NULL,
    street               VARCHAR(400)  NOT NULL,
    country              VARCHAR(100)  NOT NULL,
    notes                VARCHAR(10000) NOT NULL,
    tags                 VARCHAR(2000) NOT NULL,
    photo                BYTEA,
    text_key             VARCHAR(8000) NOT NULL,
    romaji_key           VARCHAR(2000) NOT NULL,
    digit_key            VARCHAR(1000) NOT NULL,
    email_key            VARCHAR(4000) NOT NULL,
    name_key             VARCHAR(600)  NOT NULL,
    version              BIGINT        NOT NULL,
    change_seq           BIGINT        NOT NULL,
    created_by           UUID,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at           TIMESTAMP WITH TIME ZONE
);
CREATE INDEX contact_book_idx ON contact (tenant_id, owner_id, deleted_at);
CREATE INDEX contact_sync_idx ON contact (tenant_id, owner_id, change_seq);
CREATE INDEX contact_uid_idx ON contact (tenant_id, uid);

CREATE SEQUENCE contact_change_seq;

-- One row per company: who may edit the shared address book besides admins.
CREATE TABLE contact_setting (
    tenant_id               UUID PRIMARY KEY REFERENCES company (id),
    members_edit_shared     BOOLEAN NOT NULL,
    updated_at              TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Contacts collected from mail: the company may forbid it (allowed unless an admin says no); each
-- member turns it on for themselves (off until they do).
ALTER TABLE contact_setting ADD COLUMN members_collect_mail BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE contact_member_setting (
    tenant_id          UUID    NOT NULL REFERENCES company (id),
    member_id          UUID    NOT NULL REFERENCES member (id),
    collect_from_mail  BOOLEAN NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, member_id)
);

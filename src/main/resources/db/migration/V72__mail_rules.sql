-- A member's delivery rules, evaluated in order on every message that arrives in the Inbox.
CREATE TABLE mail_rule (
    id          UUID PRIMARY KEY,
    tenant_id   UUID         NOT NULL REFERENCES company (id),
    member_id   UUID         NOT NULL REFERENCES member (id),
    field       VARCHAR(10)  NOT NULL,
    match_text  VARCHAR(200) NOT NULL,
    action      VARCHAR(10)  NOT NULL,
    folder_id   UUID,
    position    INT          NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX mail_rule_member_idx ON mail_rule (tenant_id, member_id, position);

-- Which draft replaced which: each save of a draft stores a new message, deletes the one it
-- replaces and answers the new ID. A client that kept an older ID and sends with it finds here the
-- draft that is current, so that sending leaves no draft behind. Every row points at the current
-- draft (a save moves the rows of the draft it replaces to the new one), and goes with it when that
-- message is deleted (sent, purged from the trash, erased).
CREATE TABLE mail_draft_replaced (
    replaced_id UUID PRIMARY KEY,
    tenant_id   UUID NOT NULL,
    member_id   UUID NOT NULL,
    current_id  UUID NOT NULL REFERENCES mail_message (id) ON DELETE CASCADE
);
CREATE INDEX mail_draft_replaced_current_idx ON mail_draft_replaced (current_id);

-- Invitation mails handed to the mail module, per outbox row (one event, SEQUENCE and method) and
-- attendee. The row is written in the transaction that queues the mail, so a listener run retried
-- after a crash skips the attendees already mailed. Deleted with its outbox row.
CREATE TABLE cal_imip_sent (
    tenant_id  UUID          NOT NULL,
    outbox_id  UUID          NOT NULL,
    recipient  VARCHAR(320)  NOT NULL,
    sent_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, outbox_id, recipient)
);

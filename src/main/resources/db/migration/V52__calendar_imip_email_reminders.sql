-- Calendar: invitations by e-mail (iMIP, RFC 6047) and e-mail reminders.

-- Minutes before the start at which the organiser and invited members get a reminder mail.
ALTER TABLE cal_event ADD COLUMN email_reminders VARCHAR(200) DEFAULT '' NOT NULL;

-- What outside attendees were last sent for a series (by calendar and UID, which survive a
-- CalDAV replace): the iTIP SEQUENCE, a digest of the fields that make a change significant,
-- and the addresses invited, so that a removed attendee gets a CANCEL.
CREATE TABLE cal_imip_state (
    tenant_id    UUID          NOT NULL,
    calendar_id  UUID          NOT NULL,
    uid          VARCHAR(300)  NOT NULL,
    sequence     INT           NOT NULL,
    digest       VARCHAR(100)  NOT NULL,
    recipients   VARCHAR(100000) NOT NULL, -- space-separated lower-case addresses
    PRIMARY KEY (calendar_id, uid)
);

-- Invitation mails waiting to be sent after the commit that caused them; the row is removed once
-- sent. The iCalendar text stays in the database, the event record carries only the row ID.
CREATE TABLE cal_imip_outbox (
    id           UUID          PRIMARY KEY,
    tenant_id    UUID          NOT NULL,
    organizer_id UUID          NOT NULL,
    method       VARCHAR(20)   NOT NULL, -- REQUEST, CANCEL
    recipients   VARCHAR(100000) NOT NULL,
    title        VARCHAR(300)  NOT NULL,
    summary_ja   VARCHAR(2000) NOT NULL,
    summary_en   VARCHAR(2000) NOT NULL,
    ics          VARCHAR(5000000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX cal_imip_outbox_tenant ON cal_imip_outbox (tenant_id);

-- One row per reminder mail sent: the primary key makes a second send of the same reminder (by a
-- second node or after a restart) fail in the transaction that would have sent it.
CREATE TABLE cal_reminder_sent (
    tenant_id     UUID NOT NULL,
    event_id      UUID NOT NULL,
    occurrence_at TIMESTAMP WITH TIME ZONE NOT NULL,
    minutes       INT  NOT NULL,
    member_id     UUID NOT NULL,
    sent_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (event_id, occurrence_at, minutes, member_id)
);
CREATE INDEX cal_reminder_sent_at ON cal_reminder_sent (sent_at);

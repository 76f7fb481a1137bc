-- CalDAV: the resource name a client chose for an event (else '<event id>.ics'), and tombstones
-- of deleted events so that sync-collection (RFC 6578) can report deletions.

CREATE TABLE cal_href (
    tenant_id    UUID         NOT NULL,
    calendar_id  UUID         NOT NULL REFERENCES cal_calendar (id),
    href         VARCHAR(300) NOT NULL,
    event_id     UUID         NOT NULL REFERENCES cal_event (id),
    PRIMARY KEY (calendar_id, href)
);
CREATE INDEX cal_href_event ON cal_href (event_id);

CREATE TABLE cal_tombstone (
    tenant_id    UUID         NOT NULL,
    calendar_id  UUID         NOT NULL,
    href         VARCHAR(300) NOT NULL,
    deleted_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX cal_tombstone_calendar ON cal_tombstone (calendar_id, deleted_at);

-- Calendar: calendars, sharing, subscriptions, events (with recurrence and overridden
-- occurrences), attendees, facilities and their bookings, the secret feed tokens.
-- Every row carries tenant_id and every query filters on it.

CREATE TABLE cal_calendar (
    id           UUID PRIMARY KEY,
    tenant_id    UUID         NOT NULL,
    kind         VARCHAR(20)  NOT NULL, -- personal, company, department, holidays
    owner_id     UUID,                  -- the member, for personal calendars
    department_id UUID,                 -- for department calendars
    name         VARCHAR(200) NOT NULL,
    color        VARCHAR(20)  NOT NULL,
    -- 'default:<member>' or 'holidays:<tenant>': unique, so a lazy create races safely.
    unique_key   VARCHAR(100),
    feed_hash    VARCHAR(100),
    version      BIGINT       NOT NULL DEFAULT 0,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX cal_calendar_unique_key ON cal_calendar (unique_key);
CREATE UNIQUE INDEX cal_calendar_feed ON cal_calendar (feed_hash);
CREATE INDEX cal_calendar_tenant ON cal_calendar (tenant_id, kind);
CREATE INDEX cal_calendar_owner ON cal_calendar (tenant_id, owner_id);

CREATE TABLE cal_share (
    tenant_id    UUID        NOT NULL,
    calendar_id  UUID        NOT NULL REFERENCES cal_calendar (id),
    grantee_type VARCHAR(20) NOT NULL, -- member, department
    grantee_id   UUID        NOT NULL,
    level        VARCHAR(20) NOT NULL, -- freebusy, details, edit
    PRIMARY KEY (calendar_id, grantee_type, grantee_id)
);
CREATE INDEX cal_share_grantee ON cal_share (tenant_id, grantee_id);

CREATE TABLE cal_subscription (
    tenant_id    UUID NOT NULL,
    member_id    UUID NOT NULL,
    calendar_id  UUID NOT NULL REFERENCES cal_calendar (id),
    PRIMARY KEY (member_id, calendar_id)
);

CREATE TABLE cal_facility (
    id              UUID PRIMARY KEY,
    tenant_id       UUID          NOT NULL,
    name            VARCHAR(200)  NOT NULL,
    kind            VARCHAR(20)   NOT NULL, -- room, equipment, vehicle
    capacity        INT           NOT NULL,
    location        VARCHAR(500)  NOT NULL,
    needs_approval  BOOLEAN       NOT NULL,
    open_from       INT           NOT NULL, -- minutes after midnight, facility time zone
    open_to         INT           NOT NULL,
    max_minutes     INT           NOT NULL,
    time_zone       VARCHAR(60)   NOT NULL,
    departments     VARCHAR(4000) NOT NULL, -- department IDs allowed to book; empty: everyone
    deleted         BOOLEAN       NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX cal_facility_tenant ON cal_facility (tenant_id);

CREATE TABLE cal_event (
    id            UUID PRIMARY KEY,
    tenant_id     UUID          NOT NULL,
    calendar_id   UUID          NOT NULL REFERENCES cal_calendar (id),
    uid           VARCHAR(300)  NOT NULL,
    -- Overridden occurrence: the master event and the original start (UTC) it replaces.
    parent_id     UUID          REFERENCES cal_event (id),
    recurrence_id TIMESTAMP WITH TIME ZONE,
    organizer_id  UUID,
    title         VARCHAR(300)  NOT NULL,
    location      VARCHAR(500)  NOT NULL,
    description   VARCHAR(10000) NOT NULL,
    all_day       BOOLEAN       NOT NULL,
    time_zone     VARCHAR(60)   NOT NULL,
    start_local   VARCHAR(30)   NOT NULL, -- wall-clock start in time_zone (ISO local date-time)
    start_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    end_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_s    BIGINT        NOT NULL,
    rrule         VARCHAR(1000),
    exdates       VARCHAR(20000) NOT NULL DEFAULT '', -- comma-separated UTC instants
    rdates        VARCHAR(20000) NOT NULL DEFAULT '',
    -- Last instant any occurrence can end; null for an unbounded rule.
    range_end     TIMESTAMP WITH TIME ZONE,
    visibility    VARCHAR(20)   NOT NULL, -- public, private, busy
    reminders     VARCHAR(200)  NOT NULL DEFAULT '', -- minutes before, comma-separated
    facility_id   UUID          REFERENCES cal_facility (id),
    sequence      INT           NOT NULL DEFAULT 0,
    etag          VARCHAR(40)   NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX cal_event_window ON cal_event (tenant_id, calendar_id, start_at);
CREATE INDEX cal_event_parent ON cal_event (parent_id);
CREATE UNIQUE INDEX cal_event_uid ON cal_event (calendar_id, uid, recurrence_id);

CREATE TABLE cal_attendee (
    tenant_id  UUID         NOT NULL,
    event_id   UUID         NOT NULL REFERENCES cal_event (id),
    member_id  UUID,
    email      VARCHAR(320) NOT NULL, -- lower-case; for members, 'member:<id>'
    name       VARCHAR(200) NOT NULL,
    status     VARCHAR(20)  NOT NULL, -- needs-action, accepted, tentative, declined
    required   BOOLEAN      NOT NULL,
    PRIMARY KEY (event_id, email)
);
CREATE INDEX cal_attendee_member ON cal_attendee (tenant_id, member_id);

-- One row per booked occurrence; the facility row is locked (SELECT ... FOR UPDATE) while an
-- overlap is checked and a booking written, so two overlapping bookings never both succeed.
CREATE TABLE cal_booking (
    id           UUID PRIMARY KEY,
    tenant_id    UUID        NOT NULL,
    facility_id  UUID        NOT NULL REFERENCES cal_facility (id),
    event_id     UUID        NOT NULL REFERENCES cal_event (id),
    start_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    end_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    status       VARCHAR(20) NOT NULL, -- confirmed, pending
    booked_by    UUID        NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX cal_booking_window ON cal_booking (facility_id, start_at);
CREATE INDEX cal_booking_event ON cal_booking (event_id);

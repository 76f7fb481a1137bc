-- Calendar: answers for one occurrence of a series ("this event"), given by a member in the web
-- client or by an outside attendee in an iMIP REPLY with RECURRENCE-ID. The series answer stays in
-- cal_attendee; a row here takes its place for that one occurrence.
CREATE TABLE cal_occurrence_answer (
    tenant_id     UUID         NOT NULL,
    event_id      UUID         NOT NULL REFERENCES cal_event (id), -- the series master
    recurrence_id TIMESTAMP WITH TIME ZONE NOT NULL,               -- the occurrence's original start
    email         VARCHAR(320) NOT NULL, -- the attendee's key in cal_attendee ('member:<id>' or address)
    member_id     UUID,
    status        VARCHAR(20)  NOT NULL, -- accepted, tentative, declined
    PRIMARY KEY (event_id, recurrence_id, email)
);
CREATE INDEX cal_occurrence_answer_member ON cal_occurrence_answer (tenant_id, member_id);

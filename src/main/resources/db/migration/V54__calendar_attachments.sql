-- Calendar: files attached to an event (a single event, a series master or an overridden
-- occurrence). A Drive file is named by its ID, with its name, size and type as they were when it
-- was attached; a link kept from a CalDAV client's ATTACH has a URI and no file.
CREATE TABLE cal_attachment (
    tenant_id    UUID          NOT NULL,
    event_id     UUID          NOT NULL REFERENCES cal_event (id),
    position     INT           NOT NULL,
    file_id      UUID,                  -- the Drive file, or null for a link
    uri          VARCHAR(2000),         -- the link, or null for a Drive file
    name         VARCHAR(255)  NOT NULL,
    size         BIGINT        NOT NULL,
    content_type VARCHAR(255)  NOT NULL,
    attached_by  UUID,                  -- the member who attached the Drive file
    PRIMARY KEY (event_id, position)
);
CREATE INDEX cal_attachment_file ON cal_attachment (tenant_id, file_id);

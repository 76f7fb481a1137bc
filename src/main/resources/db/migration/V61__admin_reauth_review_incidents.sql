-- Admin console (issue 9): recent re-authentication for security changes, alert thresholds,
-- access reviews, sign-in observations for alerts, incident reports.

ALTER TABLE auth_session ADD COLUMN reauthenticated_at TIMESTAMP WITH TIME ZONE;

-- Company settings for alerts and the access review.
CREATE TABLE admin_settings (
    tenant_id                     UUID PRIMARY KEY REFERENCES company (id),
    failed_signin_threshold       INT NOT NULL,
    failed_signin_window_minutes  INT NOT NULL,
    dormant_days                  INT NOT NULL,
    updated_at                    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Failed sign-ins of known members, kept for the alert rule's window.
CREATE TABLE signin_failure (
    tenant_id   UUID NOT NULL REFERENCES company (id),
    member_id   UUID NOT NULL REFERENCES member (id),
    failed_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX signin_failure_member_idx ON signin_failure (member_id, failed_at);

-- Networks (IPv4 /24, IPv6 /48) an admin has signed in from.
CREATE TABLE admin_known_network (
    tenant_id     UUID        NOT NULL REFERENCES company (id),
    member_id     UUID        NOT NULL REFERENCES member (id),
    network       VARCHAR(64) NOT NULL,
    first_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (member_id, network)
);

CREATE TABLE access_review (
    id          UUID PRIMARY KEY,
    tenant_id   UUID         NOT NULL REFERENCES company (id),
    name        VARCHAR(200) NOT NULL,
    started_by  UUID         NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    closed_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX access_review_tenant_idx ON access_review (tenant_id, started_at);

CREATE TABLE access_review_decision (
    review_id   UUID         NOT NULL REFERENCES access_review (id),
    tenant_id   UUID         NOT NULL REFERENCES company (id),
    member_id   UUID         NOT NULL REFERENCES member (id),
    decision    VARCHAR(20)  NOT NULL,
    note        VARCHAR(500) NOT NULL,
    reviewer_id UUID         NOT NULL,
    decided_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (review_id, member_id)
);

CREATE TABLE incident_report (
    id             UUID PRIMARY KEY,
    tenant_id      UUID          NOT NULL REFERENCES company (id),
    reporter_id    UUID          NOT NULL REFERENCES member (id),
    reporter_login VARCHAR(320)  NOT NULL,
    category       VARCHAR(40)   NOT NULL,
    summary        VARCHAR(200)  NOT NULL,
    details        VARCHAR(4000) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX incident_report_tenant_idx ON incident_report (tenant_id, created_at);

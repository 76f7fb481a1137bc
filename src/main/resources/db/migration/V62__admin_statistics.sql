-- Admin console (issue 9): daily figures per company.

-- Members active on a day (signed in at least once), for daily/weekly/monthly active counts.
CREATE TABLE member_active_day (
    tenant_id  UUID NOT NULL REFERENCES company (id),
    member_id  UUID NOT NULL REFERENCES member (id),
    stat_day   DATE NOT NULL,
    PRIMARY KEY (member_id, stat_day)
);
CREATE INDEX member_active_day_tenant_idx ON member_active_day (tenant_id, stat_day);

-- Sign-ins counted per company and day.
CREATE TABLE signin_day (
    tenant_id  UUID NOT NULL REFERENCES company (id),
    stat_day   DATE NOT NULL,
    sign_ins   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, stat_day)
);

-- The figures kept per company and day (the job writes yesterday's and today's rows).
CREATE TABLE statistics_daily (
    tenant_id          UUID   NOT NULL REFERENCES company (id),
    stat_day           DATE   NOT NULL,
    members_active     BIGINT NOT NULL,
    members_suspended  BIGINT NOT NULL,
    members_deleted    BIGINT NOT NULL,
    sign_ins           BIGINT NOT NULL,
    daily_active       BIGINT NOT NULL,
    weekly_active      BIGINT NOT NULL,
    monthly_active     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, stat_day)
);

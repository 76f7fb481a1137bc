-- Admin console (issue 9): usage figures per company and day, one row per figure (messages sent,
-- mail sent and received, files uploaded, stored bytes), as the modules report them.
CREATE TABLE statistics_usage (
    tenant_id  UUID         NOT NULL REFERENCES company (id),
    stat_day   DATE         NOT NULL,
    name       VARCHAR(50)  NOT NULL,
    amount     BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, stat_day, name)
);

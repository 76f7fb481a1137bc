-- Admin console (issue 9): countries an admin signed in from (from the operator's IP-to-country
-- file), and how many days a country stays known before a sign-in from it alerts again.
CREATE TABLE admin_known_country (
    tenant_id     UUID       NOT NULL REFERENCES company (id),
    member_id     UUID       NOT NULL REFERENCES member (id),
    country       VARCHAR(2) NOT NULL,
    first_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (member_id, country)
);
CREATE INDEX admin_known_country_tenant_idx ON admin_known_country (tenant_id);

ALTER TABLE admin_settings ADD COLUMN new_country_days INT NOT NULL DEFAULT 90;

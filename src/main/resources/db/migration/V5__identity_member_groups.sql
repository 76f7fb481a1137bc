-- Custom groups: named sets of members across departments (projects, committees, on-call rotas),
-- kept by member admins and shown in the directory.
CREATE TABLE member_group (
    id          UUID PRIMARY KEY,
    tenant_id   UUID          NOT NULL REFERENCES company (id),
    name        VARCHAR(100)  NOT NULL,
    name_key    VARCHAR(100)  NOT NULL,
    description VARCHAR(1000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT member_group_name_uq UNIQUE (tenant_id, name_key)
);

CREATE TABLE member_group_member (
    group_id  UUID NOT NULL REFERENCES member_group (id) ON DELETE CASCADE,
    member_id UUID NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    tenant_id UUID NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX member_group_member_idx ON member_group_member (member_id);

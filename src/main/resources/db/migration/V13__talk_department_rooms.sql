-- Talk: department rooms, whose members follow the directory.
ALTER TABLE talk_room ADD COLUMN department_id UUID;
ALTER TABLE talk_room ADD COLUMN include_sub BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX talk_room_department ON talk_room (tenant_id, department_id);

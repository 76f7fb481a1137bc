-- Distribution lists for custom groups: a list targets either a department or a group (exactly
-- one). Neither column references identity's tables; a list whose group or department was deleted
-- stays, delivers to nobody and is shown as broken until an admin removes it.
ALTER TABLE mail_list ALTER COLUMN department_id DROP NOT NULL;
ALTER TABLE mail_list ADD COLUMN group_id UUID;
ALTER TABLE mail_list ADD CONSTRAINT mail_list_one_target
    CHECK ((department_id IS NULL AND group_id IS NOT NULL)
        OR (department_id IS NOT NULL AND group_id IS NULL));

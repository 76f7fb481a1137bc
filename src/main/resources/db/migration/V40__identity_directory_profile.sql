-- Directory profile: what colleagues see on a member's card besides names, email and phone.
ALTER TABLE member ADD COLUMN extension VARCHAR(20) NOT NULL DEFAULT '';
ALTER TABLE member ADD COLUMN office VARCHAR(200) NOT NULL DEFAULT '';
ALTER TABLE member ADD COLUMN job_title VARCHAR(100) NOT NULL DEFAULT '';
ALTER TABLE member ADD COLUMN name_romaji VARCHAR(200) NOT NULL DEFAULT '';
ALTER TABLE member ADD COLUMN manager_id UUID REFERENCES member (id);

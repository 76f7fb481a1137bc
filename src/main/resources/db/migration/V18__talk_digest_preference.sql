-- Talk: a member may turn the e-mail digest of unread mentions off (My account). No row means on.
ALTER TABLE talk_digest ADD COLUMN enabled BOOLEAN DEFAULT TRUE NOT NULL;

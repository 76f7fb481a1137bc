-- mail_message_member_idx (tenant_id, member_id) is the prefix of six other indexes, and it made
-- H2 look up a replied-to message by walking the whole mailbox: before H2 has analysed the table
-- (and between its analyses) it rates every index by default column selectivities, under which
-- this index and mail_message_msgid_idx (tenant_id, member_id, message_id) cost the same, and it
-- takes the first. Threading a reply into a 36,000-message mailbox then took 87 % of a delivery's
-- time (issue 5, docs/benchmarks.md). Whatever filters on tenant and member alone uses one of the
-- others.
DROP INDEX mail_message_member_idx;

-- The subject fallback of threading (a reply whose In-Reply-To/References name no stored message)
-- looks up the member's latest message with the same folded subject: by index, not by reading
-- every message of the member (issue 5, inbound SMTP throughput).
CREATE INDEX mail_message_thread_subject_idx
    ON mail_message (tenant_id, member_id, thread_subject, sent_at);

-- Threading: the message IDs each message names in In-Reply-To and References (RFC 5322 §3.6.4),
-- one row each, so that a delivery finds the messages that refer to it by index instead of
-- scanning every message's References with LIKE.
CREATE TABLE mail_message_ref (
    message_id  UUID          NOT NULL REFERENCES mail_message (id) ON DELETE CASCADE,
    tenant_id   UUID          NOT NULL,
    member_id   UUID          NOT NULL,
    ref         VARCHAR(1000) NOT NULL,
    PRIMARY KEY (message_id, ref)
);
CREATE INDEX mail_message_ref_idx ON mail_message_ref (tenant_id, member_id, ref);

-- Existing messages: In-Reply-To and each space-separated entry of References.
INSERT INTO mail_message_ref (message_id, tenant_id, member_id, ref)
WITH RECURSIVE split (id, tenant_id, member_id, rest, ref) AS (
    SELECT id, tenant_id, member_id, CAST(refs || ' ' AS VARCHAR(9000)),
           CAST(in_reply_to AS VARCHAR(9000))
    FROM mail_message
  UNION ALL
    SELECT id, tenant_id, member_id,
           CAST(SUBSTRING(rest FROM POSITION(' ' IN rest) + 1) AS VARCHAR(9000)),
           CAST(SUBSTRING(rest FROM 1 FOR POSITION(' ' IN rest) - 1) AS VARCHAR(9000))
    FROM split WHERE POSITION(' ' IN rest) > 0
)
SELECT DISTINCT id, tenant_id, member_id, CAST(SUBSTRING(ref FROM 1 FOR 1000) AS VARCHAR(1000))
    FROM split WHERE ref <> '';

-- Where a company's audit chain starts after retention removed its oldest entries: the first kept
-- position and the hash it links to. The prune that moves it is itself in the trail.
CREATE TABLE audit_chain_start (
    tenant_id  UUID PRIMARY KEY,
    seq        BIGINT      NOT NULL,
    prev_hash  VARCHAR(64) NOT NULL,
    pruned_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

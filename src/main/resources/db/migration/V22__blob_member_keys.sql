-- Crypto-shredding: content that belongs to one member (their mailbox, personal drive, photo,
-- personal-data exports) is encrypted under data keys of that member's own. When the member's data
-- is erased, those keys are destroyed: the ciphertext is then unreadable, also in older backups'
-- blob copies once their key rows are gone.

-- The member a data key belongs to (NULL: the company's); destroyed_at set when the key material
-- was destroyed (wrapped_keyset is then emptied).
ALTER TABLE blob_data_key ADD COLUMN member_id UUID;
ALTER TABLE blob_data_key ADD COLUMN destroyed_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX blob_data_key_member_idx ON blob_data_key (tenant_id, member_id);

-- The data key each member's new blobs are encrypted with.
CREATE TABLE blob_member_key (
    tenant_id   UUID NOT NULL,
    member_id   UUID NOT NULL,
    data_key_id UUID NOT NULL REFERENCES blob_data_key (id),
    PRIMARY KEY (tenant_id, member_id)
);

-- For a member's blob, sha256 holds an address derived from the member and the plaintext's
-- SHA-256 (so two members never share one ciphertext); member_id says whose it was.
ALTER TABLE blob ADD COLUMN member_id UUID;

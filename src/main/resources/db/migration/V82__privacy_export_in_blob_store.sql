-- Personal-data export archives are kept in the encrypted blob store (never as plain files):
-- the job row names the archive's blob while it is ready for download.
ALTER TABLE privacy_export ADD COLUMN blob_sha256 VARCHAR(64);
ALTER TABLE privacy_export ADD COLUMN blob_size BIGINT;

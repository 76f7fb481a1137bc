-- Member photos: the SHA-256 of the square JPEG in the company's blob store (referenced as
-- "identity.member-photo:<member id>"), or NULL when the member has no photo.
ALTER TABLE member ADD COLUMN photo_sha256 VARCHAR(64);

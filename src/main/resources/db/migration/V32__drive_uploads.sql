-- Resumable uploads (tus 1.0): the received bytes wait in a temporary file under the data
-- directory, named by the upload's ID, until the last byte arrives and the file goes to the blob
-- store.
CREATE TABLE drive_upload (
    id         UUID PRIMARY KEY,
    tenant_id  UUID          NOT NULL,
    member_id  UUID          NOT NULL,
    folder_id  UUID          NOT NULL,
    name       VARCHAR(1000) NOT NULL,
    length     BIGINT        NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

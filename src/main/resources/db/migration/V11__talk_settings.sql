-- Talk: one settings row per company (absent = the defaults).
CREATE TABLE talk_settings (
    tenant_id            UUID PRIMARY KEY,
    edit_window_hours    INT       NOT NULL,
    recall_window_hours  INT       NOT NULL,
    read_by_visible      BOOLEAN   NOT NULL,
    attachment_max_mb    INT       NOT NULL,
    updated_by           UUID      NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL
);

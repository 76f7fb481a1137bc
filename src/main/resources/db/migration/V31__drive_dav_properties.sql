-- WebDAV dead properties (PROPPATCH) of drive items: one row per property, the value kept as the
-- XML fragment the client sent.
CREATE TABLE drive_dav_prop (
    tenant_id UUID          NOT NULL,
    node_id   UUID          NOT NULL REFERENCES drive_node (id) ON DELETE CASCADE,
    namespace VARCHAR(500)  NOT NULL,
    name      VARCHAR(200)  NOT NULL,
    prop_value VARCHAR(20000) NOT NULL,
    PRIMARY KEY (node_id, namespace, name)
);

-- Uploaded files, kept in the database so that every node can serve them. The stored
-- name is the ID and the extension of the type detected from the content; the client's
-- name survives only as a sanitised display name. Images get re-encoded JPEG variants.

CREATE TABLE blobs (
    id           @UUID PRIMARY KEY,
    owner_org_id @UUID NOT NULL REFERENCES orgs (id),
    kind         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    ext          TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    display_name TEXT NOT NULL,
    width        BIGINT NOT NULL DEFAULT 0,
    height       BIGINT NOT NULL DEFAULT 0,
    public       BOOLEAN NOT NULL DEFAULT FALSE,
    data         @BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX blobs_owner ON blobs (owner_org_id, created_at);

CREATE TABLE blob_variants (
    blob_id      @UUID NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    variant      TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width        BIGINT NOT NULL DEFAULT 0,
    height       BIGINT NOT NULL DEFAULT 0,
    data         @BLOB NOT NULL,
    PRIMARY KEY (blob_id, variant)
);

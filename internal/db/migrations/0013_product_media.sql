-- Product media: the photos shown in a product's gallery (the first by sort is the cover)
-- and the attachments offered for download (datasheets, drawings). The files are public
-- blobs owned by the supplier; the rows say which product shows them and in what order.

CREATE TABLE product_media (
    product_id @UUID NOT NULL REFERENCES products (id),
    blob_id    @UUID NOT NULL REFERENCES blobs (id),
    kind       TEXT NOT NULL CHECK (kind IN ('image', 'attachment')),
    sort       BIGINT NOT NULL DEFAULT 0,
    title      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (product_id, blob_id)
);
CREATE INDEX product_media_order ON product_media (product_id, kind, sort);

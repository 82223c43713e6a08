-- Suppliers' freight templates: rules by province, by weight or piece, free above an
-- amount. Rules are a JSON document; quoting reads a template whole.
CREATE TABLE freight_templates (
    id          @UUID PRIMARY KEY,
    supplier_id @UUID NOT NULL REFERENCES orgs (id),
    name        TEXT NOT NULL,
    basis       TEXT NOT NULL CHECK (basis IN ('weight', 'piece')),
    rules       TEXT NOT NULL,
    free_above  BIGINT NOT NULL DEFAULT 0,
    excluded    TEXT NOT NULL DEFAULT '[]',
    updated_at  BIGINT NOT NULL
);
CREATE INDEX freight_templates_supplier ON freight_templates (supplier_id, name);

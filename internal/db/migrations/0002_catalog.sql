-- The catalogue: a category tree with attribute templates, brands, products (SPU) and
-- SKUs. Parameter values are JSON documents validated against the category template;
-- numbers carry their unit so search can filter ranges.

CREATE TABLE categories (
    id         @UUID PRIMARY KEY,
    parent_id  @UUID REFERENCES categories (id),
    code       TEXT NOT NULL UNIQUE,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    depth      BIGINT NOT NULL,
    sort       BIGINT NOT NULL DEFAULT 0,
    path       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active',
    created_at BIGINT NOT NULL
);
CREATE INDEX categories_parent ON categories (parent_id, sort);

CREATE TABLE attributes (
    id          @UUID PRIMARY KEY,
    category_id @UUID NOT NULL REFERENCES categories (id),
    code        TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('enum', 'number', 'range', 'text', 'bool')),
    unit        TEXT NOT NULL DEFAULT '',
    options     TEXT NOT NULL DEFAULT '[]',
    required    BOOLEAN NOT NULL DEFAULT FALSE,
    filterable  BOOLEAN NOT NULL DEFAULT FALSE,
    sales       BOOLEAN NOT NULL DEFAULT FALSE,
    sort        BIGINT NOT NULL DEFAULT 0,
    UNIQUE (category_id, code)
);

CREATE TABLE brands (
    id         @UUID PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    name_en    TEXT NOT NULL DEFAULT '',
    origin     TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE products (
    id          @UUID PRIMARY KEY,
    supplier_id @UUID NOT NULL REFERENCES orgs (id),
    category_id @UUID NOT NULL REFERENCES categories (id),
    brand_id    @UUID REFERENCES brands (id),
    title       TEXT NOT NULL,
    name        TEXT NOT NULL,
    model       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'draft',
    attrs       TEXT NOT NULL DEFAULT '[]',
    description TEXT NOT NULL DEFAULT '',
    sales_count BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX products_supplier ON products (supplier_id, status, updated_at);
CREATE INDEX products_category ON products (category_id, status);
CREATE INDEX products_sales ON products (status, sales_count);

CREATE TABLE skus (
    id          @UUID PRIMARY KEY,
    product_id  @UUID NOT NULL REFERENCES products (id),
    supplier_id @UUID NOT NULL REFERENCES orgs (id),
    code        TEXT NOT NULL,
    spec        TEXT NOT NULL DEFAULT '[]',
    price       BIGINT NOT NULL,
    tiers       TEXT NOT NULL DEFAULT '[]',
    moq         BIGINT NOT NULL DEFAULT 1,
    multiple    BIGINT NOT NULL DEFAULT 1,
    unit        TEXT NOT NULL,
    stock       BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
    weight_g    BIGINT NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'active',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (supplier_id, code)
);
CREATE INDEX skus_product ON skus (product_id);

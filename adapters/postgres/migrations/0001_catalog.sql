-- Catalog: brands, the category tree, products with their variants and
-- prices, and reviews.
--
-- The seed system keeps products as MongoDB documents. Mercato keeps them
-- in PostgreSQL: the fixed fields as columns, the free-form ones
-- (attributes, variant options) as JSONB. A product, its variants, its
-- prices and its rating then change together in one transaction, and
-- handles and SKUs are unique by constraint.

CREATE TABLE catalog_brands (
    id         text        PRIMARY KEY,
    name       text        NOT NULL CHECK (name <> ''),
    handle     text        NOT NULL CONSTRAINT catalog_brands_handle_key UNIQUE,
    created_at timestamptz NOT NULL
);

CREATE TABLE catalog_categories (
    id         text        PRIMARY KEY,
    name       text        NOT NULL CHECK (name <> ''),
    handle     text        NOT NULL CONSTRAINT catalog_categories_handle_key UNIQUE,
    parent_id  text        REFERENCES catalog_categories (id),
    -- The materialised path: the IDs from the root down to this category,
    -- each followed by '/'. The descendants of a category are the rows
    -- whose path starts with its path.
    path       text        NOT NULL CONSTRAINT catalog_categories_path_key UNIQUE,
    created_at timestamptz NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id),
    CHECK (right(path, length(id) + 1) = id || '/')
);
CREATE INDEX catalog_categories_path_idx ON catalog_categories (path text_pattern_ops);

CREATE TABLE catalog_products (
    id           text        PRIMARY KEY,
    handle       text        NOT NULL CONSTRAINT catalog_products_handle_key UNIQUE,
    title        text        NOT NULL CHECK (title <> ''),
    description  text        NOT NULL DEFAULT '',
    brand_id     text        REFERENCES catalog_brands (id),
    -- Category IDs; existence is checked by the store when it writes
    -- (categories are never deleted).
    category_ids text[]      NOT NULL DEFAULT '{}',
    attributes   jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    images       text[]      NOT NULL DEFAULT '{}',
    status       text        NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    -- The rating as a count and a sum of stars, updated in the same
    -- transaction as each review insert.
    rating_count bigint      NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    rating_sum   bigint      NOT NULL DEFAULT 0 CHECK (rating_sum BETWEEN rating_count AND 5 * rating_count),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
-- Lists filter by brand, status or category and page by id.
CREATE INDEX catalog_products_brand_idx ON catalog_products (brand_id, id);
CREATE INDEX catalog_products_status_idx ON catalog_products (status, id);
CREATE INDEX catalog_products_categories_idx ON catalog_products USING gin (category_ids);
-- Attribute filters ("attributes @> '{\"material\": \"oak\"}'").
CREATE INDEX catalog_products_attributes_idx ON catalog_products USING gin (attributes jsonb_path_ops);

CREATE TABLE catalog_variants (
    id           text   PRIMARY KEY,
    product_id   text   NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
    position     int    NOT NULL CHECK (position >= 0),
    sku          text   NOT NULL CONSTRAINT catalog_variants_sku_key UNIQUE,
    options      jsonb  NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
    weight_grams bigint NOT NULL DEFAULT 0 CHECK (weight_grams >= 0)
);
CREATE INDEX catalog_variants_product_idx ON catalog_variants (product_id, position);

CREATE TABLE catalog_variant_prices (
    variant_id text   NOT NULL REFERENCES catalog_variants (id) ON DELETE CASCADE,
    currency   text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Minor units of the currency.
    amount     bigint NOT NULL CHECK (amount >= 0),
    compare_at bigint CHECK (compare_at > amount),
    PRIMARY KEY (variant_id, currency)
);

CREATE TABLE catalog_reviews (
    id          text        PRIMARY KEY,
    product_id  text        NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
    customer_id text        NOT NULL,
    rating      smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title       text        NOT NULL DEFAULT '',
    body        text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    CONSTRAINT catalog_reviews_one_per_customer UNIQUE (product_id, customer_id)
);
CREATE INDEX catalog_reviews_product_idx ON catalog_reviews (product_id, id);

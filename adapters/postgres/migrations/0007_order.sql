-- Orders, their lines and their history. What List, Unsettled and the
-- uniqueness rules look at are plain columns; addresses and the shipment
-- are jsonb, read and written whole. Money is minor units (bigint) in the
-- order's currency. Lines never change after checkout; history is
-- append-only (an update inserts only its new transitions).

CREATE TABLE orders (
    -- "C" collation: IDs sort bytewise, as the keyset cursor of List
    -- expects, whatever the database's locale.
    id               text COLLATE "C" PRIMARY KEY,
    number           bigint      GENERATED ALWAYS AS IDENTITY (START WITH 1001) UNIQUE,
    idempotency_key  text        NOT NULL,
    cart_id          text        NOT NULL,
    customer_id      text,
    email            text        NOT NULL,
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status           text        NOT NULL CHECK (status IN ('pending', 'payment_pending', 'confirmed', 'processing',
                                                            'packed', 'shipped', 'in_transit', 'out_for_delivery',
                                                            'delivered', 'cancelled', 'return_requested',
                                                            'return_approved', 'refunded')),
    subtotal         bigint      NOT NULL,
    discount         bigint      NOT NULL,
    shipping         bigint      NOT NULL,
    tax              bigint      NOT NULL,
    total            bigint      NOT NULL,
    shipping_address jsonb       NOT NULL,
    billing_address  jsonb       NOT NULL,
    reservation_id   text        NOT NULL,
    payment_method   text        NOT NULL,
    capture          text        NOT NULL,
    payment_ids      text[]      NOT NULL DEFAULT '{}',
    shipment         jsonb,
    failure_code     text        NOT NULL DEFAULT '',
    failure_message  text        NOT NULL DEFAULT '',
    settled          boolean     NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    version          bigint      NOT NULL CHECK (version > 0),
    CONSTRAINT orders_idempotency_key_key UNIQUE (idempotency_key)
);

-- A cart has at most one order that is not cancelled.
CREATE UNIQUE INDEX orders_open_cart_key ON orders (cart_id) WHERE status <> 'cancelled';
-- List: newest first, overall, per customer and per status.
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC, id DESC) WHERE customer_id IS NOT NULL;
CREATE INDEX orders_status_idx ON orders (status, created_at DESC, id DESC);
-- Recovery: unsettled orders, oldest first. Settled orders, nearly all
-- of them, stay out of the index.
CREATE INDEX orders_unsettled_idx ON orders (updated_at, id) WHERE NOT settled;

CREATE TABLE order_lines (
    order_id   text COLLATE "C" NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 0),
    sku        text    NOT NULL,
    product_id text    NOT NULL DEFAULT '',
    variant_id text    NOT NULL DEFAULT '',
    title      text    NOT NULL DEFAULT '',
    quantity   integer NOT NULL CHECK (quantity > 0),
    unit_price bigint  NOT NULL,
    total      bigint  NOT NULL,
    PRIMARY KEY (order_id, position)
);

CREATE TABLE order_history (
    order_id    text COLLATE "C" NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    seq         integer     NOT NULL CHECK (seq >= 0),
    from_status text        NOT NULL DEFAULT '',
    to_status   text        NOT NULL,
    actor       text        NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    PRIMARY KEY (order_id, seq)
);

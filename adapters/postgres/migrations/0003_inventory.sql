-- Inventory: stock levels per SKU and location, reservations with their
-- allocations, per-SKU low-stock thresholds and the stock-movement ledger.
-- The CHECK constraints keep every level sane even if code were wrong:
-- never negative, never more reserved than on hand.

CREATE TABLE inventory_levels (
    sku        text        NOT NULL,
    location   text        NOT NULL,
    on_hand    integer     NOT NULL DEFAULT 0,
    reserved   integer     NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (sku, location),
    CONSTRAINT inventory_levels_on_hand_nonnegative CHECK (on_hand >= 0),
    CONSTRAINT inventory_levels_reserved_nonnegative CHECK (reserved >= 0),
    CONSTRAINT inventory_levels_reserved_within_on_hand CHECK (reserved <= on_hand)
);

CREATE TABLE inventory_thresholds (
    sku                 text    PRIMARY KEY,
    low_stock_threshold integer NOT NULL CHECK (low_stock_threshold >= 0)
);

CREATE TABLE inventory_reservations (
    id         text        PRIMARY KEY,
    status     text        NOT NULL CHECK (status IN ('reserved', 'released', 'expired', 'deducted', 'restocked')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);

-- The sweeper's query: reserved reservations by expiry.
CREATE INDEX inventory_reservations_due ON inventory_reservations (expires_at, id) WHERE status = 'reserved';

CREATE TABLE inventory_allocations (
    reservation_id text    NOT NULL REFERENCES inventory_reservations (id),
    sku            text    NOT NULL,
    location       text    NOT NULL,
    quantity       integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, sku, location),
    FOREIGN KEY (sku, location) REFERENCES inventory_levels (sku, location)
);

CREATE TABLE inventory_movements (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku            text        NOT NULL,
    location       text        NOT NULL,
    on_hand_delta  integer     NOT NULL,
    reserved_delta integer     NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('adjust', 'reserve', 'release', 'expire', 'deduct', 'restock')),
    reason         text        NOT NULL DEFAULT '',
    reservation_id text        REFERENCES inventory_reservations (id),
    at             timestamptz NOT NULL,
    CHECK (on_hand_delta <> 0 OR reserved_delta <> 0)
);

-- A SKU's ledger, in order.
CREATE INDEX inventory_movements_sku ON inventory_movements (sku, id);

-- Untracked lines: the lines of a reservation whose SKU had no stock level
-- anywhere when it was made, reserved without limit because the service
-- runs with inventory.Options.Untracked. They hold no stock, so they have
-- no allocation and reference no level; a reservation's lines are its
-- allocations summed per SKU plus these.

CREATE TABLE inventory_untracked_lines (
    reservation_id text    NOT NULL REFERENCES inventory_reservations (id),
    sku            text    NOT NULL,
    quantity       integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, sku)
);

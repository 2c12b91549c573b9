-- An order records the cart version it was priced from, and the rule
-- "one open order per cart" becomes "one open order per cart version":
-- a cart changed while its order was being paid stays active, and its
-- new version can be checked out. Orders recorded before have version 0.

ALTER TABLE orders ADD COLUMN cart_version bigint NOT NULL DEFAULT 0 CHECK (cart_version >= 0);

DROP INDEX orders_open_cart_key;
CREATE UNIQUE INDEX orders_open_cart_version_key ON orders (cart_id, cart_version) WHERE status <> 'cancelled';

-- An order's returns of some of its units, each with its lines, status
-- and prorated refund; read and written whole, like the shipment.
ALTER TABLE orders ADD COLUMN returns jsonb NOT NULL DEFAULT '[]';

-- Refunds made at the payment provider (its dashboard) that the order
-- learnt of from the payment's events.
ALTER TABLE orders ADD COLUMN external_refunds jsonb NOT NULL DEFAULT '[]';

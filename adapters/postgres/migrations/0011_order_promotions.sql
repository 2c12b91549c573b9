-- Promotions and gift cards on orders. Each line keeps its share of the
-- order's discount, frozen at checkout, so returns refund discounted
-- amounts; the promotions applied and the gift cards paying part of the
-- order are read and written whole, like the returns. Orders recorded
-- before have no discounts and no gift cards.

ALTER TABLE order_lines ADD COLUMN discount bigint NOT NULL DEFAULT 0 CHECK (discount >= 0);

ALTER TABLE order_orders ADD COLUMN promotions jsonb NOT NULL DEFAULT '[]';

ALTER TABLE order_orders ADD COLUMN gift_cards jsonb NOT NULL DEFAULT '[]';

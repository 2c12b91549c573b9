-- Notification deliveries: the dedupe record that makes each (event,
-- channel, address) send once, and the delivery log queried per order and
-- per customer.

CREATE TABLE notify_deliveries (
    id           text        PRIMARY KEY,
    event_id     text        NOT NULL,
    event        text        NOT NULL,
    channel      text        NOT NULL CHECK (channel <> ''),
    kind         text        NOT NULL CHECK (kind IN ('email', 'sms')),
    recipient    text        NOT NULL CHECK (recipient <> ''),
    customer_id  text,
    order_id     text,
    status       text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed_transient', 'failed_permanent')),
    attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   text        NOT NULL DEFAULT '',
    provider_ref text        NOT NULL DEFAULT '',
    lease_until  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT notify_deliveries_dedupe_key UNIQUE (event_id, channel, recipient)
);

-- The delivery log, oldest first, per order and per customer.
CREATE INDEX notify_deliveries_order_idx ON notify_deliveries (order_id, created_at, id)
    WHERE order_id IS NOT NULL;
CREATE INDEX notify_deliveries_customer_idx ON notify_deliveries (customer_id, created_at, id)
    WHERE customer_id IS NOT NULL;

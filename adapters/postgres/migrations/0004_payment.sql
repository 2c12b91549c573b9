-- Payments, their refunds, and the provider webhook events already applied.
-- Money is stored as minor units (bigint) beside the payment's currency.

CREATE TABLE payment_payments (
    id              text        PRIMARY KEY,
    order_id        text        NOT NULL,
    currency        text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount          bigint      NOT NULL CHECK (amount > 0),
    status          text        NOT NULL CHECK (status IN ('initiated', 'processing', 'authorized', 'captured',
                                                           'completed', 'failed', 'retry', 'cancelled')),
    provider        text        NOT NULL,
    provider_ref    text,
    payment_method  text        NOT NULL,
    capture_now     boolean     NOT NULL DEFAULT false,
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_retries     integer     NOT NULL CHECK (max_retries >= 0),
    idempotency_key text        NOT NULL,
    captured_amount bigint      NOT NULL DEFAULT 0,
    refunded_amount bigint      NOT NULL DEFAULT 0,
    failure_code    text        NOT NULL DEFAULT '',
    failure_message text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT payment_payments_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT payment_payments_amounts_check
        CHECK (refunded_amount >= 0 AND captured_amount >= refunded_amount AND amount >= captured_amount)
);

-- Webhooks find payments by the provider's reference.
CREATE UNIQUE INDEX payment_payments_provider_ref_key
    ON payment_payments (provider, provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX payment_payments_order_idx ON payment_payments (order_id, created_at, id);
-- Recovery looks for authorizations left in flight.
CREATE INDEX payment_payments_in_flight_idx ON payment_payments (updated_at)
    WHERE status IN ('initiated', 'processing', 'retry');

CREATE TABLE payment_refunds (
    id              text        PRIMARY KEY,
    payment_id      text        NOT NULL REFERENCES payment_payments (id),
    currency        text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount          bigint      NOT NULL CHECK (amount > 0),
    reason          text        NOT NULL DEFAULT '',
    status          text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    provider_ref    text        NOT NULL DEFAULT '',
    idempotency_key text        NOT NULL,
    failure_code    text        NOT NULL DEFAULT '',
    failure_message text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT payment_refunds_idempotency_key_key UNIQUE (idempotency_key)
);

CREATE INDEX payment_refunds_payment_idx ON payment_refunds (payment_id, created_at, id);

CREATE TABLE payment_webhook_events (
    provider    text        NOT NULL,
    event_id    text        NOT NULL,
    payment_id  text        NOT NULL REFERENCES payment_payments (id),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, event_id)
);

CREATE INDEX payment_webhook_events_payment_idx ON payment_webhook_events (payment_id);

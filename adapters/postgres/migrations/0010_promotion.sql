-- Promotions, coupon codes, their redemptions, gift cards and gift-card
-- payments. Each record is kept whole as JSON (body); the columns beside
-- it are what queries filter, lock and count on. The counters (spent,
-- uses, balance) are authoritative over the copies in body, and their
-- CHECK constraints hold whatever the code does: no use count, spent
-- amount or gift-card balance ever goes below zero.

CREATE TABLE promotion_promotions (
    id         text        PRIMARY KEY,
    trigger    text        NOT NULL CHECK (trigger IN ('automatic', 'code')),
    active     boolean     NOT NULL,
    starts_at  timestamptz,
    ends_at    timestamptz,
    spent      bigint      NOT NULL DEFAULT 0 CHECK (spent >= 0),
    body       jsonb       NOT NULL
);

-- Evaluation reads the live automatic promotions on every basket.
CREATE INDEX promotion_promotions_automatic ON promotion_promotions (id) WHERE trigger = 'automatic' AND active;

CREATE TABLE promotion_codes (
    code         text    PRIMARY KEY,
    promotion_id text    NOT NULL REFERENCES promotion_promotions (id),
    uses         integer NOT NULL DEFAULT 0 CHECK (uses >= 0),
    body         jsonb   NOT NULL
);

CREATE INDEX promotion_codes_promotion ON promotion_codes (promotion_id, code);

-- Counted redemptions per code and buyer ("cus:<id>" or "email:<address>").
CREATE TABLE promotion_customer_uses (
    code         text    NOT NULL REFERENCES promotion_codes (code),
    customer_key text    NOT NULL,
    uses         integer NOT NULL CHECK (uses >= 0),
    PRIMARY KEY (code, customer_key)
);

CREATE TABLE promotion_redemptions (
    order_id   text        PRIMARY KEY,
    status     text        NOT NULL CHECK (status IN ('reserved', 'committed', 'released')),
    expires_at timestamptz NOT NULL,
    body       jsonb       NOT NULL
);

-- The sweeper's query: reserved redemptions by expiry.
CREATE INDEX promotion_redemptions_due ON promotion_redemptions (expires_at, order_id) WHERE status = 'reserved';

CREATE TABLE promotion_gift_cards (
    id        text   PRIMARY KEY,
    code_hash text   NOT NULL UNIQUE,
    balance   bigint NOT NULL CHECK (balance >= 0),
    body      jsonb  NOT NULL
);

CREATE TABLE promotion_gift_card_payments (
    order_id   text        PRIMARY KEY,
    status     text        NOT NULL CHECK (status IN ('held', 'captured', 'released')),
    expires_at timestamptz NOT NULL,
    body       jsonb       NOT NULL
);

CREATE INDEX promotion_gift_card_payments_due ON promotion_gift_card_payments (expires_at, order_id) WHERE status = 'held';

-- Customer accounts, their sessions and their password-reset tokens.

CREATE TABLE customer_customers (
    id            text        PRIMARY KEY,
    -- Stored normalised (trimmed, lower-cased) by the customer service, so
    -- a plain unique constraint makes e-mails unique case-insensitively.
    email         text        NOT NULL CONSTRAINT customer_customers_email_key UNIQUE,
    name          text        NOT NULL DEFAULT '',
    phone         text        NOT NULL DEFAULT '',
    addresses     jsonb       NOT NULL DEFAULT '[]',
    pref_email    boolean     NOT NULL,
    pref_sms      boolean     NOT NULL,
    guest         boolean     NOT NULL,
    password_hash text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT customer_customers_email_check CHECK (email <> '' AND email = btrim(email)),
    CONSTRAINT customer_customers_phone_check CHECK (phone = '' OR phone ~ '^\+[1-9][0-9]{7,14}$'),
    CONSTRAINT customer_customers_addresses_check CHECK (jsonb_typeof(addresses) = 'array'),
    -- A registered customer always has a password; a guest never has one.
    CONSTRAINT customer_customers_password_check CHECK (guest = (password_hash = ''))
);

CREATE TABLE customer_sessions (
    id          text        PRIMARY KEY,
    customer_id text        NOT NULL REFERENCES customer_customers (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CONSTRAINT customer_sessions_expiry_check CHECK (expires_at > created_at)
);

-- RevokeSessions finds a customer's live sessions.
CREATE INDEX customer_sessions_customer_idx ON customer_sessions (customer_id) WHERE revoked_at IS NULL;

CREATE TABLE customer_password_resets (
    -- SHA-256 of the token; the token itself is never stored.
    token_hash  bytea       PRIMARY KEY CONSTRAINT customer_password_resets_hash_check CHECK (octet_length(token_hash) = 32),
    customer_id text        NOT NULL REFERENCES customer_customers (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT customer_password_resets_expiry_check CHECK (expires_at > created_at)
);

-- Foreign-key lookups when a customer is deleted.
CREATE INDEX customer_password_resets_customer_idx ON customer_password_resets (customer_id);

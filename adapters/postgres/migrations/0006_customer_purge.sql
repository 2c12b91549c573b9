-- Purge finds dead sessions and password resets by the time they died:
-- expired, revoked or used.
CREATE INDEX customer_sessions_expires_idx ON customer_sessions (expires_at);
CREATE INDEX customer_sessions_revoked_idx ON customer_sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX customer_password_resets_expires_idx ON customer_password_resets (expires_at);
CREATE INDEX customer_password_resets_used_idx ON customer_password_resets (used_at) WHERE used_at IS NOT NULL;

-- Accounts and security: users, the user → investor link, two-factor sign-in, password resets,
-- sign-in throttling, the development email outbox and the audit log.
-- Personal data sent to Bluum (tax ids, bank account numbers) is never stored here.

CREATE TABLE users (
    id             uuid PRIMARY KEY,
    -- Stored normalised (trimmed, lower case); the unique index makes it case-insensitive anyway.
    email          text NOT NULL,
    name           text NOT NULL,
    password_hash  text NOT NULL,
    -- Bumped when every session of the user must end (password change or reset). Each session
    -- stores the epoch it was created under; a mismatch signs it out.
    session_epoch  bigint NOT NULL DEFAULT 0,
    -- Base32 TOTP secret once two-factor sign-in is on; NULL when off.
    totp_secret    text,
    -- The last 30-second step a code was accepted for, so one code cannot be used twice.
    totp_last_step bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));

-- One investor per user, one user per investor.
CREATE TABLE user_investors (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    investor_id text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Two-factor recovery codes, hashed (SHA-256 of a high-entropy code); each works once.
CREATE TABLE recovery_codes (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Password reset links: only the SHA-256 of the token is kept.
CREATE TABLE password_resets (
    token_hash text PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Failed sign-in attempts, per account (normalised email, known or not) and per client address.
CREATE TABLE auth_failures (
    scope     text NOT NULL CHECK (scope IN ('account', 'ip')),
    key       text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_failures_lookup ON auth_failures (scope, key, failed_at);

-- Emails "sent" in development and demos, shown at /dev/outbox. Unused when SMTP is configured.
CREATE TABLE email_outbox (
    id         uuid PRIMARY KEY,
    to_address text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Who did what, when: sign-ins, failures, password changes and every money-moving request.
CREATE TABLE audit_log (
    id              bigserial PRIMARY KEY,
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    action          text NOT NULL,
    detail          jsonb NOT NULL DEFAULT '{}'::jsonb,
    idempotency_key text,
    upstream_id     text,
    result          text NOT NULL,
    ip              text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_user ON audit_log (user_id, created_at DESC);

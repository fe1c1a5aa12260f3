-- Money-moving requests of our users, each run at most once (src/server/idempotency.rs).
-- A row is taken by the first request with its key; `request_hash` is NULL while the key is free
-- (new, or released after Bluum turned an attempt down, which bumps `attempt`).
CREATE TABLE idempotency_requests (
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    action       text        NOT NULL,
    request_hash text,
    attempt      integer     NOT NULL DEFAULT 0,
    response     jsonb,
    upstream_id  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    -- Set while a request talks to Bluum with this key; others wait until it is past.
    locked_until timestamptz,
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_requests_created_at ON idempotency_requests (created_at);

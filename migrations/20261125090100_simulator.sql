-- The Bluum sandbox simulator's own state (schema bluum_sim), so it survives restarts.
-- Resources are kept as JSON documents: the simulator owns their shape, and the wire format
-- is what it stores. `bluum-sim reset` empties every table here.
CREATE SCHEMA IF NOT EXISTS bluum_sim;

-- Every simulated resource (investor, wallet, order, ...), one row each, written through on
-- every change and loaded at start.
CREATE TABLE bluum_sim.objects (
    id          text PRIMARY KEY,
    kind        text NOT NULL,
    investor_id text,
    body        jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX objects_kind_idx ON bluum_sim.objects (kind, investor_id);

-- Idempotency keys, scoped by (API key, method, path, key). A row without a response is a
-- request still being processed. Keys expire after 24 hours.
CREATE TABLE bluum_sim.idempotency_keys (
    scope        text PRIMARY KEY,
    body_hash    text NOT NULL,
    status_code  integer,
    content_type text,
    response     bytea,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per (event, webhook): the payload exactly as signed and sent.
CREATE TABLE bluum_sim.webhook_deliveries (
    id              text PRIMARY KEY,
    webhook_id      text NOT NULL,
    event_id        text NOT NULL,
    event_type      text NOT NULL,
    url             text NOT NULL,
    payload         text NOT NULL,
    status          text NOT NULL DEFAULT 'pending', -- pending | delivered | failed
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_pending_idx ON bluum_sim.webhook_deliveries (status, next_attempt_at);

-- Every delivery attempt and how it went.
CREATE TABLE bluum_sim.webhook_attempts (
    id           bigserial PRIMARY KEY,
    delivery_id  text NOT NULL REFERENCES bluum_sim.webhook_deliveries (id) ON DELETE CASCADE,
    attempt      integer NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code  integer,
    error        text,
    duration_ms  integer NOT NULL
);

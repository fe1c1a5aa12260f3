-- Webhook events received from Bluum (POST /webhooks/bluum), each stored once: Bluum may
-- deliver an event more than once, so the event id is unique.
CREATE TABLE webhook_events (
    event_id    text PRIMARY KEY,
    event_type  text NOT NULL,
    payload     jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
CREATE INDEX webhook_events_type_idx ON webhook_events (event_type, received_at);

-- The Bluum call a money request makes (src/server/idempotency.rs `MoneyCall`), kept while its
-- answer is unknown, so that a restart or the status page can ask Bluum again under the same
-- upstream Idempotency-Key (Bluum answers a repeat with the original) instead of guessing.
ALTER TABLE idempotency_requests ADD COLUMN request jsonb;
CREATE INDEX idempotency_requests_unanswered ON idempotency_requests (created_at)
    WHERE response IS NULL AND request IS NOT NULL;

-- Bluum limits requests per key pair, not per process: every instance of the app draws from
-- one budget per key pair, kept here (src/server/rate_budget.rs). `tat` is the "theoretical
-- arrival time" of the generic cell rate algorithm: the budget is spent up to that moment.
CREATE TABLE bluum_rate_budget (
    key_id text        PRIMARY KEY,
    tat    timestamptz NOT NULL
);

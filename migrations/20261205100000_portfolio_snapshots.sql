-- The value of each investor's portfolio over time, for the portfolio chart and today's change
-- (Bluum keeps no history of it). Recorded after fills and transfers (from webhooks), when the
-- portfolio page is read (at most every few minutes), and on a schedule (src/server/snapshots.rs).
CREATE TABLE portfolio_snapshots (
    investor_id  text          NOT NULL,
    taken_at     timestamptz   NOT NULL DEFAULT now(),
    total_value  numeric(20,2) NOT NULL,
    cash         numeric(20,2) NOT NULL,
    invested     numeric(20,2) NOT NULL,
    PRIMARY KEY (investor_id, taken_at)
);

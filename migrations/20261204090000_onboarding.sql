-- The onboarding wizard's answers between visits (never the tax id: it goes to Bluum at submit
-- and is not stored). One row per user.
CREATE TABLE onboarding_drafts (
    user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    draft          jsonb NOT NULL,
    -- The furthest step reached (its slug): the wizard resumes there.
    furthest_step  text NOT NULL,
    -- A problem Bluum found at submit, shown next to its field on its step.
    error_field    text,
    error_message  text,
    -- Submissions Bluum turned down; part of the upstream idempotency key, so a corrected
    -- application is a new request and a retried one is the same request.
    submit_attempt integer NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

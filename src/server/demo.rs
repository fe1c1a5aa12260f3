//! Demo mode (`DEMO_MODE=true`, simulator only): a signed-up, approved demo investor whose
//! first screen is full, for sales demos.
//!
//! At start-up [`ensure`] seeds the demo account unless it is already there; [`reset`] (the
//! "Reset the demo" button, `POST /api/demo/reset`, and `scripts/demo.sh reset`) puts it back
//! as it was, in a few seconds. The account is ours (a `users` row with a known password,
//! shown on the sign-in page in demo mode only) and its investor is the simulator's
//! ([`crate::bluum_sim::demo`]: a linked bank, three completed deposits, a dozen orders of
//! three types over the past year, seven positions with gains and losses). The portfolio value
//! chart needs our own history, so a year of daily `portfolio_snapshots` is written from the
//! simulator's replay of that investor's past ([`crate::bluum_sim::demo::value_history`]).
//!
//! Demo mode cannot be turned on against a real Bluum key: `Config` refuses `DEMO_MODE`
//! together with `BLUUM_API_KEY`, and [`Demo`] can only be made from the in-process simulator.

use rust_decimal::Decimal;
use secrecy::SecretString;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::auth::{password, users, AuthError};
use super::state::AppState;
use crate::bluum_sim::demo::{self as sim_demo, DemoError, DemoProfile};
use crate::bluum_sim::{Sim, SimHandle};

/// The demo account's e-mail, shown on the sign-in page in demo mode.
pub const EMAIL: &str = "avery.morgan@demo.bluum.example";
/// The demo account's password, shown on the sign-in page in demo mode. Not a secret: demo
/// mode runs only against the simulator, where no real money or person exists.
pub const PASSWORD: &str = "demo-investor-2026";
const FIRST_NAME: &str = "Avery";
const LAST_NAME: &str = "Morgan";

/// The in-process simulator the demo investor lives in.
#[derive(Clone)]
pub struct Demo {
    sim: Sim,
}

impl Demo {
    /// Demo mode needs the built-in simulator; there is no demo without one.
    pub fn from_simulator(simulator: &SimHandle) -> Self {
        Self {
            sim: simulator.sim().clone(),
        }
    }
}

/// Why the demo could not be seeded or reset.
#[derive(Debug, thiserror::Error)]
pub enum DemoSeedError {
    #[error("the simulator refused the demo seed: {0}")]
    Simulator(#[from] DemoError),
    #[error("the demo account could not be stored: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the demo account could not be stored: {0}")]
    Account(#[from] AuthError),
}

/// What a reset made: the demo user and their new investor.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub user_id: Uuid,
    pub investor_id: String,
    /// Daily portfolio snapshots written for the value chart.
    pub snapshots: usize,
}

fn profile() -> DemoProfile {
    DemoProfile {
        first_name: FIRST_NAME.into(),
        last_name: LAST_NAME.into(),
        email: EMAIL.into(),
    }
}

/// Seeds the demo at start-up unless the demo user already has a demo investor the simulator
/// knows (a restart keeps what the prospect did; [`reset`] starts over).
pub async fn ensure(state: &AppState, demo: &Demo) -> Result<(), DemoSeedError> {
    let linked: Option<String> = sqlx::query_scalar(
        "SELECT ui.investor_id FROM user_investors ui JOIN users u ON u.id = ui.user_id
         WHERE lower(u.email) = lower($1)",
    )
    .bind(EMAIL)
    .fetch_optional(&state.pool)
    .await?;
    if let Some(investor_id) = linked {
        if demo.sim.lock().await.investors.contains_key(&investor_id) {
            return Ok(());
        }
    }
    let account = reset(state, demo).await?;
    tracing::info!(
        investor_id = %account.investor_id,
        snapshots = account.snapshots,
        "demo mode: seeded the demo investor ({EMAIL})"
    );
    Ok(())
}

/// Puts the demo account back as it was seeded: the same user (so a signed-in demo session
/// stays signed in, unless the password had been changed), the demo password, two-factor off,
/// a freshly seeded investor with a year of history, and that history's daily snapshots.
pub async fn reset(state: &AppState, demo: &Demo) -> Result<DemoAccount, DemoSeedError> {
    let pool = &state.pool;
    let user = demo_user(pool).await?;
    let old_investor: Option<String> =
        sqlx::query_scalar("SELECT investor_id FROM user_investors WHERE user_id = $1")
            .bind(user)
            .fetch_optional(pool)
            .await?;

    // What the prospect did in our database goes; the account itself stays.
    let mut tx = pool.begin().await?;
    for statement in [
        "DELETE FROM user_investors WHERE user_id = $1",
        "DELETE FROM idempotency_requests WHERE user_id = $1",
        "DELETE FROM onboarding_drafts WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1",
    ] {
        sqlx::query(statement).bind(user).execute(&mut *tx).await?;
    }
    if let Some(old) = &old_investor {
        sqlx::query("DELETE FROM portfolio_snapshots WHERE investor_id = $1")
            .bind(old)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;

    // The simulator removes the old demo investor (found by its e-mail and demo mark) and
    // seeds a new one, under one lock.
    let now = OffsetDateTime::now_utc();
    let seeded = sim_demo::reset(&demo.sim, &profile(), now).await?;
    let history = {
        let world = demo.sim.lock().await;
        sim_demo::value_history(
            &world,
            &seeded.investor_id,
            seeded.created_at,
            now,
            time::Duration::days(1),
        )
    };

    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO user_investors (user_id, investor_id) VALUES ($1, $2)")
        .bind(user)
        .bind(&seeded.investor_id)
        .execute(&mut *tx)
        .await?;
    // The chart starts at the first deposit: days before it are worth nothing.
    let points: Vec<_> = history
        .iter()
        .skip_while(|p| p.total_value == Decimal::ZERO)
        .collect();
    sqlx::query(
        "INSERT INTO portfolio_snapshots (investor_id, taken_at, total_value, cash, invested)
         SELECT $1, * FROM UNNEST($2::timestamptz[], $3::numeric[], $4::numeric[], $5::numeric[])
         ON CONFLICT DO NOTHING",
    )
    .bind(&seeded.investor_id)
    .bind(points.iter().map(|p| p.at).collect::<Vec<_>>())
    .bind(points.iter().map(|p| p.total_value).collect::<Vec<_>>())
    .bind(points.iter().map(|p| p.cash).collect::<Vec<_>>())
    .bind(points.iter().map(|p| p.invested).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    // Every instance's caches of the old and new investor are stale now.
    for investor in old_investor.iter().chain([&seeded.investor_id]) {
        state.portfolios.invalidate(investor.as_str()).await;
        state.approvals.invalidate(investor.as_str()).await;
    }
    Ok(DemoAccount {
        user_id: user,
        investor_id: seeded.investor_id,
        snapshots: points.len(),
    })
}

/// The demo user's id: created when missing; its password put back when it was changed.
async fn demo_user(pool: &PgPool) -> Result<Uuid, DemoSeedError> {
    let name = format!("{FIRST_NAME} {LAST_NAME}");
    match users::find_by_email(pool, EMAIL).await? {
        Some(user) => {
            // A hash that cannot be read counts as a changed password.
            let same = password::verify(
                SecretString::from(PASSWORD),
                Some(user.password_hash.clone()),
            )
            .await
            .unwrap_or(false);
            if !same {
                let hash = password::hash(SecretString::from(PASSWORD)).await?;
                users::set_password(pool, user.id, &hash).await?;
            }
            if user.name != name {
                users::update_profile(pool, user.id, &name, EMAIL).await?;
            }
            Ok(user.id)
        }
        None => {
            let hash = password::hash(SecretString::from(PASSWORD)).await?;
            match users::create(pool, EMAIL, &name, &hash).await? {
                Some(user) => Ok(user.id),
                // Created at the same moment by another instance.
                None => users::find_by_email(pool, EMAIL)
                    .await?
                    .map(|user| user.id)
                    .ok_or(DemoSeedError::Database(sqlx::Error::RowNotFound)),
            }
        }
    }
}

//! Sign-in throttling: after repeated failures an account (known or not, so the limit says
//! nothing about whether it exists) or a client address must wait.
//!
//! Failures are rows in `auth_failures`, so limits hold across restarts and across several app
//! instances. A wrong two-factor code counts against the account like a wrong password.

use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

use super::AuthError;

/// Failures are counted over this window.
pub const WINDOW: Duration = Duration::minutes(15);
/// Failures per account within the window before it must wait.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failures per client address within the window before it must wait (higher: shared NATs).
pub const IP_LIMIT: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Account,
    Ip,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Ip => "ip",
        }
    }
    fn limit(self) -> i64 {
        match self {
            Scope::Account => ACCOUNT_LIMIT,
            Scope::Ip => IP_LIMIT,
        }
    }
}

/// When the `scope`/`key` pair may try again, if it is locked now.
async fn locked_until(
    pool: &PgPool,
    scope: Scope,
    key: &str,
) -> Result<Option<OffsetDateTime>, AuthError> {
    // The limit-th most recent failure in the window: while it is inside the window, the pair
    // has `limit` failures in it.
    let nth: Option<OffsetDateTime> = sqlx::query_scalar(
        "SELECT failed_at FROM auth_failures
         WHERE scope = $1 AND key = $2 AND failed_at > now() - make_interval(secs => $3)
         ORDER BY failed_at DESC OFFSET $4 LIMIT 1",
    )
    .bind(scope.as_str())
    .bind(key)
    .bind(WINDOW.as_seconds_f64())
    .bind(scope.limit() - 1)
    .fetch_optional(pool)
    .await?;
    Ok(nth.map(|at| at + WINDOW))
}

/// `Some(minutes)` to wait when the account or the address is locked.
pub async fn check(pool: &PgPool, account: &str, ip: &str) -> Result<Option<u32>, AuthError> {
    let account_until = locked_until(pool, Scope::Account, account).await?;
    let ip_until = locked_until(pool, Scope::Ip, ip).await?;
    let until = account_until.max(ip_until);
    Ok(until.map(|until| {
        let seconds = (until - OffsetDateTime::now_utc()).whole_seconds().max(1);
        u32::try_from((seconds + 59) / 60).unwrap_or(u32::MAX)
    }))
}

/// Counts one failure against both the account and the address.
pub async fn record_failure(pool: &PgPool, account: &str, ip: &str) -> Result<(), AuthError> {
    sqlx::query("INSERT INTO auth_failures (scope, key) VALUES ('account', $1), ('ip', $2)")
        .bind(account)
        .bind(ip)
        .execute(pool)
        .await?;
    // Old rows are useless; keep the table small.
    sqlx::query("DELETE FROM auth_failures WHERE failed_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(())
}

/// A successful sign-in clears the account's failures (not the address's).
pub async fn clear_account(pool: &PgPool, account: &str) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM auth_failures WHERE scope = 'account' AND key = $1")
        .bind(account)
        .execute(pool)
        .await?;
    Ok(())
}

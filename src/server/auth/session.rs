//! What a session holds once someone signs in, and the checks made on every request.
//!
//! Sessions are `tower-sessions` rows in Postgres behind a signed, HttpOnly, `SameSite=Lax`
//! cookie (`Secure` over HTTPS). On top of the idle timeout the layer enforces, this module
//! enforces:
//! - an absolute timeout ([`ABSOLUTE_TIMEOUT`]) counted from sign-in;
//! - the user's `session_epoch`: a password change or reset bumps it in the user row, and every
//!   session created under an older epoch is signed out at its next request;
//! - a new session id at sign-in and at every privilege change (two-factor on/off, password).

use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use tower_sessions::Session;
use uuid::Uuid;

use super::users::{self, User};
use super::AuthError;
use crate::error::AppError;

/// A session ends this long after sign-in, however active it is.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// The second sign-in step (the two-factor code) must follow the password within this time.
pub const PENDING_TWO_FACTOR_TIMEOUT: Duration = Duration::minutes(5);

const USER_KEY: &str = "auth.user";
const PENDING_KEY: &str = "auth.pending_two_factor";

/// The signed-in user, as stored in the session.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionUser {
    user_id: Uuid,
    epoch: i64,
    signed_in_at: i64,
}

/// Password accepted, two-factor code still to come.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingTwoFactor {
    pub user_id: Uuid,
    pub epoch: i64,
    pub started_at: i64,
    /// Where to go after the code, already checked to be a local path.
    pub next: String,
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Whether a session signed in at `signed_in_at` has outlived [`ABSOLUTE_TIMEOUT`] at `now`
/// (both Unix seconds).
fn past_absolute_timeout(signed_in_at: i64, now: i64) -> bool {
    now - signed_in_at > ABSOLUTE_TIMEOUT.whole_seconds()
}

/// Makes `user` the signed-in user of this session, under a new session id.
pub async fn sign_in(session: &Session, user: &User) -> Result<(), AuthError> {
    session.cycle_id().await?;
    session.remove_value(PENDING_KEY).await?;
    session
        .insert(
            USER_KEY,
            SessionUser {
                user_id: user.id,
                epoch: user.session_epoch,
                signed_in_at: now(),
            },
        )
        .await?;
    Ok(())
}

/// Ends this session on the server (the row is deleted) and clears the cookie.
pub async fn sign_out(session: &Session) -> Result<(), AuthError> {
    session.flush().await?;
    Ok(())
}

/// After a privilege change: a new session id, and (when the epoch moved, which ended every
/// session of the user) this session carried over to the new epoch.
pub async fn privilege_changed(session: &Session, new_epoch: Option<i64>) -> Result<(), AuthError> {
    session.cycle_id().await?;
    if let Some(epoch) = new_epoch {
        if let Some(mut current) = session.get::<SessionUser>(USER_KEY).await? {
            current.epoch = epoch;
            session.insert(USER_KEY, current).await?;
        }
    }
    Ok(())
}

/// The signed-in user, or `None`. Sessions past the absolute timeout, or from before a
/// password change, are ended here.
pub async fn current_user(session: &Session, pool: &PgPool) -> Result<Option<User>, AuthError> {
    let Some(stored) = session.get::<SessionUser>(USER_KEY).await? else {
        return Ok(None);
    };
    if past_absolute_timeout(stored.signed_in_at, now()) {
        session.flush().await?;
        return Ok(None);
    }
    match users::find_by_id(pool, stored.user_id).await? {
        Some(user) if user.session_epoch == stored.epoch => Ok(Some(user)),
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}

pub async fn set_pending_two_factor(
    session: &Session,
    user: &User,
    next: String,
) -> Result<(), AuthError> {
    session.cycle_id().await?;
    session.remove_value(USER_KEY).await?;
    session
        .insert(
            PENDING_KEY,
            PendingTwoFactor {
                user_id: user.id,
                epoch: user.session_epoch,
                started_at: now(),
                next,
            },
        )
        .await?;
    Ok(())
}

/// The pending second step, if it has not timed out.
pub async fn pending_two_factor(session: &Session) -> Result<Option<PendingTwoFactor>, AuthError> {
    let pending = session.get::<PendingTwoFactor>(PENDING_KEY).await?;
    Ok(pending.filter(|p| now() - p.started_at <= PENDING_TWO_FACTOR_TIMEOUT.whole_seconds()))
}

pub async fn clear_pending_two_factor(session: &Session) -> Result<(), AuthError> {
    session.remove_value(PENDING_KEY).await?;
    Ok(())
}

/// The session of the request a server function is serving.
pub async fn request_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::internal(format!("no session layer: {e}")))
}

/// Checks a `next` parameter: only a path on this site (no scheme, host or `//`).
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control() || c == '\\')
                && path.len() <= 512 =>
        {
            path.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{past_absolute_timeout, safe_next, ABSOLUTE_TIMEOUT};

    #[test]
    fn sessions_end_twelve_hours_after_sign_in_however_active() {
        let signed_in = 1_700_000_000;
        let limit = ABSOLUTE_TIMEOUT.whole_seconds();
        assert_eq!(limit, 12 * 3600);
        assert!(!past_absolute_timeout(signed_in, signed_in + limit));
        assert!(past_absolute_timeout(signed_in, signed_in + limit + 1));
    }

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(safe_next(Some("/account?tab=2")), "/account?tab=2");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/account", "{bad}");
        }
        assert_eq!(safe_next(None), "/account");
    }
}

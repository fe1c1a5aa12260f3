//! The user → Bluum investor link. One investor per user, one user per investor.
//!
//! Server functions get an investor id only through `server::request::require_investor`, from
//! the signed-in user of the session; an investor id sent by the browser is never trusted.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::AuthError;

/// The investor of `user_id`, if they have opened one.
pub async fn investor_id_of(pool: &PgPool, user_id: Uuid) -> Result<Option<String>, AuthError> {
    Ok(
        sqlx::query_scalar("SELECT investor_id FROM user_investors WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// Links `investor_id` to `user_id`. `Ok(false)` when the user already has an investor or the
/// investor belongs to someone else.
pub async fn link(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    investor_id: &str,
) -> Result<bool, AuthError> {
    let result = sqlx::query("INSERT INTO user_investors (user_id, investor_id) VALUES ($1, $2)")
        .bind(user_id)
        .bind(investor_id)
        .execute(db)
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

//! The user → Bluum investor link. One investor per user, one user per investor.
//!
//! Server functions get an investor id only through [`current_investor_id`], from the signed-in
//! user of the session; an investor id sent by the browser is never trusted.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::AuthError;
use crate::error::AppError;

/// The investor of `user_id`, if they have opened one.
pub async fn investor_id_of(pool: &PgPool, user_id: Uuid) -> Result<Option<String>, AuthError> {
    Ok(
        sqlx::query_scalar("SELECT investor_id FROM user_investors WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// For server functions: the signed-in user's investor id. `NotSignedIn` (401) without a
/// user; `NotFound` when the user has not opened an investing account yet.
pub async fn current_investor_id() -> Result<(super::users::User, String), AppError> {
    let user = super::session::require_user().await?;
    let state = leptos::prelude::expect_context::<crate::server::AppState>();
    match investor_id_of(&state.pool, user.id).await? {
        Some(id) => Ok((user, id)),
        None => Err(AppError::NotFound),
    }
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

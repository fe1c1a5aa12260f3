//! Forgotten passwords: one-time, expiring reset links.
//!
//! The link carries 32 random bytes; only their SHA-256 is stored. A link works once, for
//! [`LINK_LIFETIME`], and using it ends every session of the user and every other link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::Duration;
use uuid::Uuid;

use super::AuthError;

/// How long a reset link works.
pub const LINK_LIFETIME: Duration = Duration::minutes(30);

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a reset token for `user_id` and returns it (to put in the link).
pub async fn create(pool: &PgPool, user_id: Uuid) -> Result<String, AuthError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3))",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(LINK_LIFETIME.as_seconds_f64())
    .execute(pool)
    .await?;
    Ok(token)
}

/// The user a token belongs to, if it is unused and unexpired (does not use it up).
pub async fn peek(pool: &PgPool, token: &str) -> Result<Option<Uuid>, AuthError> {
    Ok(sqlx::query_scalar(
        "SELECT user_id FROM password_resets
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?)
}

/// Uses up a token inside `tx` and returns its user; `None` if it is unknown, used or expired.
/// Every other open link of that user is used up too.
pub async fn consume(tx: &mut sqlx::PgConnection, token: &str) -> Result<Option<Uuid>, AuthError> {
    let user_id: Option<Uuid> = sqlx::query_scalar(
        "UPDATE password_resets SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
    )
    .bind(token_hash(token))
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(user_id) = user_id {
        sqlx::query(
            "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(user_id)
}

//! The `users` table: who can sign in, their password hash, session epoch and two-factor state.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::AuthError;

/// A user row. `password_hash` and `totp_secret` never leave the server.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub session_epoch: i64,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
}

impl User {
    pub fn two_factor_enabled(&self) -> bool {
        self.totp_secret.is_some()
    }
}

/// Trims and lower-cases an email, and checks its shape; the message goes next to the field.
pub fn normalise_email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter your email address.");
    }
    if email.len() > 254 {
        return Err("That email address is too long.");
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                // The characters an unquoted address may hold (RFC 5322 "atext" and dots); the
                // domain: letters, digits, hyphens and dots (international ones as typed).
                && local.chars().all(|c| {
                    c.is_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c)
                })
                && domain
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err("Enter a valid email address, like name@example.com.")
    }
}

/// Trims a display name and checks its length.
pub fn normalise_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter your name.");
    }
    if name.chars().count() > 100 {
        return Err("Use at most 100 characters.");
    }
    crate::text::person_name(name)?;
    Ok(name.to_owned())
}

const COLUMNS: &str = "id, email, name, password_hash, session_epoch, totp_secret, totp_last_step";

/// Inserts a user; `Ok(None)` when the email is taken (compared case-insensitively).
pub async fn create(
    db: impl PgExecutor<'_>,
    email: &str,
    name: &str,
    password_hash: &str,
) -> Result<Option<User>, AuthError> {
    let result = sqlx::query_as::<_, User>(&format!(
        "INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .fetch_one(db)
    .await;
    match result {
        Ok(user) => Ok(Some(user)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub async fn find_by_email(pool: &PgPool, email: &str) -> Result<Option<User>, AuthError> {
    Ok(sqlx::query_as::<_, User>(&format!(
        "SELECT {COLUMNS} FROM users WHERE lower(email) = lower($1)"
    ))
    .bind(email)
    .fetch_optional(pool)
    .await?)
}

pub async fn find_by_id(db: impl PgExecutor<'_>, id: Uuid) -> Result<Option<User>, AuthError> {
    Ok(
        sqlx::query_as::<_, User>(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}

/// Sets a new password hash and bumps the session epoch, which ends every existing session.
/// Returns the new epoch.
pub async fn set_password(
    db: impl PgExecutor<'_>,
    id: Uuid,
    password_hash: &str,
) -> Result<i64, AuthError> {
    Ok(sqlx::query_scalar::<_, i64>(
        "UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = now()
         WHERE id = $1 RETURNING session_epoch",
    )
    .bind(id)
    .bind(password_hash)
    .fetch_one(db)
    .await?)
}

/// Updates name and email; `Ok(false)` when the email belongs to someone else.
pub async fn update_profile(
    pool: &PgPool,
    id: Uuid,
    name: &str,
    email: &str,
) -> Result<bool, AuthError> {
    let result =
        sqlx::query("UPDATE users SET name = $2, email = $3, updated_at = now() WHERE id = $1")
            .bind(id)
            .bind(name)
            .bind(email)
            .execute(pool)
            .await;
    match result {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalise_email("  Jane.Doe@Example.COM ").unwrap(),
            "jane.doe@example.com"
        );
        for bad in [
            "",
            "jane",
            "@example.com",
            "jane@",
            "jane@example",
            "ja ne@example.com",
            "a@b@c.com",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(normalise_name("  Jane Doe ").unwrap(), "Jane Doe");
        assert!(normalise_name("   ").is_err());
        assert!(normalise_name(&"x".repeat(101)).is_err());
    }
}

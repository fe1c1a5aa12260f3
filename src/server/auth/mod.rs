//! Accounts and security for the people who sign in to this app (not to Bluum).
//!
//! - [`password`]: argon2id hashing off the async runtime, password rules.
//! - [`users`]: the `users` table.
//! - [`session`]: what a signed-in session holds, `current_user` / `require_user`, rotation and
//!   "end every other session".
//! - [`throttle`]: sign-in failure limits per account and per client address.
//! - [`totp`]: two-factor sign-in with an authenticator app, and recovery codes.
//! - [`reset`]: one-time, expiring password reset links.
//! - [`email`]: the one way the app sends email (SMTP, or the development outbox).
//! - [`audit`]: the audit log.
//! - [`investor_link`]: the user → Bluum investor link; the only source of an investor id.
//!
//! None of these call Bluum.

pub mod audit;
pub mod email;
pub mod investor_link;
pub mod password;
pub mod reset;
pub mod sealed;
pub mod session;
pub mod throttle;
pub mod totp;
pub mod users;

use crate::error::AppError;

/// Failures inside the account layer that are not the user's fault.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("session store: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error("password hashing: {0}")]
    Hash(String),
    #[error("two-factor: {0}")]
    Totp(String),
    #[error("email: {0}")]
    Email(String),
    #[error("sealed secret: {0}")]
    Sealed(&'static str),
}

impl From<AuthError> for AppError {
    /// Logs the detail under the request id and gives the user only the id.
    fn from(err: AuthError) -> Self {
        AppError::internal(err)
    }
}

//! `#[server]` functions: the only way the browser reaches server code. Grouped by feature.
//!
//! One style throughout: the function body is the server code, and it starts by asking
//! [`crate::server::request`] who is calling (`require_user()` or `require_investor()`), never
//! trusting an id from its arguments. It returns [`AppError`](crate::error::AppError); `?` turns
//! Bluum, database and session errors into it, and the HTTP status is set from the error in one
//! place (`server::server_fns`). Server-only imports go inside the body or in an `ssr` module.
//!
//! Every server function needs a signed-in user unless its path is listed in
//! `server::security::PUBLIC_SERVER_FNS`.

pub mod account;
pub mod activity;
pub mod assets;
pub mod auth;
pub mod banks;
pub mod demo;
pub mod dev;
pub mod live;
pub mod money;
pub mod onboarding;
pub mod portfolio;
pub mod trading;

#[cfg(feature = "ssr")]
pub use helpers::*;

/// Small helpers every server function uses.
#[cfg(feature = "ssr")]
mod helpers {
    use crate::error::AppError;
    use crate::server::auth::throttle;

    pub use crate::server::request::{
        client_ip, optional_user, require_investor, require_user, state,
    };

    /// A validation error on one form field.
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        AppError::validation(field, message)
    }

    /// Refuses the attempt while `account` or `ip` is over its failure limit.
    pub async fn throttled(account: &str, ip: &str) -> Result<(), AppError> {
        match throttle::check(&state().pool, account, ip).await? {
            Some(minutes) => Err(AppError::TooManyAttempts { minutes }),
            None => Ok(()),
        }
    }
}

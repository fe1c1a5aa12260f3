//! `#[server]` functions: the only way the browser reaches server code. Grouped by feature;
//! each one resolves the signed-in user from the session, never from its arguments.

pub mod account;
pub mod auth;
pub mod dev;

/// Sets the HTTP status for `err` on the current server function response (401 for
/// `NotSignedIn`, 422 for `Validation`, ...), so API clients can act on it, and returns it.
#[cfg(feature = "ssr")]
pub(crate) fn fail(err: crate::error::AppError) -> crate::error::AppError {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(err.status_code()) {
            res.set_status(status);
        }
    }
    err
}

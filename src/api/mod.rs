//! `#[server]` functions: the only way the browser reaches server code. Grouped by feature;
//! each one resolves the signed-in user from the session, never from its arguments.

pub mod account;
pub mod auth;
pub mod dev;

/// Sets the HTTP status for `err` on the current server function response (401 for
/// `NotSignedIn`, 422 for `Validation`, ...), so API clients can act on it, and returns it.
/// Plain HTML form posts (no JavaScript yet) keep the redirect back to the form, which then
/// shows the error.
#[cfg(feature = "ssr")]
pub(crate) fn fail(err: crate::error::AppError) -> crate::error::AppError {
    use leptos::prelude::use_context;
    let form_post = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if form_post {
        return err;
    }
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(err.status_code()) {
            res.set_status(status);
        }
    }
    err
}

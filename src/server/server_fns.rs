//! The one place a server function's [`AppError`] becomes an HTTP status.
//!
//! Leptos answers every failed server function with 500 and the error as JSON. This middleware
//! reads that JSON back and sets the status the error names ([`AppError::status_code`]): 401 for
//! a stale session, 422 for a validation error or insufficient funds, 502 when Bluum fails…, for
//! every server function, however the error was made (`?` on a Bluum, database or session error
//! included). A plain form post (no JavaScript) is a redirect back to the form, and stays one:
//! the form reads the error from the URL.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::StatusCode;

use crate::error::AppError;

/// Server function error bodies are small; a larger one is passed on untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// The header Leptos puts on a server function's error response.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

pub async fn status_from_error(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(err.status_code()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

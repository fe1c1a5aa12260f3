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

/// Server functions that take a multipart upload (their forms use
/// `enctype="multipart/form-data"`).
const MULTIPART_ENDPOINTS: &[&str] = &["/api/onboarding/document"];

/// Refuses a request to an upload endpoint that is not `multipart/form-data` with a boundary,
/// with a message for the file field. (Leptos's multipart decoder would panic on it.)
pub async fn multipart_only(req: Request, next: Next) -> Response {
    if !MULTIPART_ENDPOINTS.contains(&req.uri().path()) || req.method() != http::Method::POST {
        return next.run(req).await;
    }
    let multipart = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("multipart/form-data")
                && ct
                    .split(';')
                    .filter_map(|p| p.trim().strip_prefix("boundary="))
                    .any(|b| !b.trim_matches('"').is_empty())
        });
    if multipart {
        return next.run(req).await;
    }
    let err = AppError::validation("document", "Choose a file to upload.");
    let body = serde_json::to_vec(&err).unwrap_or_default();
    Response::builder()
        .status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

/// A handler that panics answers 500 with the app's error body, and the connection stays up.
pub fn on_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let err = AppError::internal("a request handler panicked");
    let body = serde_json::to_vec(&err).unwrap_or_default();
    Response::builder()
        .status(StatusCode::INTERNAL_SERVER_ERROR)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

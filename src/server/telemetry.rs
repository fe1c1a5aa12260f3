//! Structured logs with `tracing`, and the per-request log line.
//!
//! Every request gets an id (the caller's `x-request-id` when it sends one, else a new UUID),
//! returned in the `x-request-id` response header, attached to a span around the handler (so
//! every log line inside carries it), and logged once at the end with method, path, status and
//! latency.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use tracing::Instrument;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Installs the global subscriber: JSON lines in production, compact text in development.
/// `RUST_LOG` overrides the default filter. Safe to call more than once (tests do).
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,hyper=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if json {
        registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init()
    } else {
        // Colours only when a person is watching, not in CI logs or files.
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
        registry
            .with(fmt::layer().compact().with_ansi(ansi))
            .try_init()
    };
    // Already installed (a second call in the same process) is fine.
    let _ = result;
}

/// For tests: warnings and errors only, through libtest's capture (shown for failing tests).
/// `RUST_LOG` overrides the filter. Safe to call more than once.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().compact().with_test_writer())
        .try_init();
}

/// The request id of the request being handled, kept as a request extension.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// A caller-supplied id is kept only if it is short and printable, so logs cannot be forged.
fn accept_incoming(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    ok.then(|| s.to_owned())
}

/// Middleware: assigns the request id and writes the one log line per request.
pub async fn request_log(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(accept_incoming)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    req.extensions_mut().insert(RequestId(id.clone()));

    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(req).instrument(span.clone()).await;

    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        tracing::info!(
            method = %method,
            path = %path,
            status,
            latency_ms = format_args!("{latency_ms:.1}"),
            "request"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The id of the request being served, when called inside a page render or server function.
pub fn current_request_id() -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestId>().cloned())
        .map(|id| id.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_ids_are_sanitised() {
        assert_eq!(
            accept_incoming(&HeaderValue::from_static("abc-123_x.y")).as_deref(),
            Some("abc-123_x.y")
        );
        assert_eq!(accept_incoming(&HeaderValue::from_static("bad id")), None);
        assert_eq!(accept_incoming(&HeaderValue::from_static("")), None);
        let long = "a".repeat(65);
        assert_eq!(
            accept_incoming(&HeaderValue::from_str(&long).unwrap()),
            None
        );
    }
}

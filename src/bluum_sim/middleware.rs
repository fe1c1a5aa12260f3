//! What wraps every simulated endpoint (fact sheet §1.2, §1.7, §1.8): HTTP Basic
//! authentication, the per-key-pair rate limit, and idempotency keys.
//!
//! Order, outermost first: request id and log line (shared with the app), [`authenticate`],
//! [`rate_limit`], [`idempotency`], the handler.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use governor::clock::{Clock, DefaultClock};
use http::{header, HeaderValue, Method, StatusCode};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::api::{fail, ErrorCode};
use super::state::Sim;

/// Largest request body the simulator reads (a 10 MB upload plus multipart framing).
pub const MAX_BODY_BYTES: usize = 12 * 1024 * 1024;

/// The API key of the authenticated caller, for rate limiting and idempotency scoping.
#[derive(Debug, Clone)]
pub struct ApiKey(pub String);

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// HTTP Basic with the simulator's key pair: missing header `BLUM-401-001`, malformed
/// `BLUM-401-002`, wrong key or secret `BLUM-401-003`.
pub async fn authenticate(State(sim): State<Sim>, mut req: Request, next: Next) -> Response {
    let unauthorized = |code, message: &str| {
        let mut response = fail::unauthenticated(code, message).into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"Bluum sandbox simulator\""),
        );
        response
    };
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return unauthorized(
            ErrorCode::MissingAuthorization,
            "Missing Authorization header",
        );
    };
    let credentials = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some((key, secret)) = credentials.as_deref().and_then(|c| c.split_once(':')) else {
        return unauthorized(
            ErrorCode::MalformedAuthorization,
            "Malformed Authorization header; expected Basic base64(API_KEY:API_SECRET)",
        );
    };
    // Compare digests so the time taken does not depend on how much of the secret matched.
    let key_ok = sha256(key.as_bytes()) == sha256(sim.options.api_key.as_bytes());
    let secret_ok =
        sha256(secret.as_bytes()) == sha256(sim.options.api_secret.expose_secret().as_bytes());
    if !(key_ok && secret_ok) {
        return unauthorized(ErrorCode::InvalidCredentials, "Invalid API key or secret");
    }
    let key = key.to_owned();
    req.extensions_mut().insert(ApiKey(key));
    next.run(req).await
}

/// `requests_per_second` per key pair; over it, `429 BLUM-429-001` with `Retry-After`.
pub async fn rate_limit(State(sim): State<Sim>, req: Request, next: Next) -> Response {
    let key = req
        .extensions()
        .get::<ApiKey>()
        .map(|k| k.0.clone())
        .unwrap_or_default();
    match sim.limiter.check_key(&key) {
        Ok(()) => next.run(req).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = fail::rate_limited().into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            response
        }
    }
}

/// Outcome of claiming an idempotency key.
enum Claim {
    /// First use: process the request, then store the response.
    Fresh,
    /// Seen with this body: send the stored response again.
    Replay(u16, Option<String>, Vec<u8>),
    /// Seen with another body, or still being processed.
    Conflict(&'static str),
}

async fn claim(sim: &Sim, scope: &str, body_hash: &str) -> Result<Claim, sqlx::Error> {
    // Keys expire after 24 hours; an expired one is simply forgotten.
    sqlx::query(
        "DELETE FROM bluum_sim.idempotency_keys
         WHERE scope = $1 AND created_at < now() - interval '24 hours'",
    )
    .bind(scope)
    .execute(&sim.pool)
    .await?;
    let inserted = sqlx::query(
        "INSERT INTO bluum_sim.idempotency_keys (scope, body_hash) VALUES ($1, $2)
         ON CONFLICT (scope) DO NOTHING",
    )
    .bind(scope)
    .bind(body_hash)
    .execute(&sim.pool)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let row = sqlx::query_as::<_, (String, Option<i32>, Option<String>, Option<Vec<u8>>)>(
        "SELECT body_hash, status_code, content_type, response
         FROM bluum_sim.idempotency_keys WHERE scope = $1",
    )
    .bind(scope)
    .fetch_optional(&sim.pool)
    .await?;
    Ok(match row {
        // Deleted between the insert and the select (its request failed): treat as conflict
        // so the client retries.
        None => {
            Claim::Conflict("A request with this Idempotency-Key is being processed; retry shortly")
        }
        Some((hash, _, _, _)) if hash != body_hash => {
            Claim::Conflict("This Idempotency-Key was already used with a different request body")
        }
        Some((_, Some(status), content_type, Some(body))) => {
            Claim::Replay(u16::try_from(status).unwrap_or(500), content_type, body)
        }
        Some(_) => {
            Claim::Conflict("A request with this Idempotency-Key is being processed; retry shortly")
        }
    })
}

/// `Idempotency-Key` on a `POST`: the first response for (API key, method, path, key) is
/// stored and replayed byte for byte, with its status, for the same body; another body is
/// `409 BLUM-409-002`. Server errors are not stored, so the request can be retried.
pub async fn idempotency(State(sim): State<Sim>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(req).await;
    };
    if key.is_empty() || key.len() > 255 {
        return fail::format(
            "Idempotency-Key",
            "Idempotency-Key must be 1 to 255 characters",
        )
        .into_response();
    }
    let api_key = req
        .extensions()
        .get::<ApiKey>()
        .map(|k| k.0.clone())
        .unwrap_or_default();
    let scope = format!("{api_key}\n{}\n{}\n{key}", req.method(), req.uri().path());

    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return fail::too_large("body").into_response(),
    };
    let body_hash = hex::encode(sha256(&bytes));

    match claim(&sim, &scope, &body_hash).await {
        Err(err) => return super::api::SimApiError::from(err).into_response(),
        Ok(Claim::Conflict(message)) => return fail::idempotency(message).into_response(),
        Ok(Claim::Replay(status, content_type, body)) => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            if let Some(value) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return response;
        }
        Ok(Claim::Fresh) => {}
    }

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(_) => {
            forget(&sim, &scope).await;
            return fail::internal().into_response();
        }
    };
    if parts.status.is_server_error() {
        forget(&sim, &scope).await;
    } else {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let stored = sqlx::query(
            "UPDATE bluum_sim.idempotency_keys
             SET status_code = $2, content_type = $3, response = $4 WHERE scope = $1",
        )
        .bind(&scope)
        .bind(i32::from(parts.status.as_u16()))
        .bind(content_type)
        .bind(body.to_vec())
        .execute(&sim.pool)
        .await;
        if let Err(err) = stored {
            tracing::error!(error = %err, "could not store an idempotent response");
        }
    }
    Response::from_parts(parts, Body::from(body))
}

async fn forget(sim: &Sim, scope: &str) {
    let _ = sqlx::query("DELETE FROM bluum_sim.idempotency_keys WHERE scope = $1")
        .bind(scope)
        .execute(&sim.pool)
        .await;
}

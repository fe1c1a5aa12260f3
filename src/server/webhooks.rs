//! The app's Bluum webhook receiver, `POST /webhooks/bluum`.
//!
//! It checks the `X-Bluum-Signature` header against `BLUUM_WEBHOOK_SECRET`
//! ([`crate::bluum::signature`]), then stores the event in `webhook_events` exactly once
//! (Bluum may deliver an event more than once, so the event id is the primary key) and
//! answers `200` at once: whatever the event triggers happens later, off the delivery path,
//! because Bluum counts a slow answer as a failure. A new event is also passed on to the
//! investor's open pages (`server::live`), and a fill or a completed transfer is recorded in
//! the portfolio's history (`server::portfolio`); a repeated one is not.
//!
//! The event id is the payload's top-level `id`; payloads without one (Bluum's documented
//! sample has none) are keyed by the SHA-256 of the raw body, so an identical redelivery is
//! still stored once.
//!
//! Answers: `200 {"received":true,"duplicate":bool}`; `400` for a body that is not an event;
//! `401` for a missing or bad signature; `503` when no webhook secret is configured (events
//! cannot be trusted, so none are accepted).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{HeaderMap, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::state::AppState;
use super::{live, portfolio};
use crate::bluum::ids::InvestorId;
use crate::bluum::signature::{self, SignatureError};

/// Events after which the portfolio is worth something else: fills and completed transfers.
fn moves_the_portfolio(event_type: &str) -> bool {
    (event_type.starts_with("order.") && event_type.ends_with("filled"))
        || (event_type.starts_with("transfer.") && event_type.ends_with(".completed"))
}

fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// `POST /webhooks/bluum`
pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = state.config.webhook_secret.as_ref() else {
        tracing::warn!(
            "refusing a Bluum webhook: BLUUM_WEBHOOK_SECRET is not set, so its signature cannot be checked"
        );
        return reply(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "error": "webhook receiver is not configured" }),
        );
    };
    let Some(header) = headers.get(signature::HEADER).and_then(|v| v.to_str().ok()) else {
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "missing signature" }),
        );
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Err(err) = signature::verify(secret, header, &body, now, signature::DEFAULT_TOLERANCE) {
        tracing::warn!(reason = %err, "refusing a Bluum webhook with a bad signature");
        let message = match err {
            SignatureError::TimestampOutOfTolerance => "stale signature",
            SignatureError::Malformed | SignatureError::Mismatch => "invalid signature",
        };
        return reply(StatusCode::UNAUTHORIZED, json!({ "error": message }));
    }

    let payload: Value = match serde_json::from_slice(&body) {
        Ok(Value::Object(map)) => Value::Object(map),
        _ => {
            return reply(
                StatusCode::BAD_REQUEST,
                json!({ "error": "body is not a JSON event" }),
            )
        }
    };
    let Some(event_type) = payload.get("event").and_then(Value::as_str) else {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({ "error": "event has no \"event\" name" }),
        );
    };
    let event_id = match payload.get("id").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => format!("sha256:{}", hex::encode(Sha256::digest(&body))),
    };

    let inserted = sqlx::query(
        "INSERT INTO webhook_events (event_id, event_type, payload) VALUES ($1, $2, $3)
         ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(&event_id)
    .bind(event_type)
    .bind(&payload)
    .execute(&state.pool)
    .await;
    match inserted {
        Ok(result) => {
            let duplicate = result.rows_affected() == 0;
            tracing::info!(event_id = %event_id, event = event_type, duplicate, "Bluum webhook received");
            // A new event goes to the open pages of its investor, on every instance.
            if let (false, Some(n)) = (duplicate, live::notification_of(event_type, &payload)) {
                if let Err(error) = live::notify(&state.pool, &n).await {
                    tracing::warn!(%error, "could not pass a webhook on to live pages");
                }
                // A fill or a completed transfer changes the portfolio's value: record it,
                // off the delivery path.
                if moves_the_portfolio(event_type) {
                    if let Ok(investor) = InvestorId::parse(n.investor_id) {
                        let (pool, bluum) = (state.pool.clone(), state.bluum.clone());
                        tokio::spawn(async move {
                            if let Err(error) =
                                portfolio::take_snapshot(&pool, &bluum, &investor).await
                            {
                                tracing::warn!(%error, "could not record a portfolio snapshot");
                            }
                        });
                    }
                }
            }
            reply(
                StatusCode::OK,
                json!({ "received": true, "duplicate": duplicate }),
            )
        }
        Err(err) => {
            // A 5xx makes Bluum retry later, which is what we want when storage failed.
            tracing::error!(error = %err, "could not store a Bluum webhook event");
            reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "error": "could not store the event" }),
            )
        }
    }
}

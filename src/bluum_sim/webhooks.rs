//! Webhook registrations and signed, retried deliveries (fact sheet §4):
//! `POST /webhooks`, `GET /webhooks`, `PATCH /webhooks/{id}`, `DELETE /webhooks/{id}`,
//! `GET /webhooks/event-types`.
//!
//! Every registration gets the simulator's one webhook signing secret (returned as `secret`
//! at creation, like Bluum's Gen B response), so an app configured with the handle's
//! `webhook_secret` can verify every delivery.
//!
//! A delivery is a `POST` of
//! `{"id": "evt_…", "event": "order.filled", "timestamp": "…Z", "data": {…resource…}}` —
//! the top-level `id` is the simulator's addition (Bluum's sample payload has none), so
//! receivers can deduplicate — signed with `X-Bluum-Signature` (see
//! [`crate::bluum::signature`]). A receiver that does not answer 2xx within the timeout is
//! retried up to [`MAX_RETRIES`] times, after `webhook_retry_base` × 1, 5, 30, 120, 480
//! (Bluum's documented 1 min, 5 min, 30 min, 2 h, 8 h when the base is one minute); then the
//! delivery is parked as `failed`. Every attempt is recorded in `bluum_sim.webhook_attempts`,
//! and pending deliveries resume after a restart. A delivery whose row was deleted (its
//! investor was removed) is not attempted again.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;

use super::api::{self, fail, respond, wire, ApiResult, Fields, Meta, Page};
use super::ids;
use super::state::{Sim, World};
use super::store::Record;
use crate::bluum::signature;

/// Retries after the first attempt.
pub const MAX_RETRIES: i32 = 5;
/// Retry delays as multiples of the base delay.
const BACKOFF: [u32; 5] = [1, 5, 30, 120, 480];

/// The events the simulator emits, with what they mean.
pub const EVENT_TYPES: &[(&str, &str)] = &[
    ("account.created", "An investor was created"),
    ("account.updated", "An investor's status or details changed"),
    (
        "kyc.verification.approved",
        "KYC checks cleared; the investor is active",
    ),
    (
        "kyc.verification.rejected",
        "KYC checks failed; the investor is declined",
    ),
    (
        "kyc.verification.documents_required",
        "KYC needs a document before it can finish",
    ),
    ("document.approved", "An uploaded document was accepted"),
    ("document.rejected", "An uploaded document was rejected"),
    ("transfer.deposit.initiated", "A deposit was created"),
    (
        "transfer.deposit.completed",
        "A deposit arrived and the wallet was credited",
    ),
    ("transfer.deposit.failed", "A deposit failed or expired"),
    (
        "transfer.withdrawal.initiated",
        "A withdrawal was created and its funds held",
    ),
    ("transfer.withdrawal.completed", "A withdrawal was paid out"),
    (
        "transfer.withdrawal.failed",
        "A withdrawal failed; its hold was released",
    ),
    ("order.accepted", "An order was accepted"),
    ("order.filled", "An order filled completely"),
    ("order.partially_filled", "An order filled in part"),
    ("order.canceled", "An order was cancelled or expired"),
    ("order.rejected", "An order was rejected"),
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Webhook {
    #[serde(flatten)]
    pub meta: Meta,
    pub name: String,
    pub url: String,
    pub description: Option<String>,
    pub event_type_names: Vec<String>,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
}

impl Record for Webhook {
    const KIND: &'static str = "webhook";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        None
    }
}

impl Webhook {
    fn wants(&self, event_type: &str) -> bool {
        self.status == "active"
            && self
                .event_type_names
                .iter()
                .any(|p| pattern_matches(p, event_type))
    }
}

/// `order.*` matches every `order.…` event; `*` matches all; otherwise exact.
pub fn pattern_matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

/// An event waiting to be fanned out.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub event_type: String,
    pub payload: String,
}

impl Event {
    pub fn new(event_type: &str, data: Value) -> Self {
        let id = ids::new_id("evt");
        let payload = json!({
            "id": id,
            "event": event_type,
            "timestamp": api::now_iso(),
            "data": data,
        });
        Self {
            id,
            event_type: event_type.to_owned(),
            payload: payload.to_string(),
        }
    }
}

/// One delivery to run.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    pub url: String,
    pub payload: String,
    pub attempts: i32,
    pub next_attempt_at: OffsetDateTime,
}

/// Inserts one delivery per (event, interested webhook) in `tx`.
pub async fn queue(
    tx: &mut Transaction<'_, Postgres>,
    world: &World,
    events: &[Event],
) -> Result<Vec<Delivery>, sqlx::Error> {
    let mut out = Vec::new();
    for event in events {
        for webhook in world
            .webhooks
            .values()
            .filter(|w| w.wants(&event.event_type))
        {
            let delivery = Delivery {
                id: ids::new_id("whd"),
                event_id: event.id.clone(),
                url: webhook.url.clone(),
                payload: event.payload.clone(),
                attempts: 0,
                next_attempt_at: OffsetDateTime::now_utc(),
            };
            sqlx::query(
                "INSERT INTO bluum_sim.webhook_deliveries
                   (id, webhook_id, event_id, event_type, url, payload, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&delivery.id)
            .bind(&webhook.meta.id)
            .bind(&event.id)
            .bind(&event.event_type)
            .bind(&delivery.url)
            .bind(&delivery.payload)
            .bind(delivery.next_attempt_at)
            .execute(&mut **tx)
            .await?;
            out.push(delivery);
        }
    }
    Ok(out)
}

/// Restarts the deliveries left pending by a previous run.
pub async fn resume(sim: &Sim) -> Result<(), sqlx::Error> {
    let pending = sqlx::query_as::<_, Delivery>(
        "SELECT id, event_id, url, payload, attempts, next_attempt_at
         FROM bluum_sim.webhook_deliveries WHERE status = 'pending'",
    )
    .fetch_all(&sim.pool)
    .await?;
    for delivery in pending {
        spawn_delivery(sim.clone(), delivery);
    }
    Ok(())
}

pub fn spawn_delivery(sim: Sim, delivery: Delivery) {
    tokio::spawn(async move {
        if let Err(err) = deliver(&sim, delivery).await {
            tracing::warn!(error = %err, "webhook delivery bookkeeping failed");
        }
    });
}

/// Runs one delivery to success, exhaustion or simulator shutdown.
async fn deliver(sim: &Sim, mut delivery: Delivery) -> Result<(), sqlx::Error> {
    let mut shutdown = sim.shutdown.clone();
    loop {
        let wait = delivery.next_attempt_at - OffsetDateTime::now_utc();
        if wait.is_positive() {
            let wait = Duration::try_from(wait).unwrap_or_default();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = super::stopped(&mut shutdown) => return Ok(()),
            }
        }
        if *shutdown.borrow() || !still_pending(sim, &delivery.id).await? {
            return Ok(());
        }
        delivery.attempts += 1;
        let started = Instant::now();
        let timestamp = OffsetDateTime::now_utc().unix_timestamp();
        let header = signature::sign(&sim.webhook_secret, timestamp, delivery.payload.as_bytes());
        let result = sim
            .http
            .post(&delivery.url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(signature::HEADER, header)
            .header("X-Bluum-Event-Id", &delivery.event_id)
            .body(delivery.payload.clone())
            .send()
            .await;
        let elapsed = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status_code, error) = match &result {
            Ok(response) if response.status().is_success() => {
                (Some(response.status().as_u16()), None)
            }
            Ok(response) => (
                Some(response.status().as_u16()),
                Some(format!("receiver answered {}", response.status())),
            ),
            Err(err) if err.is_timeout() => (None, Some("no answer within the timeout".to_owned())),
            Err(_) => (None, Some("could not connect to the receiver".to_owned())),
        };
        sqlx::query(
            "INSERT INTO bluum_sim.webhook_attempts (delivery_id, attempt, status_code, error, duration_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&delivery.id)
        .bind(delivery.attempts)
        .bind(status_code.map(i32::from))
        .bind(&error)
        .bind(elapsed)
        .execute(&sim.pool)
        .await?;

        if error.is_none() {
            mark(sim, &delivery, "delivered").await?;
            return Ok(());
        }
        if delivery.attempts > MAX_RETRIES {
            tracing::warn!(delivery = %delivery.id, "webhook delivery parked after {MAX_RETRIES} retries");
            mark(sim, &delivery, "failed").await?;
            return Ok(());
        }
        let factor = BACKOFF[(delivery.attempts - 1) as usize];
        let delay = sim.options.webhook_retry_base * factor;
        delivery.next_attempt_at = OffsetDateTime::now_utc()
            + time::Duration::try_from(delay).unwrap_or(time::Duration::MAX);
        mark(sim, &delivery, "pending").await?;
    }
}

/// Whether the delivery still waits to be made: its row is gone once what it is about was
/// removed ([`super::demo::remove`]).
async fn still_pending(sim: &Sim, id: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM bluum_sim.webhook_deliveries
                        WHERE id = $1 AND status = 'pending')",
    )
    .bind(id)
    .fetch_one(&sim.pool)
    .await
}

async fn mark(sim: &Sim, delivery: &Delivery, status: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE bluum_sim.webhook_deliveries
         SET status = $2, attempts = $3, next_attempt_at = $4, updated_at = now()
         WHERE id = $1",
    )
    .bind(&delivery.id)
    .bind(status)
    .bind(delivery.attempts)
    .bind(delivery.next_attempt_at)
    .execute(&sim.pool)
    .await?;
    Ok(())
}

// ---- routes -------------------------------------------------------------------------------

fn event_type_names(f: &Fields<'_>) -> ApiResult<Vec<String>> {
    let names = f.array("eventTypeNames")?;
    let mut out = Vec::new();
    for name in names {
        let name = name
            .as_str()
            .ok_or_else(|| fail::format("eventTypeNames", "eventTypeNames must be strings"))?;
        if !EVENT_TYPES
            .iter()
            .any(|(known, _)| pattern_matches(name, known))
        {
            let known: Vec<&str> = EVENT_TYPES.iter().map(|(n, _)| *n).collect();
            return Err(fail::enumeration("eventTypeNames", &known));
        }
        out.push(name.to_owned());
    }
    Ok(out)
}

fn url(f: &Fields<'_>) -> ApiResult<String> {
    let url = f.str("url")?;
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| fail::format("url", "url must be an absolute http(s) URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(fail::format("url", "url must be an absolute http(s) URL"));
    }
    Ok(url.to_owned())
}

fn view(webhook: &Webhook) -> Value {
    wire(webhook)
}

/// `POST /webhooks`
pub async fn create(State(sim): State<Sim>, body: Bytes) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let f = Fields::new(&body);
    let url = url(&f)?;
    let names = event_type_names(&f)?;
    let name = f.opt_str("name")?.unwrap_or(&url).to_owned();
    let description = f.opt_str("description")?.map(str::to_owned);
    let metadata = f.metadata()?;
    let now = api::now_iso();
    let webhook = Webhook {
        meta: Meta::new(ids::new_id("wh"), "webhook", metadata),
        name,
        url,
        description,
        event_type_names: names,
        status: "active".into(),
        created_at: now.clone(),
        updated_at: now,
    };
    let mut body = view(&webhook);
    body["secret"] = json!(secrecy::ExposeSecret::expose_secret(&sim.webhook_secret));
    let mut world = sim.lock().await;
    world.put(webhook);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::CREATED, body))
}

/// `GET /webhooks`
pub async fn list(State(sim): State<Sim>) -> ApiResult<Response> {
    let world = sim.lock().await;
    let items: Vec<Value> = world
        .webhooks
        .values()
        .rev()
        .filter(|w| w.status != "deleted")
        .map(view)
        .collect();
    Ok(respond(
        StatusCode::OK,
        api::list(
            "/v1/webhooks",
            items,
            Page {
                limit: api::MAX_LIMIT,
                offset: 0,
            },
        ),
    ))
}

fn live(world: &World, id: &str) -> ApiResult<Webhook> {
    world
        .webhooks
        .get(id)
        .filter(|w| w.status != "deleted")
        .cloned()
        .ok_or_else(|| fail::not_found("Webhook"))
}

/// `PATCH /webhooks/{webhook_id}` — any of `eventTypeNames`, `name`, `url`, `description`,
/// `status` (`ACTIVE`/`INACTIVE`).
pub async fn update(
    State(sim): State<Sim>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let f = Fields::new(&body);
    let mut world = sim.lock().await;
    let mut webhook = live(&world, &id)?;
    if f.get("eventTypeNames").is_some() {
        webhook.event_type_names = event_type_names(&f)?;
    }
    if f.get("url").is_some() {
        webhook.url = url(&f)?;
    }
    if let Some(name) = f.opt_str("name")? {
        webhook.name = name.to_owned();
    }
    if f.get("description").is_some() {
        webhook.description = f.opt_str("description")?.map(str::to_owned);
    }
    if let Some(status) = f.opt_str("status")? {
        webhook.status = match status.to_ascii_uppercase().as_str() {
            "ACTIVE" => "active".into(),
            "INACTIVE" => "inactive".into(),
            _ => return Err(fail::enumeration("status", &["ACTIVE", "INACTIVE"])),
        };
    }
    webhook.updated_at = api::now_iso();
    let body = view(&webhook);
    world.put(webhook);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::OK, body))
}

/// `DELETE /webhooks/{webhook_id}`: no more deliveries; answers `{id, object, deleted: true}`.
pub async fn delete(State(sim): State<Sim>, Path(id): Path<String>) -> ApiResult<Response> {
    let mut world = sim.lock().await;
    let mut webhook = live(&world, &id)?;
    webhook.status = "deleted".into();
    webhook.updated_at = api::now_iso();
    world.put(webhook);
    sim.commit(&mut world).await?;
    Ok(respond(
        StatusCode::OK,
        json!({ "id": id, "object": "webhook", "deleted": true }),
    ))
}

/// `GET /webhooks/event-types`
pub async fn event_types() -> ApiResult<Response> {
    let items: Vec<Value> = EVENT_TYPES
        .iter()
        .map(|(name, description)| {
            json!({
                "object": "event_type",
                "name": name,
                "category": name.split('.').next().unwrap_or_default(),
                "description": description,
                "version": "1",
            })
        })
        .collect();
    Ok(respond(
        StatusCode::OK,
        api::list(
            "/v1/webhooks/event-types",
            items,
            Page {
                limit: api::MAX_LIMIT,
                offset: 0,
            },
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_by_prefix() {
        assert!(pattern_matches("order.*", "order.filled"));
        assert!(!pattern_matches("order.*", "transfer.deposit.completed"));
        assert!(pattern_matches("transfer.*", "transfer.deposit.completed"));
        assert!(pattern_matches("*", "account.created"));
        assert!(pattern_matches("order.filled", "order.filled"));
        assert!(!pattern_matches("order.filled", "order.filled.x"));
    }
}

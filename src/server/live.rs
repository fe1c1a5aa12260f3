//! Live updates from Bluum's webhooks to the browser, across every instance of the app.
//!
//! 1. The webhook receiver stores a new event, then [`notify`]s Postgres
//!    (`pg_notify('bluum_events', …)`) with the investor it concerns.
//! 2. Every instance [`listen`]s on that channel and hands each notification to its own
//!    subscribers (a Tokio broadcast channel), so an event received by instance A reaches a
//!    page connected to instance B.
//! 3. [`events`] (`GET /events`) streams to a signed-in user only the events of their own
//!    investor, as Server-Sent Events, with a keep-alive.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::Stream;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::broadcast;

use super::auth::investor_link;
use super::request::CurrentUser;
use super::state::AppState;
use crate::api::live::LiveEvent;

/// The Postgres channel events travel on between instances.
pub const CHANNEL: &str = "bluum_events";
/// How many events a slow page may fall behind before it misses some (it then polls).
const BUFFER: usize = 256;

/// One notification: the event and the investor it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notification {
    pub investor_id: String,
    #[serde(flatten)]
    pub event: LiveEvent,
}

/// The subscribers of this instance.
pub type Hub = broadcast::Sender<Notification>;

pub fn hub() -> Hub {
    broadcast::channel(BUFFER).0
}

/// What a webhook payload (`{event, data: {…resource…}}`) tells the pages: the investor it
/// concerns and the object that changed. `None` when it names no investor.
pub fn notification_of(event_type: &str, payload: &Value) -> Option<Notification> {
    let data = payload.get("data")?;
    let text = |key: &str| data.get(key).and_then(Value::as_str).map(str::to_owned);
    // Transfers, orders and documents carry `investor_id`; account and KYC events are the
    // investor itself.
    let investor_id = text("investor_id").or_else(|| {
        (event_type.starts_with("account.") || event_type.starts_with("kyc."))
            .then(|| text("id"))
            .flatten()
    })?;
    Some(Notification {
        investor_id,
        event: LiveEvent {
            event: event_type.to_owned(),
            object_id: text("id"),
            status: text("status"),
        },
    })
}

/// Tells every instance about `notification` (committed with nothing else: the event is
/// already stored, and a lost notification only means the pages poll).
pub async fn notify(pool: &PgPool, notification: &Notification) -> Result<(), sqlx::Error> {
    let payload = serde_json::to_string(notification).unwrap_or_default();
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(pool)
        .await?;
    Ok(())
}

/// Relays the channel's notifications to this instance's subscribers, for as long as the
/// process runs; reconnects after a lost connection.
pub async fn listen(pool: PgPool, hub: Hub) {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(error) = listener.listen(CHANNEL).await {
                    tracing::warn!(%error, "could not listen for live events");
                } else {
                    tracing::debug!("listening for live events");
                    loop {
                        match listener.recv().await {
                            Ok(message) => {
                                match serde_json::from_str::<Notification>(message.payload()) {
                                    Ok(n) => {
                                        // No subscriber is fine.
                                        let _ = hub.send(n);
                                    }
                                    Err(error) => {
                                        tracing::warn!(%error, "unreadable live event")
                                    }
                                }
                            }
                            Err(error) => {
                                tracing::warn!(%error, "live events connection lost");
                                break;
                            }
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "could not connect for live events"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// `GET /events`: the signed-in user's investor's events, as Server-Sent Events (`data` is a
/// [`LiveEvent`] in JSON). 401 when signed out, 409 before onboarding.
pub async fn events(State(state): State<AppState>, req: Request) -> Response {
    let Some(user) = req
        .extensions()
        .get::<CurrentUser>()
        .and_then(|c| c.0.clone())
    else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let investor = match investor_link::investor_id_of(&state.pool, user.id).await {
        Ok(Some(id)) => id,
        Ok(None) => return StatusCode::CONFLICT.into_response(),
        Err(error) => {
            tracing::error!(%error, "could not look up the investor for live events");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let receiver = state.live.subscribe();
    Sse::new(stream_for(receiver, investor))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn stream_for(
    receiver: broadcast::Receiver<Notification>,
    investor: String,
) -> impl Stream<Item = Result<Event, Infallible>> {
    futures::stream::unfold(receiver, move |mut receiver| {
        let investor = investor.clone();
        async move {
            loop {
                match receiver.recv().await {
                    Ok(n) if n.investor_id == investor => {
                        let data = serde_json::to_string(&n.event).unwrap_or_default();
                        return Some((Ok(Event::default().event("bluum").data(data)), receiver));
                    }
                    Ok(_) => continue,
                    // Fell behind: the page polls anyway; carry on with what comes next.
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    })
}

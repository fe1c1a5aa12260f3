//! Webhook registrations (tenant-wide keys only).
//!
//! Endpoints: `POST /webhooks`, `GET /webhooks`. Gen C answers
//! `{id:"wh_…", object:"webhook", url, event_type_names[], status, created_at}`; Gen B answered
//! `{status, data:{webhook:{id (uuid), name, url, status:"ACTIVE", secret, eventTypes[…]}}}`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::common::{ts, Sensitive};

string_enum! {
    pub enum WebhookStatus {
        Active = "active",
        Inactive = "inactive",
    }
}

/// Body of `POST /webhooks`. The field is `eventTypeNames` (not `events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateWebhookRequest {
    pub name: String,
    pub url: String,
    /// Event names or wildcards such as `order.*`; at least one.
    #[serde(rename = "eventTypeNames")]
    pub event_type_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A Gen B event type object; only its name matters to us.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct EventType {
    pub name: String,
}

/// A webhook registration.
///
/// `id` is a plain string because Gen B returned UUIDs; Gen C ids start with `wh_`
/// (see [`Webhook::webhook_id`]). `secret` is the signing secret, returned at creation by
/// Gen B (whether Gen C still returns it is not documented).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Webhook {
    pub id: String,
    #[serde(default)]
    pub object: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub url: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<WebhookStatus>,
    #[serde(default, alias = "eventTypeNames")]
    pub event_type_names: Vec<String>,
    /// Gen B: full event type objects instead of names.
    #[serde(default, rename = "eventTypes", skip_serializing)]
    event_types: Vec<EventType>,
    #[serde(default)]
    pub secret: Option<Sensitive>,
    #[serde(default, alias = "createdAt", with = "ts")]
    pub created_at: Option<OffsetDateTime>,
}

impl Webhook {
    /// The subscribed event names, from either generation's field.
    pub fn events(&self) -> Vec<&str> {
        if self.event_type_names.is_empty() {
            self.event_types.iter().map(|e| e.name.as_str()).collect()
        } else {
            self.event_type_names.iter().map(String::as_str).collect()
        }
    }

    /// The Gen C `wh_…` id, when this registration has one.
    pub fn webhook_id(&self) -> Option<crate::bluum::ids::WebhookId> {
        self.id.parse().ok()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::{decode, List};

    #[test]
    fn decodes_a_gen_c_webhook() {
        let json = r#"{"id": "wh_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "webhook",
            "url": "https://example.com/webhooks/bluum", "event_type_names": ["order.*", "transfer.deposit.completed"],
            "status": "active", "created_at": "2025-06-15T14:30:00Z"}"#;
        let wh: Webhook = decode(json.as_bytes()).unwrap();
        assert_eq!(
            wh.webhook_id().unwrap().as_str(),
            "wh_01j9x8m2k7qpzwv3t5r6y8n0ab"
        );
        assert_eq!(wh.status, Some(WebhookStatus::Active));
        assert_eq!(wh.events(), ["order.*", "transfer.deposit.completed"]);
        assert!(wh.secret.is_none());
    }

    #[test]
    fn decodes_a_gen_b_webhook_with_secret() {
        let json = r#"{"status": "success", "message": "Webhook created", "data": {"webhook": {
            "id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "name": "orders", "url": "https://example.com/hook",
            "description": null, "status": "ACTIVE", "secret": "whsec_abc123",
            "eventTypes": [{"id": "e1", "name": "order.filled", "category": "order", "description": "", "displayName": "Order filled"}],
            "createdAt": "2026-01-10T09:00:00.000Z", "updatedAt": "2026-01-10T09:00:00.000Z"}}}"#;
        let wh: Webhook = decode(json.as_bytes()).unwrap();
        assert!(wh.webhook_id().is_none());
        assert_eq!(wh.status, Some(WebhookStatus::Active));
        assert_eq!(wh.events(), ["order.filled"]);
        assert_eq!(wh.secret.as_ref().unwrap().expose(), "whsec_abc123");
        assert!(!format!("{wh:?}").contains("whsec_abc123"));
        assert!(wh.created_at.is_some());
        let list: List<Webhook> =
            decode(format!("[{}]", r#"{"id":"wh_1","url":"https://x"}"#).as_bytes()).unwrap();
        assert_eq!(list.len(), 1);
    }

    #[test]
    fn create_request_uses_event_type_names() {
        let req = CreateWebhookRequest {
            name: "app".into(),
            url: "https://example.com/webhooks/bluum".into(),
            event_type_names: vec!["order.*".into()],
            description: None,
        };
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::json!({"name": "app", "url": "https://example.com/webhooks/bluum", "eventTypeNames": ["order.*"]})
        );
    }
}

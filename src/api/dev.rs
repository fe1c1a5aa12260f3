//! Development-only server functions: the email outbox. In production, or when real SMTP is
//! configured, they answer `NotFound`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One email in the development outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// RFC 3339, UTC.
    pub sent_at: String,
}

/// The 50 newest emails the app "sent".
#[server(endpoint = "dev/outbox")]
pub async fn list_outbox() -> Result<Vec<OutboxMessage>, AppError> {
    use crate::server::AppState;
    let state = expect_context::<AppState>();
    if state.config.is_production() || !state.email.is_outbox() {
        return Err(AppError::NotFound);
    }
    let rows = crate::server::auth::email::outbox(&state.pool, 50).await?;
    Ok(rows
        .into_iter()
        .map(|row| OutboxMessage {
            id: row.id.to_string(),
            to: row.to_address,
            subject: row.subject,
            body: row.body,
            sent_at: row
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        })
        .collect())
}

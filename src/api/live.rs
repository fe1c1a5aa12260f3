//! Live updates, as the browser sees them: `GET /events` is a Server-Sent Events stream of
//! the signed-in user's own investor's events (transfers, orders, KYC), pushed as Bluum's
//! webhooks arrive at any instance of the app (`server::live`). Pages that show something
//! still moving listen to it and ask the server again when their object changes; they also
//! keep asking now and then, so a missed event never leaves a status stuck.

use serde::{Deserialize, Serialize};

/// Where the stream is served.
pub const EVENTS_PATH: &str = "/events";

/// One event for a user's open pages: which object changed. Pages fetch the object again
/// rather than trusting the event's copy, so late or repeated events change nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// Bluum's event name, like `transfer.deposit.completed` or `order.filled`.
    pub event: String,
    /// The id of the object it is about (`dep_…`, `wd_…`, `ord_…`, `inv_…`).
    pub object_id: Option<String>,
    /// Its status as the event reported it.
    pub status: Option<String>,
}

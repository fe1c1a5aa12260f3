//! The typed client for the Bluum API (server only).
//!
//! Every user action ends in a call made here, on behalf of the signed-in user's investor.
//! - [`ids`]: prefixed id newtypes (`inv_`, `fs_`, `dep_`, ...).
//! - [`models`]: request and response types, one module per domain.
//! - [`error`]: [`error::BluumError`], mapping Bluum's error envelope and codes into cases the UI can act on.
//! - [`client`]: [`client::BluumClient`]: auth, timeouts, retries, rate limiting, idempotency keys.
//! - [`signature`]: the webhook signature scheme, in one place (the simulator signs, the app verifies).

pub mod client;
pub mod error;
pub mod ids;
pub mod models;
pub mod signature;

//! [`AppError`]: the one error type every server function returns.
//!
//! It crosses the wire as JSON, so the browser can act on the case (show a message next to a
//! field, send the user to sign in, offer a retry) while details stay in the server log under
//! the request id.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in terms the UI can act on. Messages are safe to show to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request needs a signed-in user.
    #[error("Please sign in to continue.")]
    NotSignedIn,
    /// Signed in, but this is not yours to see or change.
    #[error("You don't have access to that.")]
    Forbidden,
    /// Signed in, but no investing account is open yet: pages send the user to onboarding.
    #[error("Open your investing account first.")]
    NotOnboarded,
    /// The thing asked for does not exist (or is not the user's).
    #[error("We couldn't find that.")]
    NotFound,
    /// One input is wrong; `field` is the form field's `name`, so the message goes next to it.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// Several inputs are wrong: `(field, message)` pairs, each shown next to its field.
    #[error("Some answers need another look: see the messages next to them.")]
    Invalid { errors: Vec<(String, String)> },
    /// The wallet cannot cover the request.
    #[error("{0}")]
    InsufficientFunds(String),
    /// The market is closed for this kind of order.
    #[error("{0}")]
    MarketClosed(String),
    /// The same request conflicts with an earlier one or with the current state.
    #[error("{0}")]
    Conflict(String),
    /// Too many requests; try again shortly.
    #[error("Too many requests. Please wait a moment and try again.")]
    RateLimited,
    /// Too many failed sign-in attempts for this account or address; wait `minutes`.
    #[error("Too many attempts. Try again in {minutes} {}.", if *.minutes == 1 { "minute" } else { "minutes" })]
    TooManyAttempts { minutes: u32 },
    /// Our investing partner did not answer well; the id lets support find the call.
    #[error("Our investing partner is not responding right now. Please try again in a moment (ref {request_id}).")]
    Upstream { request_id: String },
    /// A deposit, withdrawal or order was sent but its answer was lost (Bluum timed out or
    /// failed). It is settled in the background under the same idempotency key, so it happens
    /// at most once.
    #[error("We couldn't confirm this with our investing partner yet. It will not happen twice: check Transfers or Orders in a minute to see where it stands (ref {request_id}).")]
    Unconfirmed { request_id: String },
    /// The request could not be read (a malformed form or body, a missing or mistyped field):
    /// not something our own pages send.
    #[error("This request couldn't be read. Reload the page and try again.")]
    BadRequest,
    /// The browser could not reach our server (offline, or the answer was cut off).
    #[error("We couldn't reach our server. Check your connection and try again.")]
    Network,
    /// Anything else: details are in the server log under `request_id`.
    #[error("Something went wrong on our side. Please try again (ref {request_id}).")]
    Internal { request_id: String },
}

impl AppError {
    /// A validation error on one form field.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status this error is sent with. Set for every server function in one place
    /// (`server::server_fns::status_from_error`); the browser reads the body.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::NotSignedIn => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Validation { .. } | Self::Invalid { .. } | Self::InsufficientFunds(_) => 422,
            Self::NotOnboarded | Self::MarketClosed(_) | Self::Conflict(_) => 409,
            Self::RateLimited | Self::TooManyAttempts { .. } => 429,
            Self::Upstream { .. } | Self::Unconfirmed { .. } | Self::Network => 502,
            Self::Internal { .. } => 500,
        }
    }

    /// The message for `field`, when this error is about that field.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { field: f, message } if f == field => Some(message.clone()),
            Self::Invalid { errors } => errors
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, message)| message.clone()),
            _ => None,
        }
    }
}

/// Server-side conversions: failures that are not the user's fault become [`AppError::Internal`],
/// with the detail logged under the request id.
#[cfg(feature = "ssr")]
mod server_side {
    use super::AppError;

    impl AppError {
        /// An `Internal` error for the user; the detail goes to the log under the current
        /// request id, which the message quotes.
        pub fn internal(err: impl std::fmt::Display) -> Self {
            let request_id =
                crate::server::telemetry::current_request_id().unwrap_or_else(|| "n/a".into());
            tracing::error!(request_id = %request_id, error = %err, "internal error");
            Self::Internal { request_id }
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            Self::internal(format!("database: {err}"))
        }
    }

    impl From<tower_sessions::session::Error> for AppError {
        fn from(err: tower_sessions::session::Error) -> Self {
            Self::internal(format!("session store: {err}"))
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Failures outside our code: the request never arrived or the answer could not be read
    /// (`Network`), the request's arguments could not be decoded (`BadRequest`), or anything
    /// else in the framework (`Internal`, with no request id).
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Network,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest,
            _ => Self::Internal {
                request_id: "n/a".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_message_targets_one_field() {
        let err = AppError::validation("email", "Enter a valid email address.");
        assert_eq!(
            err.field_message("email").as_deref(),
            Some("Enter a valid email address.")
        );
        assert_eq!(err.field_message("password"), None);
        assert_eq!(err.to_string(), "Enter a valid email address.");
    }

    #[test]
    fn round_trips_as_json() {
        let err = AppError::Internal {
            request_id: "req-1".into(),
        };
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), err);
        assert!(err.to_string().contains("req-1"));
    }
}

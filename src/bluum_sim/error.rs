//! The simulator's API error: one value per Bluum error code, rendered as Bluum's Gen C error
//! envelope `{"error": {"type", "code", "message", "param"}}` (fact sheet §1.9, §1.10).
//!
//! The pure engine (`market`, `engine`) returns [`SimApiError`]; the simulator's HTTP layer
//! turns it into a response with [`SimApiError::status`] and [`SimApiError::envelope`], so the
//! code, type and HTTP status of every error come from one table ([`ErrorCode`]).

use serde::{Deserialize, Serialize};

/// The error `type` of Bluum's envelope (fact sheet §1.9).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    InvalidRequestError,
    AuthenticationError,
    PermissionError,
    NotFoundError,
    ConflictError,
    IdempotencyError,
    RateLimitError,
    ApiError,
}

/// Every code of Bluum's error catalogue (fact sheet §1.10), serialised as the code string.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    #[serde(rename = "BLUM-400-001")]
    Validation,
    #[serde(rename = "BLUM-400-002")]
    MissingField,
    #[serde(rename = "BLUM-400-003")]
    InvalidFormat,
    #[serde(rename = "BLUM-400-004")]
    InvalidEnum,
    #[serde(rename = "BLUM-400-005")]
    InvalidAmount,
    #[serde(rename = "BLUM-400-006")]
    InvalidQuantity,
    #[serde(rename = "BLUM-400-007")]
    InvalidDateRange,
    #[serde(rename = "BLUM-400-008")]
    BodyTooLarge,
    #[serde(rename = "BLUM-401-001")]
    MissingAuthorization,
    #[serde(rename = "BLUM-401-002")]
    MalformedAuthorization,
    #[serde(rename = "BLUM-401-003")]
    InvalidCredentials,
    #[serde(rename = "BLUM-401-004")]
    KeyInactive,
    #[serde(rename = "BLUM-401-005")]
    KeyExpired,
    #[serde(rename = "BLUM-403-001")]
    InsufficientPermissions,
    #[serde(rename = "BLUM-403-002")]
    AccountNotApproved,
    #[serde(rename = "BLUM-403-003")]
    ProductionAccessRequired,
    #[serde(rename = "BLUM-403-004")]
    OperationNotAllowed,
    #[serde(rename = "BLUM-404-001")]
    ResourceNotFound,
    #[serde(rename = "BLUM-404-002")]
    EndpointNotFound,
    #[serde(rename = "BLUM-404-003")]
    AssetNotFound,
    #[serde(rename = "BLUM-409-001")]
    Duplicate,
    #[serde(rename = "BLUM-409-002")]
    IdempotencyConflict,
    #[serde(rename = "BLUM-409-003")]
    StateConflict,
    #[serde(rename = "BLUM-422-001")]
    InsufficientFunds,
    #[serde(rename = "BLUM-422-002")]
    MarketClosed,
    #[serde(rename = "BLUM-422-003")]
    AssetNotTradable,
    #[serde(rename = "BLUM-422-004")]
    PositionInsufficient,
    #[serde(rename = "BLUM-422-005")]
    WithdrawalLimitExceeded,
    #[serde(rename = "BLUM-429-001")]
    RateLimited,
    #[serde(rename = "BLUM-500-001")]
    Internal,
    #[serde(rename = "BLUM-500-017")]
    Upstream,
}

impl ErrorCode {
    /// The code as it appears on the wire, e.g. `"BLUM-400-002"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "BLUM-400-001",
            Self::MissingField => "BLUM-400-002",
            Self::InvalidFormat => "BLUM-400-003",
            Self::InvalidEnum => "BLUM-400-004",
            Self::InvalidAmount => "BLUM-400-005",
            Self::InvalidQuantity => "BLUM-400-006",
            Self::InvalidDateRange => "BLUM-400-007",
            Self::BodyTooLarge => "BLUM-400-008",
            Self::MissingAuthorization => "BLUM-401-001",
            Self::MalformedAuthorization => "BLUM-401-002",
            Self::InvalidCredentials => "BLUM-401-003",
            Self::KeyInactive => "BLUM-401-004",
            Self::KeyExpired => "BLUM-401-005",
            Self::InsufficientPermissions => "BLUM-403-001",
            Self::AccountNotApproved => "BLUM-403-002",
            Self::ProductionAccessRequired => "BLUM-403-003",
            Self::OperationNotAllowed => "BLUM-403-004",
            Self::ResourceNotFound => "BLUM-404-001",
            Self::EndpointNotFound => "BLUM-404-002",
            Self::AssetNotFound => "BLUM-404-003",
            Self::Duplicate => "BLUM-409-001",
            Self::IdempotencyConflict => "BLUM-409-002",
            Self::StateConflict => "BLUM-409-003",
            Self::InsufficientFunds => "BLUM-422-001",
            Self::MarketClosed => "BLUM-422-002",
            Self::AssetNotTradable => "BLUM-422-003",
            Self::PositionInsufficient => "BLUM-422-004",
            Self::WithdrawalLimitExceeded => "BLUM-422-005",
            Self::RateLimited => "BLUM-429-001",
            Self::Internal => "BLUM-500-001",
            Self::Upstream => "BLUM-500-017",
        }
    }

    /// The HTTP status Bluum answers with for this code (the middle digits of the code).
    pub const fn status(self) -> u16 {
        match self {
            Self::Validation
            | Self::MissingField
            | Self::InvalidFormat
            | Self::InvalidEnum
            | Self::InvalidAmount
            | Self::InvalidQuantity
            | Self::InvalidDateRange
            | Self::BodyTooLarge => 400,
            Self::MissingAuthorization
            | Self::MalformedAuthorization
            | Self::InvalidCredentials
            | Self::KeyInactive
            | Self::KeyExpired => 401,
            Self::InsufficientPermissions
            | Self::AccountNotApproved
            | Self::ProductionAccessRequired
            | Self::OperationNotAllowed => 403,
            Self::ResourceNotFound | Self::EndpointNotFound | Self::AssetNotFound => 404,
            Self::Duplicate | Self::IdempotencyConflict | Self::StateConflict => 409,
            Self::InsufficientFunds
            | Self::MarketClosed
            | Self::AssetNotTradable
            | Self::PositionInsufficient
            | Self::WithdrawalLimitExceeded => 422,
            Self::RateLimited => 429,
            Self::Internal | Self::Upstream => 500,
        }
    }

    /// The envelope `type` for this code. 422s are business-rule rejections of a well-formed
    /// request; Bluum's type list has no dedicated value for them, so they are
    /// `invalid_request_error` like the 400s [INFER].
    pub const fn error_type(self) -> ErrorType {
        match self.status() {
            401 => ErrorType::AuthenticationError,
            403 => ErrorType::PermissionError,
            404 => ErrorType::NotFoundError,
            409 => match self {
                Self::IdempotencyConflict => ErrorType::IdempotencyError,
                _ => ErrorType::ConflictError,
            },
            429 => ErrorType::RateLimitError,
            500 => ErrorType::ApiError,
            _ => ErrorType::InvalidRequestError,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error the simulator answers with: a catalogue code, a human message and, for field
/// errors, the offending request field (`param`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct SimApiError {
    pub code: ErrorCode,
    pub message: String,
    pub param: Option<String>,
}

impl SimApiError {
    /// An error without a `param`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            param: None,
        }
    }

    /// An error about one request field.
    pub fn with_param(code: ErrorCode, param: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            param: Some(param.to_owned()),
        }
    }

    /// `BLUM-400-002` for a missing required field.
    pub fn missing(param: &str) -> Self {
        Self::with_param(
            ErrorCode::MissingField,
            param,
            format!("{param} is required"),
        )
    }

    /// HTTP status code of the response.
    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// The envelope `type`.
    pub fn error_type(&self) -> ErrorType {
        self.code.error_type()
    }

    /// The response body: `{"error": {"type", "code", "message", "param"}}`.
    pub fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorBody {
                type_: self.error_type(),
                code: self.code,
                message: self.message.clone(),
                param: self.param.clone(),
            },
        }
    }
}

/// The serialisable body of an error response (Gen C envelope).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The inner object of [`ErrorEnvelope`]. `param` is always present (`null` when not about a
/// field), matching Bluum's examples.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ErrorBody {
    #[serde(rename = "type")]
    pub type_: ErrorType,
    pub code: ErrorCode,
    pub message: String,
    pub param: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_matches_bluum_shape() {
        let err = SimApiError::missing("symbol");
        assert_eq!(err.status(), 400);
        let json = serde_json::to_value(err.envelope()).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({"error": {"type": "invalid_request_error", "code": "BLUM-400-002",
                "message": "symbol is required", "param": "symbol"}})
        );
    }

    #[test]
    fn status_and_type_follow_the_code() {
        assert_eq!(ErrorCode::AssetNotFound.status(), 404);
        assert_eq!(
            ErrorCode::AssetNotFound.error_type(),
            ErrorType::NotFoundError
        );
        assert_eq!(
            ErrorCode::StateConflict.error_type(),
            ErrorType::ConflictError
        );
        assert_eq!(
            ErrorCode::IdempotencyConflict.error_type(),
            ErrorType::IdempotencyError
        );
        assert_eq!(ErrorCode::InsufficientFunds.status(), 422);
        assert_eq!(
            ErrorCode::RateLimited.error_type(),
            ErrorType::RateLimitError
        );
        // The serde name and as_str agree for every code used by the engine.
        for code in [
            ErrorCode::MissingField,
            ErrorCode::InvalidEnum,
            ErrorCode::InvalidQuantity,
            ErrorCode::MarketClosed,
            ErrorCode::PositionInsufficient,
        ] {
            assert_eq!(
                serde_json::to_value(code).expect("serialises"),
                serde_json::Value::String(code.as_str().to_owned())
            );
        }
    }
}

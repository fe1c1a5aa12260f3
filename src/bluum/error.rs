//! [`BluumError`]: every way a Bluum call can fail, in cases the UI can act on.
//!
//! Bluum has answered errors in four shapes across its API generations; all are read here:
//! - Gen C `{"error":{"type","code","message","param"}}`;
//! - Gen A/B flat `{"code","message"}` (sometimes with `details:{field,reason}` or `status:"error"`);
//! - the add-on gate `{"status":"error","code":"PRODUCT_NOT_ENABLED","message"}` (HTTP 403);
//! - plain `{"error":"…"}`.
//!
//! The case is chosen from the `BLUM-{status}-{seq}` catalogue code first, then the Gen C error
//! `type`, then the Gen B symbolic code, then the HTTP status. Every case keeps the HTTP status,
//! the Bluum code and the upstream `X-Request-Id` in an [`ErrorContext`] for the log.
//! Messages never contain request bodies, so secrets and tax ids cannot leak through them.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::error::AppError;

/// Form field used for a validation error Bluum did not attach to a parameter.
pub const FORM_FIELD: &str = "form";

/// Where an error came from, for logs and support.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorContext {
    /// HTTP status, when Bluum answered.
    pub status: Option<u16>,
    /// Bluum's code (`BLUM-422-001`, `PRODUCT_NOT_ENABLED`…), when given.
    pub code: Option<String>,
    /// Bluum's `X-Request-Id`, when given.
    pub request_id: Option<String>,
}

impl fmt::Display for ErrorContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(status) = self.status {
            parts.push(format!("HTTP {status}"));
        }
        if let Some(code) = &self.code {
            parts.push(code.clone());
        }
        if let Some(id) = &self.request_id {
            parts.push(format!("request {id}"));
        }
        if parts.is_empty() {
            Ok(())
        } else {
            write!(f, " [{}]", parts.join(", "))
        }
    }
}

/// Which kind of conflict a 409 reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// `BLUM-409-001`: e.g. an investor with the same email exists.
    Duplicate,
    /// `BLUM-409-002`: the idempotency key was used with a different body.
    Idempotency,
    /// `BLUM-409-003`: the resource is not in a state that allows this (cancel a settled transfer).
    State,
    /// A 409 without a known code.
    Other,
}

/// Why Bluum refused a request with 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForbiddenReason {
    /// `BLUM-403-002`: the investor has not passed KYC.
    KycNotApproved,
    /// `BLUM-403-001`: our key lacks access.
    InsufficientPermissions,
    /// `BLUM-403-003`: a production-only feature.
    ProductionAccessRequired,
    /// `BLUM-403-004`: not allowed in the account's current state.
    AccountState,
    /// `PRODUCT_NOT_ENABLED`: an add-on (market data, cash management) is off for our tenant.
    ProductNotEnabled,
    /// A 403 without a known code.
    Other,
}

/// What went wrong when Bluum (or the way to it) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamKind {
    /// Bluum answered 5xx.
    Server,
    /// No answer within the client's timeout.
    Timeout,
    /// Connection refused, reset, TLS or DNS failure.
    Transport,
    /// A 2xx whose body is not what the API promises.
    Decode,
    /// A status this client does not expect (e.g. 3xx, 418).
    UnexpectedStatus,
}

/// The one error type of the Bluum client.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BluumError {
    /// The request was malformed; `param` names the offending field when Bluum says.
    #[error("Bluum rejected the request{}: {message}{context}", param.as_deref().map(|p| format!(" (field {p})")).unwrap_or_default())]
    Validation {
        param: Option<String>,
        message: String,
        context: ErrorContext,
    },
    /// `BLUM-422-001` / `-005`: the wallet cannot cover the amount.
    #[error("insufficient funds: {message}{context}")]
    InsufficientFunds {
        message: String,
        context: ErrorContext,
    },
    /// `BLUM-422-002`: the market is closed for this order type.
    #[error("market closed: {message}{context}")]
    MarketClosed {
        message: String,
        context: ErrorContext,
    },
    /// `BLUM-422-004`: selling more than is held.
    #[error("position insufficient: {message}{context}")]
    PositionInsufficient {
        message: String,
        context: ErrorContext,
    },
    /// 404: not found or not in our tenant.
    #[error("not found: {message}{context}")]
    NotFound {
        message: String,
        context: ErrorContext,
    },
    /// 409: duplicate, idempotency or state conflict.
    #[error("conflict ({kind:?}): {message}{context}")]
    Conflict {
        kind: ConflictKind,
        message: String,
        context: ErrorContext,
    },
    /// 429: over the key pair's rate limit (after our own retries).
    #[error("rate limited by Bluum{context}")]
    RateLimited {
        retry_after: Option<Duration>,
        context: ErrorContext,
    },
    /// 401: the key pair is missing, wrong, inactive or expired.
    #[error("Bluum rejected our credentials: {message}{context}")]
    Unauthorized {
        message: String,
        context: ErrorContext,
    },
    /// 403: see [`ForbiddenReason`].
    #[error("forbidden ({reason:?}): {message}{context}")]
    Forbidden {
        reason: ForbiddenReason,
        message: String,
        context: ErrorContext,
    },
    /// 5xx, transport failure, timeout or an unreadable body.
    #[error("Bluum upstream failure ({kind:?}): {message}{context}")]
    Upstream {
        kind: UpstreamKind,
        message: String,
        context: ErrorContext,
    },
}

/// Request fields whose value must never be echoed: if Bluum's message is about one of these, it
/// is replaced, in case it quotes the value.
const SENSITIVE_PARAMS: &[&str] = &[
    "tax_id",
    "account_number",
    "routing_number",
    "iban",
    "public_token",
];

/// The fields an error body may carry, whatever its shape.
#[derive(Debug, Default, PartialEq)]
struct ErrorBody {
    error_type: Option<String>,
    code: Option<String>,
    message: Option<String>,
    param: Option<String>,
}

impl ErrorBody {
    fn parse(body: &[u8]) -> Self {
        let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(body) else {
            return Self::default();
        };
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        match root.get("error") {
            // Gen C envelope.
            Some(Value::Object(err)) => Self {
                error_type: text(err.get("type")),
                code: text(err.get("code")),
                message: text(err.get("message")),
                param: text(err.get("param")),
            },
            // Plain `{"error": "…"}`.
            Some(Value::String(message)) => Self {
                message: Some(message.clone()),
                code: text(root.get("code")),
                ..Self::default()
            },
            // Flat Gen A/B and the PRODUCT_NOT_ENABLED gate.
            _ => Self {
                error_type: None,
                code: text(root.get("code")),
                message: text(root.get("message")),
                param: text(root.get("param"))
                    .or_else(|| text(root.get("details").and_then(|d| d.get("field")))),
            },
        }
    }
}

/// The HTTP status and sequence of a `BLUM-{status}-{seq}` code.
fn catalogue_code(code: &str) -> Option<(u16, u16)> {
    let rest = code.strip_prefix("BLUM-")?;
    let (status, seq) = rest.split_once('-')?;
    Some((status.parse().ok()?, seq.parse().ok()?))
}

impl BluumError {
    /// Maps an error response. `retry_after` comes from the `Retry-After` header.
    pub fn from_response(
        status: u16,
        request_id: Option<String>,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Self {
        let parsed = ErrorBody::parse(body);
        let context = ErrorContext {
            status: Some(status),
            code: parsed.code.clone(),
            request_id,
        };
        let param = parsed.param.clone();
        let message = match (&param, parsed.message.clone()) {
            (Some(p), Some(_)) if SENSITIVE_PARAMS.contains(&p.as_str()) => {
                format!("The value of {p} was not accepted.")
            }
            (_, Some(message)) => message,
            (_, None) => default_message(status).to_owned(),
        };

        let validation = |param: Option<String>| Self::Validation {
            param,
            message: message.clone(),
            context: context.clone(),
        };
        let forbidden = |reason| Self::Forbidden {
            reason,
            message: message.clone(),
            context: context.clone(),
        };
        let conflict = |kind| Self::Conflict {
            kind,
            message: message.clone(),
            context: context.clone(),
        };
        let upstream = |kind| Self::Upstream {
            kind,
            message: message.clone(),
            context: context.clone(),
        };

        // 1. The catalogue code says the most.
        if let Some((code_status, seq)) = parsed.code.as_deref().and_then(catalogue_code) {
            match (code_status, seq) {
                (400, _) => return validation(param),
                (401, _) => return Self::Unauthorized { message, context },
                (403, 1) => return forbidden(ForbiddenReason::InsufficientPermissions),
                (403, 2) => return forbidden(ForbiddenReason::KycNotApproved),
                (403, 3) => return forbidden(ForbiddenReason::ProductionAccessRequired),
                (403, 4) => return forbidden(ForbiddenReason::AccountState),
                (404, _) => return Self::NotFound { message, context },
                (409, 1) => return conflict(ConflictKind::Duplicate),
                (409, 2) => return conflict(ConflictKind::Idempotency),
                (409, 3) => return conflict(ConflictKind::State),
                (422, 1) | (422, 5) => return Self::InsufficientFunds { message, context },
                (422, 2) => return Self::MarketClosed { message, context },
                (422, 3) => return validation(param.or_else(|| Some("symbol".into()))),
                (422, 4) => return Self::PositionInsufficient { message, context },
                (429, _) => {
                    return Self::RateLimited {
                        retry_after,
                        context,
                    }
                }
                (500..=599, _) => return upstream(UpstreamKind::Server),
                _ => {}
            }
        }

        // 2. The Gen C error type, then Gen B symbolic codes.
        let symbolic = parsed.code.as_deref().unwrap_or_default();
        match (parsed.error_type.as_deref().unwrap_or_default(), symbolic) {
            (_, "PRODUCT_NOT_ENABLED") => return forbidden(ForbiddenReason::ProductNotEnabled),
            ("idempotency_error", _) => return conflict(ConflictKind::Idempotency),
            ("rate_limit_error", _) => {
                return Self::RateLimited {
                    retry_after,
                    context,
                }
            }
            ("invalid_request_error", _) | (_, "VALIDATION_ERROR") => return validation(param),
            (_, code) if code.ends_with("_VALIDATION") => return validation(param),
            ("authentication_error", _) | (_, "UNAUTHORIZED") => {
                return Self::Unauthorized { message, context }
            }
            ("not_found_error", _) | (_, "NOT_FOUND") | (_, "ASSET_NOT_FOUND") => {
                return Self::NotFound { message, context }
            }
            ("conflict_error", _) | (_, "CONFLICT") => return conflict(ConflictKind::Other),
            ("api_error", _) | (_, "INTERNAL_SERVER_ERROR") if status >= 500 => {
                return upstream(UpstreamKind::Server)
            }
            _ => {}
        }

        // 3. The HTTP status.
        match status {
            400 | 422 => validation(param),
            401 => Self::Unauthorized { message, context },
            403 if message.to_ascii_lowercase().contains("kyc") => {
                forbidden(ForbiddenReason::KycNotApproved)
            }
            403 => forbidden(ForbiddenReason::Other),
            404 => Self::NotFound { message, context },
            409 => conflict(ConflictKind::Other),
            429 => Self::RateLimited {
                retry_after,
                context,
            },
            500..=599 => upstream(UpstreamKind::Server),
            _ => upstream(UpstreamKind::UnexpectedStatus),
        }
    }

    /// A failure to reach Bluum or to get its whole answer.
    pub fn transport(err: reqwest::Error) -> Self {
        let kind = if err.is_timeout() {
            UpstreamKind::Timeout
        } else {
            UpstreamKind::Transport
        };
        // Without the URL (it holds ids; the span names the path template), with the causes
        // ("connection refused", "operation timed out") that make the log useful.
        let err = err.without_url();
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::Upstream {
            kind,
            message,
            context: ErrorContext::default(),
        }
    }

    /// A 2xx body that does not decode into the expected type.
    pub fn decode(err: &serde_json::Error, status: u16, request_id: Option<String>) -> Self {
        Self::Upstream {
            kind: UpstreamKind::Decode,
            message: format!("unexpected response shape: {err}"),
            context: ErrorContext {
                status: Some(status),
                code: None,
                request_id,
            },
        }
    }

    /// A request this client refuses to send (it would fail Bluum's validation anyway).
    pub fn invalid_input(param: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            param: Some(param.to_owned()),
            message: message.into(),
            context: ErrorContext::default(),
        }
    }

    /// Status, code and request id.
    pub fn context(&self) -> &ErrorContext {
        match self {
            Self::Validation { context, .. }
            | Self::InsufficientFunds { context, .. }
            | Self::MarketClosed { context, .. }
            | Self::PositionInsufficient { context, .. }
            | Self::NotFound { context, .. }
            | Self::Conflict { context, .. }
            | Self::RateLimited { context, .. }
            | Self::Unauthorized { context, .. }
            | Self::Forbidden { context, .. }
            | Self::Upstream { context, .. } => context,
        }
    }

    /// Bluum's `X-Request-Id` for this failure, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.context().request_id.as_deref()
    }

    /// Bluum's error code, if any.
    pub fn code(&self) -> Option<&str> {
        self.context().code.as_deref()
    }

    /// Worth trying again: rate limited, a retryable 5xx (500/502/503/504), a timeout or a
    /// transport failure. Never a 4xx other than 429, never an unreadable 2xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } => true,
            Self::Upstream { kind, context, .. } => match kind {
                UpstreamKind::Timeout | UpstreamKind::Transport => true,
                UpstreamKind::Server => {
                    matches!(context.status, Some(500 | 502 | 503 | 504))
                }
                UpstreamKind::Decode | UpstreamKind::UnexpectedStatus => false,
            },
            _ => false,
        }
    }

    /// How long Bluum asked us to wait (429 `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

fn conflict_message(kind: ConflictKind) -> &'static str {
    match kind {
        ConflictKind::Duplicate => "That already exists (for example, an account with this email).",
        ConflictKind::Idempotency => {
            "This request was already sent with different details. Please start it again."
        }
        ConflictKind::State => "This can't be changed any more: it has already moved on.",
        ConflictKind::Other => "This conflicts with an earlier request. Refresh and try again.",
    }
}

fn default_message(status: u16) -> &'static str {
    match status {
        400 => "bad request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not found",
        409 => "conflict",
        422 => "unprocessable request",
        429 => "too many requests",
        500..=599 => "server error",
        _ => "unexpected status",
    }
}

/// What the user sees. Bluum's own wording is kept only for field-level validation messages;
/// everything else gets a fixed, friendly sentence (details stay in the log).
impl From<BluumError> for AppError {
    fn from(err: BluumError) -> Self {
        let upstream = |context: &ErrorContext| AppError::Upstream {
            request_id: context
                .request_id
                .clone()
                .unwrap_or_else(|| "n/a".to_owned()),
        };
        match err {
            BluumError::Validation { param, message, .. } => AppError::Validation {
                field: param.unwrap_or_else(|| FORM_FIELD.to_owned()),
                message,
            },
            BluumError::InsufficientFunds { .. } => AppError::InsufficientFunds(
                "Your available cash doesn't cover this. Add funds or lower the amount.".into(),
            ),
            BluumError::MarketClosed { .. } => AppError::MarketClosed(
                "The market is closed. Place a good-'til-cancelled order or try again when it opens."
                    .into(),
            ),
            BluumError::PositionInsufficient { .. } => AppError::Validation {
                field: "quantity".into(),
                message: "You can't sell more shares than you hold.".into(),
            },
            BluumError::NotFound { .. } => AppError::NotFound,
            BluumError::Conflict { kind, .. } => AppError::Conflict(conflict_message(kind).into()),
            BluumError::RateLimited { .. } => AppError::RateLimited,
            BluumError::Forbidden {
                reason: ForbiddenReason::KycNotApproved | ForbiddenReason::AccountState,
                ..
            } => AppError::Conflict(
                "Your investing account isn't approved for this yet. Finish verification first."
                    .into(),
            ),
            BluumError::Forbidden {
                reason: ForbiddenReason::Other,
                ..
            } => AppError::Forbidden,
            // Our key or tenant set-up is at fault, not the user: report it as a partner failure.
            BluumError::Forbidden { ref context, .. }
            | BluumError::Unauthorized { ref context, .. }
            | BluumError::Upstream { ref context, .. } => upstream(context),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(status: u16, body: &str) -> BluumError {
        BluumError::from_response(status, Some("req_123".into()), None, body.as_bytes())
    }

    #[test]
    fn gen_c_envelope_validation_keeps_the_param() {
        let err = map(
            400,
            r#"{"error":{"type":"invalid_request_error","code":"BLUM-400-001","message":"phone must be E.164","param":"phone"}}"#,
        );
        assert_eq!(
            err,
            BluumError::Validation {
                param: Some("phone".into()),
                message: "phone must be E.164".into(),
                context: ErrorContext {
                    status: Some(400),
                    code: Some("BLUM-400-001".into()),
                    request_id: Some("req_123".into()),
                },
            }
        );
        assert_eq!(err.request_id(), Some("req_123"));
        assert_eq!(
            AppError::from(err),
            AppError::validation("phone", "phone must be E.164")
        );
    }

    #[test]
    fn messages_about_sensitive_fields_never_echo_the_value() {
        let err = map(
            400,
            r#"{"error":{"type":"invalid_request_error","code":"BLUM-400-003","message":"tax_id 987-65-4321 is not a valid SSN","param":"tax_id"}}"#,
        );
        let shown = format!("{err} {err:?} {:?}", AppError::from(err.clone()));
        assert!(!shown.contains("987-65-4321"), "{shown}");
        assert!(matches!(&err, BluumError::Validation { param: Some(p), .. } if p == "tax_id"));
    }

    #[test]
    fn catalogue_codes_pick_the_case() {
        let envelope = |status: u16, code: &str| {
            map(
                status,
                &format!(r#"{{"error":{{"type":"x","code":"{code}","message":"m"}}}}"#),
            )
        };
        assert!(matches!(
            envelope(422, "BLUM-422-001"),
            BluumError::InsufficientFunds { .. }
        ));
        assert!(matches!(
            envelope(422, "BLUM-422-005"),
            BluumError::InsufficientFunds { .. }
        ));
        assert!(matches!(
            envelope(422, "BLUM-422-002"),
            BluumError::MarketClosed { .. }
        ));
        assert!(matches!(
            envelope(422, "BLUM-422-004"),
            BluumError::PositionInsufficient { .. }
        ));
        assert!(matches!(
            envelope(422, "BLUM-422-003"),
            BluumError::Validation { param: Some(p), .. } if p == "symbol"
        ));
        assert!(matches!(
            envelope(404, "BLUM-404-003"),
            BluumError::NotFound { .. }
        ));
        assert!(matches!(
            envelope(409, "BLUM-409-001"),
            BluumError::Conflict {
                kind: ConflictKind::Duplicate,
                ..
            }
        ));
        assert!(matches!(
            envelope(409, "BLUM-409-002"),
            BluumError::Conflict {
                kind: ConflictKind::Idempotency,
                ..
            }
        ));
        assert!(matches!(
            envelope(409, "BLUM-409-003"),
            BluumError::Conflict {
                kind: ConflictKind::State,
                ..
            }
        ));
        assert!(matches!(
            envelope(401, "BLUM-401-003"),
            BluumError::Unauthorized { .. }
        ));
        assert!(matches!(
            envelope(403, "BLUM-403-002"),
            BluumError::Forbidden {
                reason: ForbiddenReason::KycNotApproved,
                ..
            }
        ));
        assert!(matches!(
            envelope(403, "BLUM-403-001"),
            BluumError::Forbidden {
                reason: ForbiddenReason::InsufficientPermissions,
                ..
            }
        ));
        assert!(matches!(
            envelope(429, "BLUM-429-001"),
            BluumError::RateLimited { .. }
        ));
        let internal = envelope(500, "BLUM-500-017");
        assert!(matches!(
            internal,
            BluumError::Upstream {
                kind: UpstreamKind::Server,
                ..
            }
        ));
        assert!(internal.is_retryable());
        assert_eq!(internal.code(), Some("BLUM-500-017"));
    }

    #[test]
    fn flat_gen_a_b_shape() {
        let err = map(
            404,
            r#"{"code":"BLUM-404-001","message":"Account not found"}"#,
        );
        assert!(
            matches!(&err, BluumError::NotFound { message, .. } if message == "Account not found")
        );
        let err = map(
            400,
            r#"{"status":"error","code":"VALIDATION_ERROR","message":"bad","details":{"field":"amount","reason":"too many decimals"}}"#,
        );
        assert!(matches!(&err, BluumError::Validation { param: Some(p), .. } if p == "amount"));
        let err = map(
            400,
            r#"{"code":"ASSET_SEARCH_QUERY_PARAMETER_VALIDATION","message":"q required"}"#,
        );
        assert!(matches!(err, BluumError::Validation { .. }));
    }

    #[test]
    fn product_not_enabled_shape() {
        let err = map(
            403,
            r#"{"status":"error","code":"PRODUCT_NOT_ENABLED","message":"Market Data is not enabled for this tenant"}"#,
        );
        assert!(matches!(
            &err,
            BluumError::Forbidden {
                reason: ForbiddenReason::ProductNotEnabled,
                ..
            }
        ));
        assert_eq!(err.code(), Some("PRODUCT_NOT_ENABLED"));
        // Our tenant set-up, not the user's fault.
        assert_eq!(
            AppError::from(err),
            AppError::Upstream {
                request_id: "req_123".into()
            }
        );
    }

    #[test]
    fn plain_error_string_shape() {
        let err = map(
            400,
            r#"{"error":"No approved ACH relationship found for account 3f2b"}"#,
        );
        assert!(matches!(
            &err,
            BluumError::Validation { param: None, message, .. } if message.starts_with("No approved ACH")
        ));
        assert_eq!(
            AppError::from(err).field_message(FORM_FIELD).as_deref(),
            Some("No approved ACH relationship found for account 3f2b")
        );
    }

    #[test]
    fn error_type_and_status_are_fallbacks() {
        let err = map(
            409,
            r#"{"error":{"type":"idempotency_error","message":"key reused"}}"#,
        );
        assert!(matches!(
            err,
            BluumError::Conflict {
                kind: ConflictKind::Idempotency,
                ..
            }
        ));
        let err = map(403, r#"{"message":"KYC not verified"}"#);
        assert!(matches!(
            err,
            BluumError::Forbidden {
                reason: ForbiddenReason::KycNotApproved,
                ..
            }
        ));
        let err = map(502, "<html>bad gateway</html>");
        assert!(
            matches!(&err, BluumError::Upstream { kind: UpstreamKind::Server, message, .. } if message == "server error")
        );
        assert!(err.is_retryable());
        assert!(!map(501, "").is_retryable());
        assert!(!map(400, "").is_retryable());
        assert!(!map(404, "").is_retryable());
        assert!(!map(422, "").is_retryable());
        let limited = BluumError::from_response(429, None, Some(Duration::from_secs(2)), b"");
        assert!(limited.is_retryable());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn app_error_cases() {
        let ctx = ErrorContext::default;
        let app = |e: BluumError| AppError::from(e);
        assert!(matches!(
            app(BluumError::InsufficientFunds {
                message: "m".into(),
                context: ctx()
            }),
            AppError::InsufficientFunds(_)
        ));
        assert!(matches!(
            app(BluumError::MarketClosed {
                message: "m".into(),
                context: ctx()
            }),
            AppError::MarketClosed(_)
        ));
        assert!(app(BluumError::PositionInsufficient {
            message: "m".into(),
            context: ctx()
        })
        .field_message("quantity")
        .is_some());
        assert_eq!(
            app(BluumError::NotFound {
                message: "m".into(),
                context: ctx()
            }),
            AppError::NotFound
        );
        assert!(matches!(
            app(BluumError::Conflict {
                kind: ConflictKind::Idempotency,
                message: "m".into(),
                context: ctx()
            }),
            AppError::Conflict(_)
        ));
        assert_eq!(
            app(BluumError::RateLimited {
                retry_after: None,
                context: ctx()
            }),
            AppError::RateLimited
        );
        assert!(matches!(
            app(BluumError::Forbidden {
                reason: ForbiddenReason::KycNotApproved,
                message: "m".into(),
                context: ctx()
            }),
            AppError::Conflict(_)
        ));
        assert_eq!(
            app(BluumError::Unauthorized {
                message: "m".into(),
                context: ctx()
            }),
            AppError::Upstream {
                request_id: "n/a".into()
            }
        );
        assert_eq!(
            app(BluumError::Upstream {
                kind: UpstreamKind::Timeout,
                message: "m".into(),
                context: ErrorContext {
                    request_id: Some("req_9".into()),
                    ..ctx()
                },
            }),
            AppError::Upstream {
                request_id: "req_9".into()
            }
        );
    }

    #[test]
    fn display_names_code_and_request_id() {
        let err = map(
            422,
            r#"{"error":{"type":"invalid_request_error","code":"BLUM-422-001","message":"Insufficient funds"}}"#,
        );
        let text = err.to_string();
        assert!(
            text.contains("BLUM-422-001") && text.contains("req_123"),
            "{text}"
        );
    }
}

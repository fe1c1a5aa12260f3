//! The wire conventions every simulated endpoint shares (fact sheet §1): the error envelope
//! and its catalogue codes, resource and list envelopes, `limit`/`offset` paging, JSON body
//! reading and the small field validators that turn bad input into `400`s with a `param`.

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use super::error::{ErrorCode, SimApiError};

/// What every handler returns.
pub type ApiResult<T = Response> = Result<T, SimApiError>;

/// Largest page a list endpoint returns, and the default.
pub const MAX_LIMIT: usize = 200;
pub const DEFAULT_LIMIT: usize = 50;

// ---- errors -------------------------------------------------------------------------------

fn error(code: ErrorCode, message: impl Into<String>, param: Option<&str>) -> SimApiError {
    SimApiError {
        code,
        message: message.into(),
        param: param.map(str::to_owned),
    }
}

/// Constructors for the catalogue codes (fact sheet §1.10), named by what went wrong.
pub mod fail {
    use super::*;

    pub fn validation(param: &str, message: impl Into<String>) -> SimApiError {
        error(ErrorCode::Validation, message, Some(param))
    }
    pub fn malformed_body(message: impl Into<String>) -> SimApiError {
        error(ErrorCode::Validation, message, None)
    }
    pub fn missing(param: &str) -> SimApiError {
        error(
            ErrorCode::MissingField,
            format!("Missing required field: {param}"),
            Some(param),
        )
    }
    pub fn format(param: &str, message: impl Into<String>) -> SimApiError {
        error(ErrorCode::InvalidFormat, message, Some(param))
    }
    pub fn enumeration(param: &str, allowed: &[&str]) -> SimApiError {
        error(
            ErrorCode::InvalidEnum,
            format!(
                "Invalid value for {param}; expected one of: {}",
                allowed.join(", ")
            ),
            Some(param),
        )
    }
    pub fn amount(param: &str) -> SimApiError {
        error(
            ErrorCode::InvalidAmount,
            format!("{param} must be a positive decimal string with at most 2 decimal places"),
            Some(param),
        )
    }
    pub fn quantity(param: &str, message: impl Into<String>) -> SimApiError {
        error(ErrorCode::InvalidQuantity, message, Some(param))
    }
    pub fn date_range(param: &str, message: impl Into<String>) -> SimApiError {
        error(ErrorCode::InvalidDateRange, message, Some(param))
    }
    pub fn too_large(param: &str) -> SimApiError {
        error(
            ErrorCode::BodyTooLarge,
            "Request body too large (uploads are limited to 10 MB)",
            Some(param),
        )
    }
    pub fn unauthenticated(code: ErrorCode, message: &str) -> SimApiError {
        error(code, message, None)
    }
    pub fn not_approved() -> SimApiError {
        error(
            ErrorCode::AccountNotApproved,
            "Investor is not approved yet (KYC not complete)",
            None,
        )
    }
    pub fn not_allowed(message: impl Into<String>) -> SimApiError {
        error(ErrorCode::OperationNotAllowed, message, None)
    }
    pub fn not_found(what: &str) -> SimApiError {
        error(
            ErrorCode::ResourceNotFound,
            format!("{what} not found"),
            None,
        )
    }
    pub fn no_endpoint() -> SimApiError {
        error(ErrorCode::EndpointNotFound, "Endpoint not found", None)
    }
    pub fn asset_not_found(symbol: &str) -> SimApiError {
        error(
            ErrorCode::AssetNotFound,
            format!("Asset {symbol} not found"),
            Some("symbol"),
        )
    }
    pub fn duplicate(param: &str, message: impl Into<String>) -> SimApiError {
        error(ErrorCode::Duplicate, message, Some(param))
    }
    pub fn idempotency(message: impl Into<String>) -> SimApiError {
        error(
            ErrorCode::IdempotencyConflict,
            message,
            Some("Idempotency-Key"),
        )
    }
    pub fn state(message: impl Into<String>) -> SimApiError {
        error(ErrorCode::StateConflict, message, None)
    }
    pub fn insufficient_funds(message: impl Into<String>) -> SimApiError {
        error(ErrorCode::InsufficientFunds, message, None)
    }
    pub fn market_closed() -> SimApiError {
        error(
            ErrorCode::MarketClosed,
            "Market closed (use time_in_force gtc or wait for the open)",
            None,
        )
    }
    pub fn not_tradable(symbol: &str) -> SimApiError {
        error(
            ErrorCode::AssetNotTradable,
            format!("Asset {symbol} is not tradable"),
            Some("symbol"),
        )
    }
    pub fn position_insufficient(message: impl Into<String>) -> SimApiError {
        error(ErrorCode::PositionInsufficient, message, Some("quantity"))
    }
    pub fn withdrawal_limit(message: impl Into<String>) -> SimApiError {
        error(ErrorCode::WithdrawalLimitExceeded, message, Some("amount"))
    }
    pub fn rate_limited() -> SimApiError {
        error(
            ErrorCode::RateLimited,
            "Rate limit exceeded; retry after the number of seconds in Retry-After",
            None,
        )
    }
    pub fn internal() -> SimApiError {
        error(ErrorCode::Internal, "Internal error; please retry", None)
    }
}

impl IntoResponse for SimApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.envelope())).into_response()
    }
}

impl From<sqlx::Error> for SimApiError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "simulator database error");
        fail::internal()
    }
}

// ---- envelopes ----------------------------------------------------------------------------

/// The fields every Gen C resource starts with (fact sheet §1.4). Flattened into each resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    pub object: String,
    pub created: i64,
    pub livemode: bool,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

impl Meta {
    /// Created now.
    pub fn new(id: String, object: &str, metadata: Map<String, Value>) -> Self {
        Self::new_at(id, object, metadata, OffsetDateTime::now_utc())
    }

    /// Created at `at`.
    pub fn new_at(
        id: String,
        object: &str,
        metadata: Map<String, Value>,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            object: object.to_owned(),
            created: at.unix_timestamp(),
            livemode: false,
            metadata,
        }
    }
}

/// Resources keep simulator-only state under this key; [`wire`] strips it before sending.
pub const SIM_KEY: &str = "_sim";

/// A stored resource as it goes on the wire: its JSON without the `_sim` bookkeeping.
pub fn wire<T: Serialize>(resource: &T) -> Value {
    let mut value = serde_json::to_value(resource).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.remove(SIM_KEY);
    }
    value
}

/// `200` (or another status) with a JSON body.
pub fn respond(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// `limit` and `offset` from the query string (fact sheet §1.5: default 50, max 200).
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

impl Page {
    pub fn from_query(query: &std::collections::HashMap<String, String>) -> ApiResult<Self> {
        let limit = match query.get("limit") {
            None => DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(fail::format(
                        "limit",
                        format!("limit must be 1..{MAX_LIMIT}"),
                    ))
                }
            },
        };
        let offset = match query.get("offset") {
            None => 0,
            Some(raw) => raw
                .parse::<usize>()
                .map_err(|_| fail::format("offset", "offset must be a non-negative integer"))?,
        };
        Ok(Self { limit, offset })
    }
}

/// The list envelope `{object:"list", url, has_more, data}` for one page of `items`.
pub fn list(url: &str, items: Vec<Value>, page: Page) -> Value {
    let has_more = items.len() > page.offset + page.limit;
    let data: Vec<Value> = items
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .collect();
    json!({ "object": "list", "url": url, "has_more": has_more, "data": data })
}

// ---- request bodies -----------------------------------------------------------------------

/// Parses a JSON object body; anything else is `400 BLUM-400-001`.
pub fn json_object(body: &Bytes) -> ApiResult<Map<String, Value>> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(fail::malformed_body("Request body must be a JSON object")),
        Err(err) => Err(fail::malformed_body(format!(
            "Request body is not valid JSON: {err}"
        ))),
    }
}

/// Field readers that produce the catalogue errors. `prefix` names nested objects in `param`
/// (`address.country`).
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: &'a str,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self { map, prefix: "" }
    }
    pub fn nested(map: &'a Map<String, Value>, prefix: &'a str) -> Self {
        Self { map, prefix }
    }

    pub fn param(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// A required non-empty string.
    pub fn str(&self, name: &str) -> ApiResult<&'a str> {
        match self.get(name) {
            None => Err(fail::missing(&self.param(name))),
            Some(Value::String(s)) if s.trim().is_empty() => Err(fail::missing(&self.param(name))),
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(_) => Err(fail::format(
                &self.param(name),
                format!("{} must be a string", self.param(name)),
            )),
        }
    }

    pub fn opt_str(&self, name: &str) -> ApiResult<Option<&'a str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(fail::format(
                &self.param(name),
                format!("{} must be a string", self.param(name)),
            )),
        }
    }

    pub fn bool(&self, name: &str) -> ApiResult<bool> {
        match self.get(name) {
            None => Err(fail::missing(&self.param(name))),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(fail::format(
                &self.param(name),
                format!("{} must be true or false", self.param(name)),
            )),
        }
    }

    pub fn opt_bool(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(_) => self.bool(name).map(Some),
        }
    }

    pub fn enumeration(&self, name: &str, allowed: &[&str]) -> ApiResult<&'a str> {
        let value = self.str(name)?;
        if allowed.contains(&value) {
            Ok(value)
        } else {
            Err(fail::enumeration(&self.param(name), allowed))
        }
    }

    pub fn opt_enumeration(&self, name: &str, allowed: &[&str]) -> ApiResult<Option<&'a str>> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(value) if allowed.contains(&value) => Ok(Some(value)),
            Some(_) => Err(fail::enumeration(&self.param(name), allowed)),
        }
    }

    pub fn object(&self, name: &str) -> ApiResult<&'a Map<String, Value>> {
        match self.get(name) {
            None => Err(fail::missing(&self.param(name))),
            Some(Value::Object(map)) => Ok(map),
            Some(_) => Err(fail::format(
                &self.param(name),
                format!("{} must be an object", self.param(name)),
            )),
        }
    }

    pub fn opt_object(&self, name: &str) -> ApiResult<Option<&'a Map<String, Value>>> {
        match self.get(name) {
            None => Ok(None),
            Some(_) => self.object(name).map(Some),
        }
    }

    pub fn array(&self, name: &str) -> ApiResult<&'a Vec<Value>> {
        match self.get(name) {
            None => Err(fail::missing(&self.param(name))),
            Some(Value::Array(items)) if items.is_empty() => Err(fail::missing(&self.param(name))),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(fail::format(
                &self.param(name),
                format!("{} must be an array", self.param(name)),
            )),
        }
    }

    /// `metadata`: a map of strings (fact sheet §1.4).
    pub fn metadata(&self) -> ApiResult<Map<String, Value>> {
        match self.get("metadata") {
            None => Ok(Map::new()),
            Some(Value::Object(map)) if map.values().all(Value::is_string) => Ok(map.clone()),
            Some(_) => Err(fail::format(
                "metadata",
                "metadata must be an object of string values",
            )),
        }
    }

    /// A positive amount with at most 2 decimal places (`^\d+(\.\d{1,2})?$`).
    pub fn amount(&self, name: &str) -> ApiResult<Decimal> {
        let raw = self.str(name)?;
        parse_amount(raw).ok_or_else(|| fail::amount(&self.param(name)))
    }
}

/// `^\d+(\.\d{1,2})?$` and greater than zero.
pub fn parse_amount(raw: &str) -> Option<Decimal> {
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    let shape_ok = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && (raw.find('.').is_none() || (1..=2).contains(&frac.len()))
        && frac.bytes().all(|b| b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let amount: Decimal = raw.parse().ok()?;
    (amount > Decimal::ZERO).then_some(amount)
}

/// A positive decimal (prices, quantities): any number of decimal places.
pub fn parse_positive_decimal(raw: &str) -> Option<Decimal> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let value: Decimal = raw.parse().ok()?;
    (value > Decimal::ZERO).then_some(value)
}

/// Money as the wire shows it: two decimal places (rounded half-even).
pub fn money(value: Decimal) -> Decimal {
    let mut v = value.round_dp(2);
    v.rescale(2);
    v
}

// ---- formats ------------------------------------------------------------------------------

/// ISO 8601 UTC with seconds precision, e.g. `2025-06-15T14:30:00Z`.
pub fn iso(at: OffsetDateTime) -> String {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

pub fn now_iso() -> String {
    iso(OffsetDateTime::now_utc())
}

pub fn now_ms() -> i64 {
    unix_ms(OffsetDateTime::now_utc())
}

/// Unix milliseconds of `at` (the simulator's due times are kept in them).
pub fn unix_ms(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn is_date(raw: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    raw.len() == 10 && time::Date::parse(raw, format).is_ok()
}

/// Checks the `date_from` / `date_to` filters of a list: each `YYYY-MM-DD`
/// (`BLUM-400-002`), and not from after to (`BLUM-400-007`).
pub fn check_date_filters(query: &std::collections::HashMap<String, String>) -> ApiResult<()> {
    for name in ["date_from", "date_to"] {
        if query.get(name).is_some_and(|d| !is_date(d)) {
            return Err(fail::format(name, format!("{name} must be YYYY-MM-DD")));
        }
    }
    if let (Some(from), Some(to)) = (query.get("date_from"), query.get("date_to")) {
        if from > to {
            return Err(fail::date_range("date_from", "date_from is after date_to"));
        }
    }
    Ok(())
}

/// An ISO 8601 timestamp (RFC 3339).
pub fn is_timestamp(raw: &str) -> bool {
    OffsetDateTime::parse(raw, &Rfc3339).is_ok()
}

/// E.164: `+` then 8 to 15 digits, the first not zero.
pub fn is_e164(raw: &str) -> bool {
    let Some(digits) = raw.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// ISO 3166-1 alpha-2 shape: two upper-case letters.
pub fn is_country(raw: &str) -> bool {
    raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_uppercase())
}

/// A loose e-mail check: something@something.tld, no spaces.
pub fn is_email(raw: &str) -> bool {
    match raw.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !raw.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_documented_pattern() {
        assert_eq!(parse_amount("100"), Some(Decimal::new(100, 0)));
        assert_eq!(parse_amount("100.5"), Some(Decimal::new(1005, 1)));
        assert_eq!(parse_amount("0.01"), Some(Decimal::new(1, 2)));
        for bad in [
            "", "0", "0.00", "-5", "1.234", "1.", ".5", "1e3", " 1", "abc",
        ] {
            assert_eq!(parse_amount(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats() {
        assert!(is_e164("+14155550123"));
        assert!(!is_e164("4155550123"));
        assert!(!is_e164("+0123456789"));
        assert!(is_country("US"));
        assert!(!is_country("USA"));
        assert!(!is_country("us"));
        assert!(is_date("1990-01-31"));
        assert!(!is_date("1990-02-31"));
        assert!(!is_date("01/31/1990"));
        assert!(is_email("a@b.co"));
        assert!(!is_email("a@b"));
    }

    #[test]
    fn pages_slice_and_report_more() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let page = Page {
            limit: 2,
            offset: 2,
        };
        let body = list("/v1/x", items.clone(), page);
        assert_eq!(body["data"], json!([2, 3]));
        assert_eq!(body["has_more"], true);
        let body = list(
            "/v1/x",
            items,
            Page {
                limit: 2,
                offset: 4,
            },
        );
        assert_eq!(body["data"], json!([4]));
        assert_eq!(body["has_more"], false);
    }

    #[test]
    fn money_has_two_places() {
        assert_eq!(money(Decimal::new(5, 0)).to_string(), "5.00");
        assert_eq!(money(Decimal::new(12346, 3)).to_string(), "12.35");
        // Half-even, like the engine's money rounding.
        assert_eq!(money(Decimal::new(12345, 3)).to_string(), "12.34");
    }
}

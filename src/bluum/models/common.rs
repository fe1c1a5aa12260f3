//! Shapes shared by every Bluum resource: the resource envelope, the list envelope, the older
//! (Gen B) wrappers still seen in the wild, timestamps, addresses and redacted strings.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// Partner key/value data attached to a resource (strings on create; read tolerantly).
pub type Metadata = BTreeMap<String, Value>;

/// The fields every Gen C resource carries besides its `id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceMeta {
    /// The resource kind (`"order"`, `"wallet"`…). Docs often show `"investor"` by copy-paste.
    #[serde(default)]
    pub object: Option<String>,
    /// Creation time (Unix seconds on the wire; an ISO string is tolerated).
    #[serde(default, with = "unix_ts")]
    pub created: Option<OffsetDateTime>,
    /// `false` for sandbox keys.
    #[serde(default)]
    pub livemode: bool,
    #[serde(default)]
    pub metadata: Metadata,
}

/// A postal address as Bluum models it (`street` is one entry per line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub city: String,
    /// Required for US tax residents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Required for US tax residents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A string that must never reach a log or an error message (tax ids, bank account numbers,
/// Plaid public tokens). `Debug` prints `[redacted]`; serialization sends the real value.
#[derive(Clone)]
pub struct Sensitive(SecretString);

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The real value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Empty, so request structs can use `..Default::default()`.
impl Default for Sensitive {
    fn default() -> Self {
        Self::new(String::new())
    }
}

impl From<String> for Sensitive {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Sensitive {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl PartialEq for Sensitive {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Serialize for Sensitive {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Sensitive {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

/// A page of resources.
///
/// Decodes every list shape Bluum has used: the Gen C envelope
/// `{object:"list", url, has_more, data:[…]}`, a bare array, `{data:[…]}`,
/// `{status:"success", data:[…], count}` and Gen B named lists (`{deposits:[…], total}`,
/// `{withdrawals:[…]}`, `{transactions:[…]}`…). A bad item reports its index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct List<T> {
    pub data: Vec<T>,
    /// More items exist past this page (`false` when the shape does not say).
    pub has_more: bool,
    /// Total count, when a legacy shape gives one.
    pub total: Option<u64>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        Self {
            data: Vec::new(),
            has_more: false,
            total: None,
        }
    }
}

impl<T> List<T> {
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.data.iter()
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

/// Keys under which Gen B put a list's items.
const LIST_KEYS: &[&str] = &[
    "data",
    "items",
    "deposits",
    "withdrawals",
    "transactions",
    "orders",
    "positions",
    "wallets",
    "webhooks",
    "funding_sources",
    "fundingSources",
    "documents",
    "assets",
];

impl<T: DeserializeOwned> List<T> {
    /// Reads any supported list shape out of a JSON value.
    pub fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Array(items) => Ok(Self {
                data: decode_items(items)?,
                has_more: false,
                total: None,
            }),
            Value::Object(mut map) => {
                let has_more = ["has_more", "hasMore"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(Value::as_bool))
                    .unwrap_or(false);
                let total = ["total", "count"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(Value::as_u64));
                let key = LIST_KEYS
                    .iter()
                    .find(|k| matches!(map.get(**k), Some(Value::Array(_))));
                if let Some(key) = key {
                    let Some(Value::Array(items)) = map.remove(*key) else {
                        unreachable!("checked just above")
                    };
                    return Ok(Self {
                        data: decode_items(items)?,
                        has_more,
                        total,
                    });
                }
                // `{status:"success", data:{deposits:[…]}}`: the list is one level down.
                match map.remove("data") {
                    Some(inner @ Value::Object(_)) => Self::from_value(inner),
                    _ => Err("expected a list: an array or an object holding `data: [...]`".into()),
                }
            }
            other => Err(format!("expected a list, found {}", kind_of(&other))),
        }
    }
}

fn decode_items<T: DeserializeOwned>(items: Vec<Value>) -> Result<Vec<T>, String> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| serde_json::from_value(item).map_err(|e| format!("item {i}: {e}")))
        .collect()
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_value(value).map_err(D::Error::custom)
    }
}

/// Keys under which Gen B nested a single resource inside `data` (`{data:{webhook:{…}}}`).
const RESOURCE_KEYS: &[&str] = &[
    "webhook",
    "investor",
    "account",
    "deposit",
    "withdrawal",
    "order",
    "document",
    "funding_source",
    "fundingSource",
];

/// Strips the older response wrappers so the same model decodes every generation:
/// `{data:{…}}`, `{status:"success", message, data:…}` and `{data:{webhook:{…}}}`.
/// A Gen C resource or list envelope (it has `id` or `object`) is returned untouched.
pub fn unwrap_legacy(value: Value) -> Value {
    let mut value = value;
    if let Value::Object(map) = &mut value {
        // A `data` array stays: `List` reads it along with `count`/`has_more`.
        let is_wrapper = matches!(map.get("data"), Some(Value::Object(_)))
            && !map.contains_key("object")
            && !map.contains_key("id")
            && !map.contains_key("has_more");
        if is_wrapper {
            if let Some(inner) = map.remove("data") {
                value = inner;
            }
        }
    }
    if let Value::Object(map) = &mut value {
        if let Some(key) = single_resource_key(map) {
            if let Some(inner) = map.remove(key) {
                return inner;
            }
        }
    }
    value
}

/// Decodes a response body into `T`, after [`unwrap_legacy`]. The client uses this for every
/// JSON response, so tests of the models use it too.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let value: Value = serde_json::from_slice(body)?;
    serde_json::from_value(unwrap_legacy(value))
}

fn single_resource_key(map: &Map<String, Value>) -> Option<&'static str> {
    if map.len() != 1 {
        return None;
    }
    RESOURCE_KEYS
        .iter()
        .copied()
        .find(|k| matches!(map.get(*k), Some(Value::Object(_))))
}

/// `Option<OffsetDateTime>` as an ISO 8601 string. Reads RFC 3339 (`2025-06-15T14:30:00Z`,
/// `…00.000Z`) and, tolerantly, an offset-less `2025-06-15T14:30:00` taken as UTC; writes RFC 3339.
/// Use with `#[serde(default, with = "ts")]`.
pub mod ts {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    use time::{OffsetDateTime, PrimitiveDateTime};

    /// Parses one timestamp as described on the module.
    pub fn parse(raw: &str) -> Result<OffsetDateTime, time::error::Parse> {
        OffsetDateTime::parse(raw, &Rfc3339).or_else(|err| {
            let naive = format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
            );
            PrimitiveDateTime::parse(raw, naive)
                .map(PrimitiveDateTime::assume_utc)
                .map_err(|_| err)
        })
    }

    pub fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(at) => {
                let text = at.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
                serializer.serialize_str(&text)
            }
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(raw) if !raw.is_empty() => parse(&raw).map(Some).map_err(serde::de::Error::custom),
            _ => Ok(None),
        }
    }
}

/// `Option<OffsetDateTime>` as Unix seconds (the envelope's `created`). Reads an integer, a
/// float (truncated) or, tolerantly, an ISO 8601 string; writes an integer.
pub mod unix_ts {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(at) => serializer.serialize_i64(at.unix_timestamp()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let seconds = match Value::deserialize(deserializer)? {
            Value::Null => return Ok(None),
            Value::String(raw) if raw.is_empty() => return Ok(None),
            Value::String(raw) => {
                return super::ts::parse(&raw)
                    .map(Some)
                    .map_err(serde::de::Error::custom)
            }
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().map(|f| f.trunc() as i64))
                .ok_or_else(|| serde::de::Error::custom("timestamp out of range"))?,
            _ => return Err(serde::de::Error::custom("expected Unix seconds")),
        };
        OffsetDateTime::from_unix_timestamp(seconds)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

/// `Option<time::Date>` as `YYYY-MM-DD`. Use with `#[serde(default, with = "date")]`.
pub mod date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::FormatItem;
    use time::macros::format_description;
    use time::Date;

    const FORMAT: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

    pub fn serialize<S: Serializer>(
        value: &Option<Date>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(day) => {
                let text = day.format(FORMAT).map_err(serde::ser::Error::custom)?;
                serializer.serialize_str(&text)
            }
            None => serializer.serialize_none(),
        }
    }

    /// For a required (non-`Option`) date: `#[serde(serialize_with = "date::serialize_day")]`.
    pub fn serialize_day<S: Serializer>(day: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serialize(&Some(*day), serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(raw) if !raw.is_empty() => Date::parse(&raw, FORMAT)
                .map(Some)
                .map_err(serde::de::Error::custom),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use serde_json::json;
    use std::str::FromStr;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Item {
        id: String,
    }

    fn ids(list: &List<Item>) -> Vec<&str> {
        list.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn list_accepts_every_shape() {
        let envelope: List<Item> = serde_json::from_value(json!({
            "object": "list", "url": "/v1/investors/inv_1/orders", "has_more": true,
            "data": [{"id": "a"}, {"id": "b"}]
        }))
        .unwrap();
        assert_eq!(ids(&envelope), ["a", "b"]);
        assert!(envelope.has_more);

        let bare: List<Item> = serde_json::from_value(json!([{"id": "a"}])).unwrap();
        assert_eq!(ids(&bare), ["a"]);
        assert!(!bare.has_more);

        let data_only: List<Item> = serde_json::from_value(json!({"data": [{"id": "c"}]})).unwrap();
        assert_eq!(ids(&data_only), ["c"]);

        let gen_b: List<Item> =
            serde_json::from_value(json!({"status": "success", "data": [{"id": "d"}], "count": 1}))
                .unwrap();
        assert_eq!((ids(&gen_b), gen_b.total), (vec!["d"], Some(1)));

        let named: List<Item> =
            serde_json::from_value(json!({"deposits": [{"id": "e"}], "total": 7})).unwrap();
        assert_eq!((ids(&named), named.total), (vec!["e"], Some(7)));

        let nested: List<Item> = serde_json::from_value(
            json!({"status": "success", "data": {"transactions": [{"id": "f"}]}}),
        )
        .unwrap();
        assert_eq!(ids(&nested), ["f"]);
    }

    #[test]
    fn list_errors_name_the_bad_item() {
        let err = serde_json::from_value::<List<Item>>(json!([{"id": "a"}, {"nope": 1}]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("item 1"), "{err}");
        assert!(serde_json::from_value::<List<Item>>(json!("x")).is_err());
        assert!(serde_json::from_value::<List<Item>>(json!({"object": "list"})).is_err());
    }

    #[test]
    fn unwrap_legacy_strips_gen_b_wrappers_only() {
        assert_eq!(
            unwrap_legacy(json!({"status": "success", "data": {"id": "x"}})),
            json!({"id": "x"})
        );
        assert_eq!(
            unwrap_legacy(json!({"data": {"id": "x"}})),
            json!({"id": "x"})
        );
        assert_eq!(
            unwrap_legacy(
                json!({"status": "success", "message": "ok", "data": {"webhook": {"id": "w"}}})
            ),
            json!({"id": "w"})
        );
        // Gen C resources and list envelopes pass through untouched.
        let list = json!({"object": "list", "data": [], "has_more": false});
        assert_eq!(unwrap_legacy(list.clone()), list);
        let event = json!({"id": "evt", "data": {"id": "ord_1"}});
        assert_eq!(unwrap_legacy(event.clone()), event);
    }

    #[test]
    fn sensitive_values_are_redacted_in_debug_but_serialized() {
        let secret = Sensitive::new("987-65-4321");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"987-65-4321\"");
    }

    #[test]
    fn timestamps_accept_iso_variants() {
        #[derive(Deserialize, Serialize)]
        struct At {
            #[serde(default, with = "ts")]
            at: Option<OffsetDateTime>,
        }
        let a: At = serde_json::from_value(json!({"at": "2025-06-15T14:30:00Z"})).unwrap();
        let b: At = serde_json::from_value(json!({"at": "2025-06-15T14:30:00.000Z"})).unwrap();
        let c: At = serde_json::from_value(json!({"at": "2025-06-15T14:30:00"})).unwrap();
        assert_eq!(a.at, b.at);
        assert_eq!(a.at, c.at);
        assert_eq!(a.at.unwrap().unix_timestamp(), 1_749_997_800);
        let none: At = serde_json::from_value(json!({"at": null})).unwrap();
        assert!(none.at.is_none());
        let missing: At = serde_json::from_value(json!({})).unwrap();
        assert!(missing.at.is_none());
        assert!(serde_json::from_value::<At>(json!({"at": "yesterday"})).is_err());
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            json!({"at": "2025-06-15T14:30:00Z"})
        );
    }

    #[test]
    fn envelope_created_is_unix_seconds_or_iso() {
        let a: ResourceMeta = serde_json::from_value(json!({"created": 1718455800})).unwrap();
        let b: ResourceMeta =
            serde_json::from_value(json!({"created": "2024-06-15T12:50:00Z"})).unwrap();
        assert_eq!(a.created, b.created);
        assert_eq!(a.created.unwrap().unix_timestamp(), 1_718_455_800);
        let none: ResourceMeta = serde_json::from_value(json!({"created": null})).unwrap();
        assert_eq!(none.created, None);
        assert_eq!(serde_json::to_value(&a).unwrap()["created"], 1718455800);
    }

    #[test]
    fn decimals_round_trip_as_strings_and_accept_numbers() {
        #[derive(Deserialize, Serialize)]
        struct Money {
            amount: Decimal,
        }
        let m: Money = serde_json::from_value(json!({"amount": "178.50"})).unwrap();
        assert_eq!(m.amount, Decimal::from_str("178.50").unwrap());
        // Scale is kept: "178.50" goes back out as "178.50", not 178.5.
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            json!({"amount": "178.50"})
        );
        let n: Money = serde_json::from_value(json!({"amount": 189.84})).unwrap();
        assert_eq!(n.amount, Decimal::from_str("189.84").unwrap());
        let i: Money = serde_json::from_value(json!({"amount": 52_000_000})).unwrap();
        assert_eq!(i.amount, Decimal::from(52_000_000));
        assert!(serde_json::from_value::<Money>(json!({"amount": "12,5"})).is_err());
    }
}

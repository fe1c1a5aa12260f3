//! Prefixed Bluum ids (`inv_…`, `fs_…`, `dep_…`) and the caller-supplied [`IdempotencyKey`].
//!
//! Bluum ids are opaque strings with a type prefix and a lowercase base32 body
//! (`inv_01j9x8m2k7qpzwv3t5r6y8n0ab`). Each kind gets its own newtype so an order id can never be
//! passed where a deposit id is expected, and parsing checks the prefix, so anything that comes
//! from outside (a URL, a form, a webhook) is validated before it reaches a Bluum path.
//! The body must be ASCII alphanumeric, which also makes ids safe to put in a URL path.
//!
//! Not prefixed (and so plain strings in the models): compliance workflow and check ids, asset
//! ids and a document's `owner_id`, which Bluum returns as raw UUIDs.

use std::fmt;
use std::str::FromStr;

/// Why a string is not a valid id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string does not start with the kind's prefix (e.g. `inv_`).
    #[error("expected an id starting with `{expected}`")]
    WrongPrefix { expected: &'static str },
    /// Nothing follows the prefix.
    #[error("the id after `{prefix}` is empty")]
    Empty { prefix: &'static str },
    /// The part after the prefix is too long or holds characters other than ASCII letters and digits.
    #[error("the id after `{prefix}` must be 1 to 64 ASCII letters or digits")]
    InvalidBody { prefix: &'static str },
}

/// Longest id body we accept; Bluum's are 26 characters, this leaves room without allowing junk.
const MAX_BODY_LEN: usize = 64;

fn check_prefixed(value: &str, prefix: &'static str) -> Result<(), IdError> {
    let body = value
        .strip_prefix(prefix)
        .ok_or(IdError::WrongPrefix { expected: prefix })?;
    if body.is_empty() {
        return Err(IdError::Empty { prefix });
    }
    if body.len() > MAX_BODY_LEN || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(IdError::InvalidBody { prefix });
    }
    Ok(())
}

/// Declares a prefixed id newtype: parsing (`FromStr`, `TryFrom<String>`, `Deserialize`) checks the
/// prefix; `Display`, `AsRef<str>` and `Serialize` give the plain string back.
macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Checks `value` and wraps it.
            pub fn parse(value: impl Into<String>) -> Result<Self, IdError> {
                let value = value.into();
                check_prefixed(&value, $prefix)?;
                Ok(Self(value))
            }

            /// The id as Bluum spells it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

prefixed_id!(
    /// An investor (`inv_…`): the account every other resource hangs off.
    InvestorId, "inv_"
);
prefixed_id!(
    /// A linked bank account (`fs_…`).
    FundingSourceId, "fs_"
);
prefixed_id!(
    /// A deposit into a wallet (`dep_…`).
    DepositId, "dep_"
);
prefixed_id!(
    /// A withdrawal from a wallet (`wd_…`).
    WithdrawalId, "wd_"
);
prefixed_id!(
    /// An order (`ord_…`).
    OrderId, "ord_"
);
prefixed_id!(
    /// A position (`pos_…`).
    PositionId, "pos_"
);
prefixed_id!(
    /// An uploaded document (`doc_…`).
    DocumentId, "doc_"
);
prefixed_id!(
    /// A webhook registration (`wh_…`).
    WebhookId, "wh_"
);
prefixed_id!(
    /// A cash wallet (`wlt_…`).
    WalletId, "wlt_"
);
prefixed_id!(
    /// A wallet transaction (`txn_…`).
    TransactionId, "txn_"
);

/// The value of the `Idempotency-Key` header on deposits, withdrawals and orders.
///
/// The caller creates it once per user intent and stores it with that intent, so a retry (ours
/// after a timeout, or the user's after a network error) sends the same key and Bluum returns
/// the original result instead of moving money twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

/// Why a string cannot be an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an idempotency key must be 1 to 255 visible ASCII characters")]
pub struct InvalidIdempotencyKey;

impl IdempotencyKey {
    /// Longest key accepted; keeps the header sane.
    pub const MAX_LEN: usize = 255;

    /// A fresh random key (UUID v4).
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// Wraps a key that was stored earlier; it must be usable as an HTTP header value.
    pub fn parse(value: impl Into<String>) -> Result<Self, InvalidIdempotencyKey> {
        let value = value.into();
        let valid = !value.is_empty()
            && value.len() <= Self::MAX_LEN
            && value.bytes().all(|b| b.is_ascii_graphic());
        if valid {
            Ok(Self(value))
        } else {
            Err(InvalidIdempotencyKey)
        }
    }

    /// The key as sent in the header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = InvalidIdempotencyKey;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<IdempotencyKey> for String {
    fn from(key: IdempotencyKey) -> String {
        key.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ids_with_their_own_prefix() {
        let id: InvestorId = "inv_01j9x8m2k7qpzwv3t5r6y8n0ab".parse().unwrap();
        assert_eq!(id.as_str(), "inv_01j9x8m2k7qpzwv3t5r6y8n0ab");
        assert_eq!(id.to_string(), "inv_01j9x8m2k7qpzwv3t5r6y8n0ab");
        assert!(FundingSourceId::parse("fs_abc123").is_ok());
        assert!(DepositId::parse("dep_abc123").is_ok());
        assert!(WithdrawalId::parse("wd_abc123").is_ok());
        assert!(OrderId::parse("ord_abc123").is_ok());
        assert!(PositionId::parse("pos_abc123").is_ok());
        assert!(DocumentId::parse("doc_abc123").is_ok());
        assert!(WebhookId::parse("wh_abc123").is_ok());
        assert!(WalletId::parse("wlt_abc123").is_ok());
        assert!(TransactionId::parse("txn_abc123").is_ok());
    }

    #[test]
    fn rejects_a_wrong_prefix() {
        assert_eq!(
            OrderId::parse("dep_01j9x8m2k7qpzwv3t5r6y8n0ab"),
            Err(IdError::WrongPrefix { expected: "ord_" })
        );
        // A withdrawal id is not a wallet id even though both start with `w`.
        assert!(WalletId::parse("wd_abc").is_err());
        assert!(WithdrawalId::parse("wdr_abc").is_err());
        // Raw UUIDs are rejected on the external surface.
        assert!(InvestorId::parse("3f2b6c1e-9a8d-4c7b-8e5f-1a2b3c4d5e6f").is_err());
    }

    #[test]
    fn rejects_empty_or_unsafe_bodies() {
        assert_eq!(
            InvestorId::parse("inv_"),
            Err(IdError::Empty { prefix: "inv_" })
        );
        for bad in ["inv_../admin", "inv_a/b", "inv_a b", "inv_a?x=1", "inv_é"] {
            assert_eq!(
                InvestorId::parse(bad),
                Err(IdError::InvalidBody { prefix: "inv_" }),
                "{bad}"
            );
        }
        assert!(InvestorId::parse(format!("inv_{}", "a".repeat(65))).is_err());
    }

    #[test]
    fn serde_is_a_plain_string_and_deserialize_validates() {
        let id = DepositId::parse("dep_01abc").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"dep_01abc\"");
        let back: DepositId = serde_json::from_str("\"dep_01abc\"").unwrap();
        assert_eq!(back, id);
        let err = serde_json::from_str::<DepositId>("\"wd_01abc\"").unwrap_err();
        assert!(err.to_string().contains("dep_"), "{err}");
    }

    #[test]
    fn idempotency_keys_are_header_safe() {
        let key = IdempotencyKey::generate();
        assert_eq!(key.as_str().len(), 36);
        assert_ne!(key, IdempotencyKey::generate());
        assert!(IdempotencyKey::parse("dep-5f0c").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse("line\nbreak").is_err());
        assert!(IdempotencyKey::parse("k".repeat(256)).is_err());
    }
}

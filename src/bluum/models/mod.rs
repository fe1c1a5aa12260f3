//! Request and response types for the Bluum API, one module per domain.
//!
//! Conventions shared by every module:
//! - Money, prices and quantities are [`rust_decimal::Decimal`]: sent as strings, read from
//!   strings or JSON numbers (market data uses numbers).
//! - Status and type fields are "string enums" with an `Unknown(String)` fallback (see
//!   [`string_enum!`]), so a value Bluum adds tomorrow shows up as itself instead of failing a page.
//! - Fields Bluum may omit are `Option` or `#[serde(default)]`; unknown fields are ignored.
//! - Older response wrappers (`{data:…}`, `{status:"success",data:…}`, bare arrays, named lists)
//!   are accepted by [`common::unwrap_legacy`] and [`common::List`].

/// Declares a string enum that never fails to decode: known values match case-insensitively
/// (Bluum mixes `active` and `ACTIVE` across generations; `|` lists alternative spellings such
/// as `canceled`), anything else is kept in `Unknown(String)`. Serializes to the canonical
/// spelling, so the same type works for query filters and request bodies.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this client does not know yet, kept as Bluum sent it.
            Unknown(String),
        }

        impl $name {
            /// The spelling Bluum uses (or the raw value for `Unknown`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(raw) => raw,
                }
            }

            /// Reads a wire value; never fails.
            pub fn from_wire(raw: &str) -> Self {
                $(
                    if raw.eq_ignore_ascii_case($wire) $(|| raw.eq_ignore_ascii_case($alias))* {
                        return Self::$variant;
                    }
                )+
                Self::Unknown(raw.to_owned())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(&raw))
            }
        }
    };
}

pub mod assets;
pub mod common;
pub mod documents;
pub mod funding_sources;
pub mod investors;
pub mod orders;
pub mod positions;
pub mod transfers;
pub mod wallets;
pub mod webhooks;

pub use assets::*;
pub use common::*;
pub use documents::*;
pub use funding_sources::*;
pub use investors::*;
pub use orders::*;
pub use positions::*;
pub use transfers::*;
pub use wallets::*;
pub use webhooks::*;

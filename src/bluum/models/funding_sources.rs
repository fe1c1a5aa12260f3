//! Linked bank accounts ("funding sources"): Plaid linking and manual bank details.
//!
//! Endpoints: `POST /investors/{investor_id}/funding-sources/plaid/link-token`,
//! `POST /investors/{investor_id}/funding-sources/connect` (plaid or manual),
//! `GET /investors/{investor_id}/funding-sources[/{id}]`,
//! `DELETE /investors/{investor_id}/funding-sources/{id}?type=`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::common::{ts, ResourceMeta, Sensitive};
use crate::bluum::ids::FundingSourceId;

string_enum! {
    /// How the account was linked. Also the `type` filter, where `all` is accepted.
    pub enum FundingSourceType {
        Plaid = "plaid",
        Manual = "manual",
        All = "all",
    }
}

string_enum! {
    pub enum FundingSourceStatus {
        Active = "active",
        Disconnected = "disconnected" | "inactive",
        Error = "error",
    }
}

string_enum! {
    pub enum BankAccountType {
        Checking = "CHECKING",
        Savings = "SAVINGS",
    }
}

/// Body of `POST …/funding-sources/plaid/link-token`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkTokenRequest {
    /// Ask for a Plaid hosted-link URL (no SDK needed, good on mobile).
    pub enable_hosted_link: bool,
}

/// A Plaid Link token. Decodes `{link_token, hosted_link_url}`, the same with a `status` field,
/// and the Gen B `{status:"success", data:{…}}` wrapper (through [`super::decode`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct LinkToken {
    #[serde(alias = "linkToken")]
    pub link_token: String,
    #[serde(default, alias = "hostedLinkUrl")]
    pub hosted_link_url: Option<String>,
}

/// Manual bank details for `POST …/funding-sources/connect` with `type: "manual"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ManualFundingSourceRequest {
    pub bank_name: String,
    pub account_holder_name: String,
    /// At least 4 characters; redacted in `Debug`.
    pub account_number: Sensitive,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_account_type: Option<BankAccountType>,
    /// 9-digit ABA routing number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swift_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beneficiary_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// Body of `POST …/funding-sources/connect`, discriminated on `type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConnectFundingSourceRequest {
    /// Exchange a Plaid Link `public_token` (single use: never retried).
    Plaid { public_token: Sensitive },
    /// Bank details typed in by the user.
    Manual(ManualFundingSourceRequest),
}

/// A linked bank account. Gen B camelCase names are accepted as aliases.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct FundingSource {
    pub id: FundingSourceId,
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(rename = "type", default)]
    pub kind: Option<FundingSourceType>,
    pub status: FundingSourceStatus,
    #[serde(
        default,
        alias = "bankName",
        alias = "institution_name",
        alias = "institutionName"
    )]
    pub bank_name: Option<String>,
    /// Last four digits (the journey example calls it `account_mask`).
    #[serde(default, alias = "account_mask")]
    pub mask: Option<String>,
    /// The Plaid item id.
    #[serde(default, alias = "providerId")]
    pub provider_id: Option<String>,
    #[serde(default, alias = "accountName")]
    pub account_name: Option<String>,
    /// e.g. `depository`.
    #[serde(default, alias = "accountType")]
    pub account_type: Option<String>,
    /// e.g. `checking`, `savings`.
    #[serde(default, alias = "accountSubtype")]
    pub account_subtype: Option<String>,
    #[serde(default, alias = "accountHolderName")]
    pub account_holder_name: Option<String>,
    /// Redacted in `Debug`; prefer `mask` for display.
    #[serde(default, alias = "accountNumber")]
    pub account_number: Option<Sensitive>,
    #[serde(default, alias = "routingNumber")]
    pub routing_number: Option<String>,
    #[serde(default, alias = "swiftCode")]
    pub swift_code: Option<String>,
    #[serde(default)]
    pub iban: Option<Sensitive>,
    #[serde(default, alias = "bankCode")]
    pub bank_code: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub wire_payout_complete: Option<bool>,
    #[serde(default, alias = "updatedAt", with = "ts")]
    pub updated_at: Option<OffsetDateTime>,
}

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
    Manual(Box<ManualFundingSourceRequest>),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::{decode, List};

    const SOURCE: &str = r#"{"id": "fs_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "funding_source",
        "created": 1718455800, "livemode": false, "metadata": {}, "type": "plaid",
        "status": "active", "bank_name": "First Platypus Bank", "mask": "0000",
        "provider_id": "item_123", "account_name": "Plaid Checking", "account_type": "depository",
        "account_subtype": "checking", "account_holder_name": null, "account_number": null,
        "routing_number": null, "swift_code": null, "iban": null, "wire_routing_kind": null,
        "bank_code": null, "beneficiary_address": null, "address_line_1": null,
        "payout_country": null, "payout_currency": null, "payout_city": null,
        "payout_region": null, "payout_postal_code": null, "wire_payout_complete": false,
        "currency": "USD", "country": "US", "updated_at": "2025-06-15T14:30:00Z"}"#;

    #[test]
    fn decodes_a_single_funding_source() {
        let fs: FundingSource = decode(SOURCE.as_bytes()).unwrap();
        assert_eq!(fs.id.as_str(), "fs_01j9x8m2k7qpzwv3t5r6y8n0ab");
        assert_eq!(fs.kind, Some(FundingSourceType::Plaid));
        assert_eq!(fs.status, FundingSourceStatus::Active);
        assert_eq!(fs.mask.as_deref(), Some("0000"));
        assert_eq!(fs.account_subtype.as_deref(), Some("checking"));
    }

    #[test]
    fn decodes_the_plaid_connect_list_and_a_gen_b_list() {
        let body =
            format!(r#"{{"object":"list","url":"/v1/x","has_more":false,"data":[{SOURCE}]}}"#);
        let list: List<FundingSource> = decode(body.as_bytes()).unwrap();
        assert_eq!(list.len(), 1);
        let gen_b = format!(r#"{{"status":"success","data":[{SOURCE}],"count":1}}"#);
        let list: List<FundingSource> = decode(gen_b.as_bytes()).unwrap();
        assert_eq!(list.total, Some(1));
    }

    #[test]
    fn manual_source_with_journey_field_names() {
        let fs: FundingSource = decode(
            br#"{"id":"fs_02","type":"manual","status":"disconnected","bank_name":"Access Bank",
                 "account_mask":"6789","account_holder_name":"Ada Lovelace",
                 "account_number":"0123456789","bank_code":"044","currency":"NGN","country":"NG"}"#,
        )
        .unwrap();
        assert_eq!(fs.status, FundingSourceStatus::Disconnected);
        assert_eq!(fs.mask.as_deref(), Some("6789"));
        assert!(!format!("{fs:?}").contains("0123456789"));
    }

    #[test]
    fn link_token_in_three_shapes() {
        let expected = LinkToken {
            link_token: "link-sandbox-af1a0311-da53-4636-b754-dd15cc058176".into(),
            hosted_link_url: None,
        };
        for body in [
            r#"{"link_token":"link-sandbox-af1a0311-da53-4636-b754-dd15cc058176","hosted_link_url":null}"#,
            r#"{"status":"success","link_token":"link-sandbox-af1a0311-da53-4636-b754-dd15cc058176","hosted_link_url":null}"#,
            r#"{"status":"success","data":{"link_token":"link-sandbox-af1a0311-da53-4636-b754-dd15cc058176","hosted_link_url":null}}"#,
        ] {
            assert_eq!(
                decode::<LinkToken>(body.as_bytes()).unwrap(),
                expected,
                "{body}"
            );
        }
    }

    #[test]
    fn connect_requests_are_tagged_by_type() {
        let plaid = ConnectFundingSourceRequest::Plaid {
            public_token: Sensitive::new("public-sandbox-123"),
        };
        assert_eq!(
            serde_json::to_value(&plaid).unwrap(),
            serde_json::json!({"type": "plaid", "public_token": "public-sandbox-123"})
        );
        assert!(!format!("{plaid:?}").contains("public-sandbox-123"));
        let manual = ConnectFundingSourceRequest::Manual(Box::new(ManualFundingSourceRequest {
            bank_name: "Chase".into(),
            account_holder_name: "Ada Lovelace".into(),
            account_number: Sensitive::new("000123456789"),
            bank_account_type: Some(BankAccountType::Checking),
            routing_number: Some("021000021".into()),
            ..Default::default()
        }));
        let body = serde_json::to_value(&manual).unwrap();
        assert_eq!(body["type"], "manual");
        assert_eq!(body["account_number"], "000123456789");
        assert_eq!(body["bank_account_type"], "CHECKING");
        assert!(body.get("swift_code").is_none());
        assert!(!format!("{manual:?}").contains("000123456789"));
    }
}

//! Deposits into and withdrawals out of an investor's wallet.
//!
//! Endpoints (all send `Idempotency-Key` on create):
//! `POST|GET /investors/{investor_id}/deposits`, `GET …/deposits/{deposit_id}`,
//! `POST …/deposits/{deposit_id}/cancel`, and the same four for `withdrawals`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};
use time::{Date, OffsetDateTime};

use super::common::{date, ts, ResourceMeta};
use crate::bluum::ids::{DepositId, FundingSourceId, InvestorId, WalletId, WithdrawalId};

string_enum! {
    /// The payment rail. Gen B's `ach_plaid` is the same as `ach`.
    pub enum TransferMethod {
        Ach = "ach" | "ach_plaid",
        ManualBankTransfer = "manual_bank_transfer",
        Wire = "wire",
        InternationalWire = "international_wire",
        Card = "card",
    }
}

string_enum! {
    /// Transfer status. Responses use `pending, processing, completed, cancelled, failed`;
    /// filters and older responses also use the internal lifecycle (`received`, `submitted`,
    /// `expired`) and spell cancelled `canceled`. Both spellings decode to `Cancelled`.
    pub enum TransferStatus {
        Pending = "pending",
        Processing = "processing",
        Received = "received",
        Submitted = "submitted",
        Completed = "completed",
        Cancelled = "cancelled" | "canceled",
        Failed = "failed",
        Expired = "expired",
    }
}

impl TransferStatus {
    /// Still able to change (and, while `Pending`, to be cancelled).
    pub fn is_open(&self) -> bool {
        matches!(
            self,
            Self::Pending | Self::Processing | Self::Received | Self::Submitted
        )
    }

    /// The spelling list filters expect (the internal vocabulary: `canceled`).
    pub fn filter_value(&self) -> &str {
        match self {
            Self::Cancelled => "canceled",
            other => other.as_str(),
        }
    }
}

/// Serializes a status filter with [`TransferStatus::filter_value`].
fn serialize_status_filter<S: Serializer>(
    status: &Option<TransferStatus>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match status {
        Some(status) => serializer.serialize_str(status.filter_value()),
        None => serializer.serialize_none(),
    }
}

/// Body of `POST /investors/{investor_id}/deposits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateDepositRequest {
    /// Positive, at most 2 decimal places.
    pub amount: Decimal,
    /// ISO 4217; Bluum defaults to USD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    pub method: TransferMethod,
    /// Required for `ach`; ignored for manual and wire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding_source_id: Option<FundingSourceId>,
    /// At most 500 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// Body of `POST /investors/{investor_id}/withdrawals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateWithdrawalRequest {
    /// Positive, at most 2 decimal places.
    pub amount: Decimal,
    pub method: TransferMethod,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Required for every method; wire payouts use the source's beneficiary profile.
    pub funding_source_id: FundingSourceId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Bluum's receiving account, shown to the user for a manual bank transfer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct BankDetails {
    #[serde(default, alias = "bankName")]
    pub bank_name: Option<String>,
    #[serde(default, alias = "bankAddress")]
    pub bank_address: Option<String>,
    #[serde(default, alias = "accountName")]
    pub account_name: Option<String>,
    #[serde(default, alias = "accountNumber")]
    pub account_number: Option<String>,
    #[serde(default, alias = "routingNumber")]
    pub routing_number: Option<String>,
    #[serde(default, alias = "swiftCode")]
    pub swift_code: Option<String>,
    #[serde(default, alias = "accountKind")]
    pub account_kind: Option<String>,
    #[serde(default, alias = "beneficiaryAddress")]
    pub beneficiary_address: Option<String>,
    #[serde(default)]
    pub instructions: Option<String>,
}

/// One wire route (`payment_type: "swift_wire"`…) for a wire deposit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct WireFundingDetail {
    #[serde(default, alias = "paymentType")]
    pub payment_type: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default, alias = "accountNumber")]
    pub account_number: Option<String>,
    #[serde(default, alias = "routingCode")]
    pub routing_code: Option<String>,
    #[serde(default, alias = "bankName")]
    pub bank_name: Option<String>,
}

/// Rail-specific details; which fields are set depends on the method:
/// ACH `{provider_name, transfer_id, alpaca_status}`, wire `{provider_name, funding_details[]}`,
/// manual `{reference_code, bank_details, expires_at}` (Gen B camelCase accepted).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct MethodDetails {
    #[serde(default, alias = "providerName")]
    pub provider_name: Option<String>,
    #[serde(default, alias = "transferId")]
    pub transfer_id: Option<String>,
    #[serde(default, alias = "alpacaStatus")]
    pub alpaca_status: Option<String>,
    #[serde(default, alias = "fundingDetails")]
    pub funding_details: Vec<WireFundingDetail>,
    /// Must go in the transfer memo of a manual bank transfer.
    #[serde(default, alias = "referenceCode")]
    pub reference_code: Option<String>,
    #[serde(default, alias = "bankDetails")]
    pub bank_details: Option<BankDetails>,
    #[serde(default, alias = "expiresAt", with = "ts")]
    pub expires_at: Option<OffsetDateTime>,
}

/// A deposit (`dep_…`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Deposit {
    pub id: DepositId,
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub investor_id: Option<InvestorId>,
    #[serde(default)]
    pub wallet_id: Option<WalletId>,
    #[serde(default)]
    pub funding_source_id: Option<FundingSourceId>,
    pub method: TransferMethod,
    pub status: TransferStatus,
    pub amount: Decimal,
    pub currency: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub method_details: Option<MethodDetails>,
    #[serde(default, with = "ts")]
    pub initiated_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub received_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub completed_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub failure_reason: Option<String>,
}

/// A withdrawal (`wd_…`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Withdrawal {
    pub id: WithdrawalId,
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub investor_id: Option<InvestorId>,
    #[serde(default)]
    pub wallet_id: Option<WalletId>,
    /// Kept as Bluum sent it: withdrawals accept an `fs_…` id or a raw UUID.
    #[serde(default)]
    pub funding_source_id: Option<String>,
    pub method: TransferMethod,
    pub status: TransferStatus,
    pub amount: Decimal,
    pub currency: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub method_details: Option<MethodDetails>,
    #[serde(default)]
    pub destination_details: Option<serde_json::Value>,
    #[serde(default, with = "ts")]
    pub initiated_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub completed_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub failure_reason: Option<String>,
}

/// Filters of `GET …/deposits` and `GET …/withdrawals`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TransferQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<TransferMethod>,
    #[serde(
        serialize_with = "serialize_status_filter",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<TransferStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(with = "date", skip_serializing_if = "Option::is_none")]
    pub date_from: Option<Date>,
    #[serde(with = "date", skip_serializing_if = "Option::is_none")]
    pub date_to: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::{decode, List};
    use std::str::FromStr;

    #[test]
    fn decodes_a_manual_deposit_with_instructions() {
        let json = r#"{"id": "dep_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "deposit", "created": 1718455800,
            "livemode": false, "metadata": {}, "investor_id": "inv_01abc", "wallet_id": "wlt_01abc",
            "funding_source_id": null, "method": "manual_bank_transfer", "status": "pending",
            "amount": "250.00", "currency": "USD", "description": "First deposit",
            "method_details": {"reference_code": "BLUUM-ABC123XY",
                "bank_details": {"bank_name": "Choice Financial Group", "bank_address": "4501 23rd Avenue S, Fargo, ND",
                    "account_name": "Bluum Finance FBO", "account_number": "202512345678",
                    "routing_number": "091311229", "swift_code": "CHFGUS44021",
                    "instructions": "Include reference code BLUUM-ABC123XY in your transfer memo"},
                "expires_at": "2025-06-22T14:30:00Z"},
            "initiated_at": "2025-06-15T14:30:00Z", "received_at": null, "completed_at": null,
            "expires_at": "2025-06-22T14:30:00Z", "failure_reason": null, "deposit_id": "dep_01j9x8m2k7qpzwv3t5r6y8n0ab"}"#;
        let dep: Deposit = decode(json.as_bytes()).unwrap();
        assert_eq!(dep.method, TransferMethod::ManualBankTransfer);
        assert_eq!(dep.status, TransferStatus::Pending);
        assert!(dep.status.is_open());
        assert_eq!(dep.amount, Decimal::from_str("250.00").unwrap());
        let details = dep.method_details.unwrap();
        assert_eq!(details.reference_code.as_deref(), Some("BLUUM-ABC123XY"));
        let bank = details.bank_details.unwrap();
        assert_eq!(bank.routing_number.as_deref(), Some("091311229"));
        assert_eq!(bank.bank_name.as_deref(), Some("Choice Financial Group"));
        assert!(details.expires_at.is_some());
    }

    #[test]
    fn decodes_ach_and_gen_b_camel_case_details() {
        let ach: Deposit = decode(
            br#"{"id":"dep_02","method":"ach","status":"processing","amount":"100.00","currency":"USD",
                 "funding_source_id":"fs_01","method_details":{"provider_name":"alpaca","transfer_id":"t-1","alpaca_status":"QUEUED"}}"#,
        )
        .unwrap();
        assert_eq!(ach.funding_source_id.unwrap().as_str(), "fs_01");
        assert_eq!(
            ach.method_details.unwrap().alpaca_status.as_deref(),
            Some("QUEUED")
        );

        let gen_b: List<Deposit> = decode(
            br#"{"deposits":[{"id":"dep_03","method":"ach_plaid","status":"received","amount":"5","currency":"USD",
                 "method_details":{"referenceCode":"BLUUM-Z","bankDetails":{"bankName":"Choice","accountKind":"checking"}}}],"total":1}"#,
        )
        .unwrap();
        let dep = &gen_b.data[0];
        assert_eq!(dep.method, TransferMethod::Ach);
        assert_eq!(dep.status, TransferStatus::Received);
        let details = dep.method_details.as_ref().unwrap();
        assert_eq!(details.reference_code.as_deref(), Some("BLUUM-Z"));
        assert_eq!(
            details
                .bank_details
                .as_ref()
                .unwrap()
                .account_kind
                .as_deref(),
            Some("checking")
        );
    }

    #[test]
    fn status_vocabularies() {
        assert_eq!(
            TransferStatus::from_wire("cancelled"),
            TransferStatus::Cancelled
        );
        assert_eq!(
            TransferStatus::from_wire("canceled"),
            TransferStatus::Cancelled
        );
        assert_eq!(
            TransferStatus::from_wire("CANCELED"),
            TransferStatus::Cancelled
        );
        assert_eq!(
            TransferStatus::from_wire("received"),
            TransferStatus::Received
        );
        assert_eq!(
            TransferStatus::from_wire("expired"),
            TransferStatus::Expired
        );
        assert_eq!(
            TransferStatus::from_wire("returned"),
            TransferStatus::Unknown("returned".into())
        );
        assert!(!TransferStatus::Completed.is_open());
        assert_eq!(TransferStatus::Cancelled.filter_value(), "canceled");
        assert_eq!(
            serde_json::to_string(&TransferStatus::Cancelled).unwrap(),
            "\"cancelled\""
        );
    }

    #[test]
    fn decodes_a_withdrawal() {
        let json = r#"{"id": "wd_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "withdrawal", "created": 1718455800,
            "livemode": false, "metadata": {}, "investor_id": "inv_01abc", "wallet_id": "wlt_01abc",
            "funding_source_id": "fs_01abc", "method": "ach", "status": "canceled", "amount": "75.25",
            "currency": "USD", "description": null,
            "method_details": {"provider_name": "alpaca", "transfer_id": "t-9", "alpaca_status": "CANCELED"},
            "destination_details": null, "initiated_at": "2025-06-15T14:30:00Z",
            "completed_at": null, "failure_reason": null}"#;
        let wd: Withdrawal = decode(json.as_bytes()).unwrap();
        assert_eq!(wd.id.as_str(), "wd_01j9x8m2k7qpzwv3t5r6y8n0ab");
        assert_eq!(wd.status, TransferStatus::Cancelled);
        assert_eq!(wd.amount, Decimal::from_str("75.25").unwrap());
        assert_eq!(wd.funding_source_id.as_deref(), Some("fs_01abc"));
    }

    #[test]
    fn deposit_request_body() {
        let req = CreateDepositRequest {
            amount: Decimal::from_str("100.50").unwrap(),
            currency: Some("USD".into()),
            method: TransferMethod::Ach,
            funding_source_id: Some("fs_01abc".parse().unwrap()),
            description: None,
            metadata: BTreeMap::new(),
        };
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::json!({"amount": "100.50", "currency": "USD", "method": "ach", "funding_source_id": "fs_01abc"})
        );
    }
}

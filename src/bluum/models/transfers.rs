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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// Body of `POST /investors/{investor_id}/withdrawals`.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

//! Cash wallets and the transactions that move money in and out of them.
//!
//! Endpoints: `GET /investors/{investor_id}/wallets`, `GET /investors/{investor_id}/transactions`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::common::{date, ts, ResourceMeta};
use crate::bluum::ids::{InvestorId, TransactionId, WalletId};

string_enum! {
    pub enum WalletStatus {
        Active = "active",
        Suspended = "suspended",
        Closed = "closed",
    }
}

/// One currency wallet. `balance = available_balance + reserved_balance`; the reserve holds
/// money for in-flight orders and withdrawals.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Wallet {
    pub id: WalletId,
    #[serde(flatten)]
    pub meta: ResourceMeta,
    pub currency: String,
    pub balance: Decimal,
    #[serde(default)]
    pub available_balance: Option<Decimal>,
    #[serde(default)]
    pub reserved_balance: Option<Decimal>,
    #[serde(default)]
    pub cash_withdrawable: Option<Decimal>,
    #[serde(default)]
    pub buying_power: Option<Decimal>,
    #[serde(default)]
    pub equity: Option<Decimal>,
    #[serde(default)]
    pub status: Option<WalletStatus>,
}

string_enum! {
    pub enum TransactionType {
        Deposit = "deposit",
        Withdrawal = "withdrawal",
        Buy = "buy",
        Sell = "sell",
        Activity = "activity",
        Fee = "fee",
    }
}

string_enum! {
    /// Transaction status; both spellings of cancelled are accepted.
    pub enum TransactionStatus {
        Pending = "pending",
        Processing = "processing",
        Completed = "completed",
        Cancelled = "cancelled" | "canceled",
        Failed = "failed",
    }
}

/// A cash movement: funding, trade settlement or account activity (dividends, fees…).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Transaction {
    pub id: TransactionId,
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub investor_id: Option<InvestorId>,
    #[serde(default)]
    pub wallet_id: Option<WalletId>,
    #[serde(rename = "type")]
    pub kind: TransactionType,
    pub status: TransactionStatus,
    pub amount: Decimal,
    pub currency: String,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub balance_before: Option<Decimal>,
    #[serde(default)]
    pub balance_after: Option<Decimal>,
    #[serde(default, with = "ts")]
    pub completed_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub failed_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub failure_reason: Option<String>,
}

/// Query of `GET /investors/{investor_id}/transactions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TransactionQuery {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<TransactionType>,
    /// Comma-separated activity tags (`FIMAT,CDIV`); only with `type=activity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TransactionStatus>,
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

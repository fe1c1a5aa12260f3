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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::{decode, List};
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn decodes_a_wallet_list() {
        let json = r#"{"object": "list", "url": "/v1/investors/inv_01abc/wallets", "has_more": false, "data": [
            {"id": "wlt_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "wallet", "created": 1718455800,
             "livemode": false, "metadata": {}, "currency": "USD", "balance": "1500.00",
             "available_balance": "1250.00", "reserved_balance": "250.00",
             "cash_withdrawable": "1250.00", "buying_power": "1250.00", "equity": "3280.50",
             "status": "active"}
        ]}"#;
        let wallets: List<Wallet> = decode(json.as_bytes()).unwrap();
        let w = &wallets.data[0];
        assert_eq!(w.id.as_str(), "wlt_01j9x8m2k7qpzwv3t5r6y8n0ab");
        assert_eq!(w.balance, dec("1500.00"));
        assert_eq!(
            w.available_balance.unwrap() + w.reserved_balance.unwrap(),
            w.balance
        );
        assert_eq!(w.status, Some(WalletStatus::Active));
        // Scale survives the round trip: "1500.00" stays "1500.00".
        assert_eq!(serde_json::to_value(w).unwrap()["balance"], "1500.00");
    }

    #[test]
    fn decodes_transactions_in_every_list_shape() {
        let item = r#"{"id": "txn_01abc", "object": "transaction", "created": 1718455800,
            "livemode": false, "metadata": {}, "investor_id": "inv_01abc", "wallet_id": "wlt_01abc",
            "type": "deposit", "status": "completed", "amount": "500.00", "currency": "USD",
            "method": "ach", "description": "ACH deposit", "balance_before": "1000.00",
            "balance_after": "1500.00", "completed_at": "2025-06-15T14:35:00Z",
            "failed_at": null, "failure_reason": null}"#;
        for body in [
            format!(r#"{{"object":"list","url":"/v1/x","has_more":false,"data":[{item}]}}"#),
            format!("[{item}]"),
            format!(r#"{{"data":[{item}]}}"#),
            format!(r#"{{"transactions":[{item}]}}"#),
        ] {
            let list: List<Transaction> = decode(body.as_bytes()).unwrap();
            let t = &list.data[0];
            assert_eq!(t.kind, TransactionType::Deposit);
            assert_eq!(t.status, TransactionStatus::Completed);
            assert_eq!(t.amount, dec("500.00"));
            assert_eq!(t.balance_after, Some(dec("1500.00")));
        }
    }

    #[test]
    fn unknown_transaction_type_is_kept() {
        let t: Transaction = decode(
            br#"{"id":"txn_1","type":"journal","status":"canceled","amount":"1","currency":"USD"}"#,
        )
        .unwrap();
        assert_eq!(t.kind, TransactionType::Unknown("journal".into()));
        assert_eq!(t.status, TransactionStatus::Cancelled);
    }
}

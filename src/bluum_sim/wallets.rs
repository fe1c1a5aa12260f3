//! Wallets and the transaction ledger (fact sheet §2.4):
//! `GET /investors/{id}/wallets`, `GET /investors/{id}/transactions`.
//!
//! Each investor has one USD wallet. Money is either available or reserved by a hold (a
//! pending withdrawal or an open buy order); `balance = available_balance + reserved_balance`.
//! Every movement that changes the balance (deposit, withdrawal, buy, sell) writes a
//! `transaction`; holds themselves are not listed, as on Bluum.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::api::{self, fail, money, respond, wire, ApiResult, Meta, Page};
use super::state::{Sim, World};
use super::store::Record;
use super::{ids, trading};

/// Funds set aside for an in-flight withdrawal or order, by the id of that resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hold {
    pub reference: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WalletSim {
    pub holds: Vec<Hold>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wallet {
    #[serde(flatten)]
    pub meta: Meta,
    pub investor_id: String,
    pub currency: String,
    pub available_balance: Decimal,
    pub reserved_balance: Decimal,
    pub status: String,
    #[serde(rename = "_sim", default)]
    pub sim: WalletSim,
}

impl Record for Wallet {
    const KIND: &'static str = "wallet";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transaction {
    #[serde(flatten)]
    pub meta: Meta,
    pub investor_id: String,
    pub wallet_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub amount: Decimal,
    pub currency: String,
    pub method: Option<String>,
    pub description: String,
    pub reference_id: String,
    pub balance_before: Decimal,
    pub balance_after: Decimal,
    pub completed_at: Option<String>,
    pub failed_at: Option<String>,
    pub failure_reason: Option<String>,
}

impl Record for Transaction {
    const KIND: &'static str = "transaction";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

/// The wallet numbers an investor and its wallet show.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub balance: Decimal,
    pub available: Decimal,
    pub reserved: Decimal,
    pub cash_withdrawable: Decimal,
    pub buying_power: Decimal,
    pub equity: Decimal,
}

pub fn wallet_of<'a>(world: &'a World, investor_id: &str) -> Option<&'a Wallet> {
    world
        .wallets
        .values()
        .find(|w| w.investor_id == investor_id)
}

pub fn figures(world: &World, investor_id: &str) -> Figures {
    let (available, reserved) = wallet_of(world, investor_id)
        .map_or((Decimal::ZERO, Decimal::ZERO), |w| {
            (w.available_balance, w.reserved_balance)
        });
    let balance = available + reserved;
    Figures {
        balance: money(balance),
        available: money(available),
        reserved: money(reserved),
        cash_withdrawable: money(available),
        buying_power: money(available),
        equity: money(
            balance + trading::market_value(world, investor_id, OffsetDateTime::now_utc()),
        ),
    }
}

fn view(world: &World, wallet: &Wallet) -> Value {
    let f = figures(world, &wallet.investor_id);
    let mut value = wire(wallet);
    if let Value::Object(map) = &mut value {
        map.insert("balance".into(), json!(f.balance));
        map.insert("available_balance".into(), json!(f.available));
        map.insert("reserved_balance".into(), json!(f.reserved));
        map.insert("cash_withdrawable".into(), json!(f.cash_withdrawable));
        map.insert("buying_power".into(), json!(f.buying_power));
        map.insert("equity".into(), json!(f.equity));
    }
    value
}

/// Opens the investor's USD wallet (at investor creation, `now`).
pub fn open(world: &mut World, investor_id: &str, now: OffsetDateTime) {
    world.put(Wallet {
        meta: Meta::new_at(ids::new_id_at("wlt", now), "wallet", Map::new(), now),
        investor_id: investor_id.to_owned(),
        currency: "USD".into(),
        available_balance: money(Decimal::ZERO),
        reserved_balance: money(Decimal::ZERO),
        status: "active".into(),
        sim: WalletSim::default(),
    });
}

fn wallet_mut(world: &World, investor_id: &str) -> ApiResult<Wallet> {
    wallet_of(world, investor_id)
        .cloned()
        .ok_or_else(|| fail::not_found("Wallet"))
}

/// What a ledger movement is, for its transaction row.
pub struct Movement<'a> {
    pub kind: &'a str,
    pub method: Option<&'a str>,
    pub description: String,
    pub reference: &'a str,
}

/// Writes the transaction of one movement of `amount` that took the balance from `before`
/// to `after`, completed at `now`. Returns its id.
pub fn record(
    world: &mut World,
    wallet: &Wallet,
    amount: Decimal,
    before: Decimal,
    after: Decimal,
    movement: Movement<'_>,
    now: OffsetDateTime,
) -> String {
    let txn = Transaction {
        meta: Meta::new_at(ids::new_id_at("txn", now), "transaction", Map::new(), now),
        investor_id: wallet.investor_id.clone(),
        wallet_id: wallet.meta.id.clone(),
        kind: movement.kind.to_owned(),
        status: "completed".into(),
        amount: money(amount),
        currency: wallet.currency.clone(),
        method: movement.method.map(str::to_owned),
        description: movement.description,
        reference_id: movement.reference.to_owned(),
        balance_before: money(before),
        balance_after: money(after),
        completed_at: Some(api::iso(now)),
        failed_at: None,
        failure_reason: None,
    };
    let id = txn.meta.id.clone();
    world.put(txn);
    id
}

/// Adds `amount` to the available balance (a deposit or a sale) at `now` and records it.
pub fn credit(
    world: &mut World,
    investor_id: &str,
    amount: Decimal,
    movement: Movement<'_>,
    now: OffsetDateTime,
) -> ApiResult<()> {
    let mut wallet = wallet_mut(world, investor_id)?;
    let before = wallet.available_balance + wallet.reserved_balance;
    wallet.available_balance += amount;
    let after = wallet.available_balance + wallet.reserved_balance;
    record(world, &wallet, amount, before, after, movement, now);
    world.put(wallet);
    Ok(())
}

/// Reserves `amount` for `reference`; `422 BLUM-422-001` when the available balance is short.
pub fn hold(
    world: &mut World,
    investor_id: &str,
    reference: &str,
    amount: Decimal,
) -> ApiResult<()> {
    let mut wallet = wallet_mut(world, investor_id)?;
    if amount > wallet.available_balance {
        return Err(fail::insufficient_funds(format!(
            "Insufficient funds: {} needed, {} available",
            money(amount),
            money(wallet.available_balance)
        )));
    }
    wallet.available_balance -= amount;
    wallet.reserved_balance += amount;
    wallet.sim.holds.push(Hold {
        reference: reference.to_owned(),
        amount,
    });
    world.put(wallet);
    Ok(())
}

fn take_hold(wallet: &mut Wallet, reference: &str) -> Decimal {
    let Some(pos) = wallet
        .sim
        .holds
        .iter()
        .position(|h| h.reference == reference)
    else {
        return Decimal::ZERO;
    };
    let hold = wallet.sim.holds.remove(pos);
    wallet.reserved_balance -= hold.amount;
    hold.amount
}

/// Returns the hold for `reference` to the available balance (cancel, failure).
pub fn release(world: &mut World, investor_id: &str, reference: &str) {
    if let Ok(mut wallet) = wallet_mut(world, investor_id) {
        let amount = take_hold(&mut wallet, reference);
        wallet.available_balance += amount;
        world.put(wallet);
    }
}

/// Spends `spend` out of the hold for `reference` (a completed withdrawal, a filled buy),
/// returns the rest of the hold (if any) to available, and records the movement. Any part
/// of `spend` beyond the hold comes from the available balance. Recorded at `now`.
pub fn capture(
    world: &mut World,
    investor_id: &str,
    reference: &str,
    spend: Decimal,
    movement: Movement<'_>,
    now: OffsetDateTime,
) -> ApiResult<()> {
    let mut wallet = wallet_mut(world, investor_id)?;
    let before = wallet.available_balance + wallet.reserved_balance;
    let held = take_hold(&mut wallet, reference);
    wallet.available_balance += held - spend;
    let after = wallet.available_balance + wallet.reserved_balance;
    record(world, &wallet, spend, before, after, movement, now);
    world.put(wallet);
    Ok(())
}

/// `GET /investors/{investor_id}/wallets`
pub async fn list(State(sim): State<Sim>, Path(investor_id): Path<String>) -> ApiResult<Response> {
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let items: Vec<Value> = world
        .of_investor::<Wallet>(&investor_id)
        .map(|w| view(&world, w))
        .collect();
    let url = format!("/v1/investors/{investor_id}/wallets");
    Ok(respond(
        StatusCode::OK,
        api::list(
            &url,
            items,
            Page {
                limit: api::MAX_LIMIT,
                offset: 0,
            },
        ),
    ))
}

const TRANSACTION_TYPES: &[&str] = &["deposit", "withdrawal", "buy", "sell", "activity"];

/// `GET /investors/{investor_id}/transactions` (filters `type`, `status`, `currency`,
/// `date_from`, `date_to`; `limit`/`offset`).
pub async fn transactions(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let page = Page::from_query(&query)?;
    if let Some(kind) = query.get("type") {
        if !TRANSACTION_TYPES.contains(&kind.as_str()) {
            return Err(fail::enumeration("type", TRANSACTION_TYPES));
        }
    }
    api::check_date_filters(&query)?;
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let items = world
        .of_investor::<Transaction>(&investor_id)
        .filter(|t| query.get("type").is_none_or(|k| *k == t.kind))
        .filter(|t| query.get("status").is_none_or(|s| *s == t.status))
        .filter(|t| {
            query
                .get("currency")
                .is_none_or(|c| c.eq_ignore_ascii_case(&t.currency))
        })
        .filter(|t| {
            let day = t
                .completed_at
                .as_deref()
                .unwrap_or("")
                .get(..10)
                .unwrap_or("");
            query
                .get("date_from")
                .is_none_or(|from| day >= from.as_str())
                && query.get("date_to").is_none_or(|to| day <= to.as_str())
        })
        .map(wire)
        .collect();
    let url = format!("/v1/investors/{investor_id}/transactions");
    Ok(respond(StatusCode::OK, api::list(&url, items, page)))
}

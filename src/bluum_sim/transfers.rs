//! Deposits and withdrawals (fact sheet §2.6, §2.7):
//! `POST/GET /investors/{id}/deposits`, `GET …/deposits/{dep}`, `POST …/deposits/{dep}/cancel`,
//! `POST/GET /investors/{id}/withdrawals`, `GET …/withdrawals/{wd}`, `POST …/withdrawals/{wd}/cancel`,
//! and the simulator-only admin routes `POST /simulator/deposits/{dep}/complete` and
//! `POST /simulator/deposits/{dep}/fail`.
//!
//! Rules the simulator applies:
//! - Creating a deposit **requires** an `Idempotency-Key` header. Bluum does not say what a
//!   missing key does (§7.4); here it is `400 BLUM-400-002` with `param: "Idempotency-Key"`,
//!   so a client that forgets it finds out in development. Withdrawals take one too, but are
//!   accepted without (Bluum's own example app never sends one there, and the sandbox takes
//!   them); without a key a retry is a second withdrawal.
//! - `ach` deposits go `pending → processing → completed`, one step per `transfer_step`; the
//!   wallet is credited (with a `deposit` transaction) on completion.
//! - `manual_bank_transfer` deposits return transfer instructions
//!   (`method_details.reference_code`, `bank_details`), `wire` deposits Bluum's wire shape
//!   (`method_details.funding_details[]`: `payment_type`, `currency`, `account_number`,
//!   `routing_code`, `bank_name`); both stay `pending` until the admin route completes (or
//!   fails) them, or until they expire after 7 days (then `failed`).
//! - A `wire` or `international_wire` withdrawal may leave out `funding_source_id`: it goes to
//!   the beneficiary on file (as Bluum's example app sends it). `ach` needs the source.
//! - Withdrawals reserve the amount at once (`reserved_balance`), go
//!   `pending → processing → completed` and then debit it (a `withdrawal` transaction). More
//!   than `cash_withdrawable` is `422 BLUM-422-001`; more than
//!   [`WITHDRAWAL_LIMIT`] in one request is `422 BLUM-422-005`.
//! - Cancel works only while `pending` (else `409 BLUM-409-003`) and releases any hold.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::api::{self, fail, money, respond, wire, ApiResult, Fields, Meta, Page};
use super::state::{Sim, Stored, World};
use super::store::Record;
use super::wallets::{self, Movement};
use super::{funding, ids};

/// Largest single withdrawal the simulator accepts (simulator rule, `BLUM-422-005` above it).
pub const WITHDRAWAL_LIMIT: Decimal = Decimal::from_parts(250_000, 0, 0, false, 0);
/// How long manual-transfer instructions stay valid.
const MANUAL_DEPOSIT_TTL: time::Duration = time::Duration::days(7);

const DEPOSIT_METHODS: &[&str] = &["ach", "manual_bank_transfer", "wire"];
const WITHDRAWAL_METHODS: &[&str] = &["ach", "wire", "international_wire", "manual_bank_transfer"];

/// Simulator bookkeeping for a transfer in flight.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TransferSim {
    /// When the next automatic status step is due (Unix ms); `None` when it waits on
    /// someone (manual deposits) or is finished.
    pub next_step_ms: Option<i64>,
    /// Unix ms after which a pending manual deposit fails as expired.
    pub expires_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deposit {
    #[serde(flatten)]
    pub meta: Meta,
    pub investor_id: String,
    pub wallet_id: String,
    pub funding_source_id: Option<String>,
    pub method: String,
    pub status: String,
    pub amount: Decimal,
    pub currency: String,
    pub description: Option<String>,
    pub method_details: Value,
    pub initiated_at: String,
    pub received_at: Option<String>,
    pub completed_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub expires_at: Option<String>,
    pub failure_reason: Option<String>,
    #[serde(rename = "_sim", default)]
    pub sim: TransferSim,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Withdrawal {
    #[serde(flatten)]
    pub meta: Meta,
    pub investor_id: String,
    pub wallet_id: String,
    /// `None` for a wire to the beneficiary on file.
    pub funding_source_id: Option<String>,
    pub method: String,
    pub status: String,
    pub amount: Decimal,
    pub currency: String,
    pub description: Option<String>,
    pub method_details: Value,
    pub destination_details: Value,
    pub initiated_at: String,
    pub completed_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub failure_reason: Option<String>,
    #[serde(rename = "_sim", default)]
    pub sim: TransferSim,
}

impl Record for Deposit {
    const KIND: &'static str = "deposit";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

impl Record for Withdrawal {
    const KIND: &'static str = "withdrawal";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

/// `400 BLUM-400-002` unless the request carries an `Idempotency-Key`.
fn require_idempotency_key(headers: &HeaderMap) -> ApiResult<()> {
    match headers.get("idempotency-key") {
        Some(value) if !value.is_empty() => Ok(()),
        _ => Err(fail::missing("Idempotency-Key")),
    }
}

/// The common transfer body fields: amount, currency (USD only), description.
fn amount_currency_description(f: &Fields<'_>) -> ApiResult<(Decimal, String, Option<String>)> {
    let amount = money(f.amount("amount")?);
    let currency = f.opt_str("currency")?.unwrap_or("USD").to_uppercase();
    if currency.len() != 3 {
        return Err(fail::format(
            "currency",
            "currency must be an ISO 4217 code",
        ));
    }
    if currency != "USD" {
        return Err(fail::validation(
            "currency",
            "The simulator keeps USD wallets only",
        ));
    }
    let description = f.opt_str("description")?.map(str::to_owned);
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        return Err(fail::validation(
            "description",
            "description is limited to 500 characters",
        ));
    }
    Ok((amount, currency, description))
}

fn wallet_id(world: &World, investor_id: &str) -> ApiResult<String> {
    wallets::wallet_of(world, investor_id)
        .map(|w| w.meta.id.clone())
        .ok_or_else(|| fail::not_found("Wallet"))
}

fn step_due(sim: &Sim, now: OffsetDateTime) -> Option<i64> {
    Some(api::unix_ms(now) + sim.options.transfer_step.as_millis() as i64)
}

/// A short reference code like Bluum's `BLUUM-ABC123XY`, derived from the deposit id.
fn reference_code(deposit_id: &str) -> String {
    let tail: String = deposit_id
        .chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("BLUUM-{}", tail.to_uppercase())
}

/// `POST /investors/{investor_id}/deposits`
pub async fn create_deposit(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    require_idempotency_key(&headers)?;
    let body = api::json_object(&body)?;
    let f = Fields::new(&body);
    let (amount, currency, description) = amount_currency_description(&f)?;
    let method = f.enumeration("method", DEPOSIT_METHODS)?;
    let metadata = f.metadata()?;

    let mut world = sim.lock().await;
    world.investor(&investor_id)?;
    let now = OffsetDateTime::now_utc();
    let new = NewDeposit {
        id: ids::new_id("dep"),
        investor_id: investor_id.clone(),
        amount,
        currency,
        description,
        metadata,
    };
    let deposit = if method == "ach" {
        let source_id = f.str("funding_source_id")?;
        ach_deposit(&world, new, source_id, now, step_due(&sim, now))?
    } else {
        instructed_deposit(&world, new, method, now)?
    };
    let body = wire(&deposit);
    world.put(deposit);
    world.emit("transfer.deposit.initiated", body.clone());
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::CREATED, body))
}

/// What every new deposit carries, whatever its method.
#[derive(Debug, Clone)]
pub(crate) struct NewDeposit {
    pub id: String,
    pub investor_id: String,
    pub amount: Decimal,
    pub currency: String,
    pub description: Option<String>,
    pub metadata: Map<String, Value>,
}

impl NewDeposit {
    /// The `pending` deposit initiated at `now`, with the method's own parts.
    fn pending(
        self,
        world: &World,
        method: &str,
        funding_source_id: Option<String>,
        method_details: Value,
        now: OffsetDateTime,
    ) -> ApiResult<Deposit> {
        let wallet_id = wallet_id(world, &self.investor_id)?;
        Ok(Deposit {
            meta: Meta::new_at(self.id, "deposit", self.metadata, now),
            investor_id: self.investor_id,
            wallet_id,
            funding_source_id,
            method: method.to_owned(),
            status: "pending".into(),
            amount: self.amount,
            currency: self.currency,
            description: self.description,
            method_details,
            initiated_at: api::iso(now),
            received_at: None,
            completed_at: None,
            cancelled_at: None,
            expires_at: None,
            failure_reason: None,
            sim: TransferSim::default(),
        })
    }
}

/// A new `ach` deposit pulled from the investor's active funding source `source_id`,
/// initiated at `now`, whose first status step is due at `next_step_ms` (see [`advance`]).
/// Not yet stored. Shared by `POST …/deposits` and the demo seed.
pub(crate) fn ach_deposit(
    world: &World,
    new: NewDeposit,
    source_id: &str,
    now: OffsetDateTime,
    next_step_ms: Option<i64>,
) -> ApiResult<Deposit> {
    funding::active_source(world, &new.investor_id, source_id)?;
    let details = json!({
        "provider_name": "alpaca",
        "transfer_id": uuid::Uuid::new_v4(),
        "alpaca_status": "QUEUED",
    });
    let mut deposit = new.pending(world, "ach", Some(source_id.to_owned()), details, now)?;
    deposit.sim.next_step_ms = next_step_ms;
    Ok(deposit)
}

/// A new `manual_bank_transfer` or `wire` deposit: transfer instructions valid for
/// [`MANUAL_DEPOSIT_TTL`] from `now`. Not yet stored.
fn instructed_deposit(
    world: &World,
    new: NewDeposit,
    method: &str,
    now: OffsetDateTime,
) -> ApiResult<Deposit> {
    let expires_at = now + MANUAL_DEPOSIT_TTL;
    let reference = reference_code(&new.id);
    let details = if method == "wire" {
        json!({
            "provider_name": "bluum",
            "reference_code": reference,
            "funding_details": [{
                "payment_type": "swift_wire",
                "currency": new.currency,
                "account_number": "202512345678",
                "routing_code": "091311229",
                "bank_name": "Choice Financial Group",
            }],
            "expires_at": api::iso(expires_at),
        })
    } else {
        json!({
        "reference_code": reference,
        "bank_details": {
            "bank_name": "Choice Financial Group",
            "bank_address": "4501 23rd Avenue S, Fargo, ND 58104, US",
            "account_name": "Bluum Finance FBO Investors (Simulator)",
            "account_number": "202512345678",
            "routing_number": "091311229",
            "swift_code": "CHFGUS44021",
            "instructions": format!("Include reference code {reference} in your transfer memo."),
        },
        "expires_at": api::iso(expires_at),
        })
    };
    let mut deposit = new.pending(world, method, None, details, now)?;
    deposit.expires_at = Some(api::iso(expires_at));
    deposit.sim.expires_ms = Some(api::unix_ms(expires_at));
    Ok(deposit)
}

/// `POST /investors/{investor_id}/withdrawals`
pub async fn create_withdrawal(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let f = Fields::new(&body);
    let (amount, currency, description) = amount_currency_description(&f)?;
    let method = f.enumeration("method", WITHDRAWAL_METHODS)?;
    let by_wire = matches!(method, "wire" | "international_wire");
    let source_id = if by_wire {
        f.opt_str("funding_source_id")?
    } else {
        Some(f.str("funding_source_id")?)
    };
    let metadata = f.metadata()?;
    if amount > WITHDRAWAL_LIMIT {
        return Err(fail::withdrawal_limit(format!(
            "A single withdrawal is limited to {WITHDRAWAL_LIMIT} USD"
        )));
    }

    let mut world = sim.lock().await;
    world.investor(&investor_id)?;
    let wallet_id = wallet_id(&world, &investor_id)?;
    let destination = match source_id {
        Some(source_id) => {
            let source = funding::active_source(&world, &investor_id, source_id)?;
            json!({
                "bank_name": source.bank_name,
                "account_mask": source.mask,
                "account_holder_name": source.account_holder_name,
            })
        }
        None => json!({ "beneficiary": "on file" }),
    };
    let id = ids::new_id("wd");
    let withdrawable = wallets::figures(&world, &investor_id).cash_withdrawable;
    if amount > withdrawable {
        return Err(fail::insufficient_funds(format!(
            "Insufficient funds: {amount} requested, {withdrawable} withdrawable"
        )));
    }
    wallets::hold(&mut world, &investor_id, &id, amount)?;
    let now = OffsetDateTime::now_utc();
    let withdrawal = Withdrawal {
        meta: Meta::new_at(id, "withdrawal", metadata, now),
        investor_id: investor_id.clone(),
        wallet_id,
        funding_source_id: source_id.map(str::to_owned),
        method: method.to_owned(),
        status: "pending".into(),
        amount,
        currency,
        description,
        method_details: json!({
            "provider_name": "alpaca",
            "transfer_id": uuid::Uuid::new_v4(),
            "alpaca_status": "QUEUED",
        }),
        destination_details: destination,
        initiated_at: api::iso(now),
        completed_at: None,
        cancelled_at: None,
        failure_reason: None,
        sim: TransferSim {
            next_step_ms: step_due(&sim, now),
            expires_ms: None,
        },
    };
    let body = wire(&withdrawal);
    world.put(withdrawal);
    world.emit("transfer.withdrawal.initiated", body.clone());
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::CREATED, body))
}

/// Status filter values: the response vocabulary plus the internal spellings (§2.6, §7.6).
fn status_matches(filter: &str, status: &str) -> bool {
    let filter = match filter {
        "canceled" => "cancelled",
        "received" | "submitted" => "processing",
        "expired" => "failed",
        other => other,
    };
    filter == status
}

trait Transfer: Stored {
    fn method(&self) -> &str;
    fn status(&self) -> &str;
    fn currency(&self) -> &str;
    fn initiated_at(&self) -> &str;
}

macro_rules! transfer {
    ($($ty:ty),*) => {$(
        impl Transfer for $ty {
            fn method(&self) -> &str { &self.method }
            fn status(&self) -> &str { &self.status }
            fn currency(&self) -> &str { &self.currency }
            fn initiated_at(&self) -> &str { &self.initiated_at }
        }
    )*};
}
transfer!(Deposit, Withdrawal);

fn list_transfers<T: Transfer>(
    world: &World,
    investor_id: &str,
    query: &HashMap<String, String>,
    path: &str,
) -> ApiResult<Value> {
    let page = Page::from_query(query)?;
    api::check_date_filters(query)?;
    world.investor(investor_id)?;
    let items = world
        .of_investor::<T>(investor_id)
        .filter(|t| query.get("method").is_none_or(|m| m == t.method()))
        .filter(|t| {
            query
                .get("status")
                .is_none_or(|s| status_matches(s, t.status()))
        })
        .filter(|t| {
            query
                .get("currency")
                .is_none_or(|c| c.eq_ignore_ascii_case(t.currency()))
        })
        .filter(|t| {
            let day = t.initiated_at().get(..10).unwrap_or("");
            query
                .get("date_from")
                .is_none_or(|from| day >= from.as_str())
                && query.get("date_to").is_none_or(|to| day <= to.as_str())
        })
        .map(wire)
        .collect();
    Ok(api::list(
        &format!("/v1/investors/{investor_id}/{path}"),
        items,
        page,
    ))
}

/// `GET /investors/{investor_id}/deposits`
pub async fn list_deposits(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let world = sim.lock().await;
    let body = list_transfers::<Deposit>(&world, &investor_id, &query, "deposits")?;
    Ok(respond(StatusCode::OK, body))
}

/// `GET /investors/{investor_id}/withdrawals`
pub async fn list_withdrawals(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let world = sim.lock().await;
    let body = list_transfers::<Withdrawal>(&world, &investor_id, &query, "withdrawals")?;
    Ok(respond(StatusCode::OK, body))
}

/// `GET /investors/{investor_id}/deposits/{deposit_id}`
pub async fn get_deposit(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let deposit = world.owned::<Deposit>(&investor_id, &id, "Deposit")?;
    Ok(respond(StatusCode::OK, wire(deposit)))
}

/// `GET /investors/{investor_id}/withdrawals/{withdrawal_id}`
pub async fn get_withdrawal(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let withdrawal = world.owned::<Withdrawal>(&investor_id, &id, "Withdrawal")?;
    Ok(respond(StatusCode::OK, wire(withdrawal)))
}

/// `POST /investors/{investor_id}/deposits/{deposit_id}/cancel`
pub async fn cancel_deposit(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut world = sim.lock().await;
    world.investor(&investor_id)?;
    let mut deposit = world
        .owned::<Deposit>(&investor_id, &id, "Deposit")?
        .clone();
    if deposit.status != "pending" {
        return Err(fail::state(format!(
            "Only pending deposits can be cancelled; this one is {}",
            deposit.status
        )));
    }
    deposit.status = "cancelled".into();
    deposit.cancelled_at = Some(api::now_iso());
    deposit.sim = TransferSim::default();
    let body = wire(&deposit);
    world.put(deposit);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::OK, body))
}

/// `POST /investors/{investor_id}/withdrawals/{withdrawal_id}/cancel`: releases the hold.
pub async fn cancel_withdrawal(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut world = sim.lock().await;
    world.investor(&investor_id)?;
    let mut withdrawal = world
        .owned::<Withdrawal>(&investor_id, &id, "Withdrawal")?
        .clone();
    if withdrawal.status != "pending" {
        return Err(fail::state(format!(
            "Only pending withdrawals can be cancelled; this one is {}",
            withdrawal.status
        )));
    }
    wallets::release(&mut world, &investor_id, &id);
    withdrawal.status = "cancelled".into();
    withdrawal.cancelled_at = Some(api::now_iso());
    withdrawal.sim = TransferSim::default();
    let body = wire(&withdrawal);
    world.put(withdrawal);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::OK, body))
}

fn find_deposit(world: &World, id: &str) -> ApiResult<Deposit> {
    world
        .deposits
        .get(id)
        .cloned()
        .ok_or_else(|| fail::not_found("Deposit"))
}

/// `POST /simulator/deposits/{deposit_id}/complete` (simulator only): the funds of a pending
/// manual-transfer or wire deposit "arrive"; the wallet is credited.
pub async fn admin_complete_deposit(
    State(sim): State<Sim>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut world = sim.lock().await;
    let deposit = find_deposit(&world, &id)?;
    if deposit.status != "pending" && deposit.status != "processing" {
        return Err(fail::state(format!(
            "Deposit is {}, not pending",
            deposit.status
        )));
    }
    complete_deposit(&mut world, deposit, OffsetDateTime::now_utc())?;
    let body = wire(&world.deposits[&id]);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::OK, body))
}

/// `POST /simulator/deposits/{deposit_id}/fail` (simulator only): the deposit fails, with an
/// optional `{"reason": "…"}`.
pub async fn admin_fail_deposit(
    State(sim): State<Sim>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let reason = Fields::new(&body)
        .opt_str("reason")?
        .unwrap_or("Returned by the receiving bank (simulated)")
        .to_owned();
    let mut world = sim.lock().await;
    let deposit = find_deposit(&world, &id)?;
    if deposit.status != "pending" && deposit.status != "processing" {
        return Err(fail::state(format!(
            "Deposit is {}, not pending",
            deposit.status
        )));
    }
    fail_deposit(&mut world, deposit, &reason);
    let body = wire(&world.deposits[&id]);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::OK, body))
}

/// The deposit's funds arrived at `now`: the wallet is credited (a `deposit` transaction)
/// and the deposit is `completed`.
fn complete_deposit(world: &mut World, mut deposit: Deposit, now: OffsetDateTime) -> ApiResult<()> {
    wallets::credit(
        world,
        &deposit.investor_id,
        deposit.amount,
        Movement {
            kind: "deposit",
            method: Some(&deposit.method),
            description: deposit
                .description
                .clone()
                .unwrap_or_else(|| format!("Deposit via {}", deposit.method)),
            reference: &deposit.meta.id,
        },
        now,
    )?;
    let now = api::iso(now);
    deposit.status = "completed".into();
    deposit.received_at.get_or_insert_with(|| now.clone());
    deposit.completed_at = Some(now);
    deposit.sim = TransferSim::default();
    if deposit.method == "ach" {
        deposit.method_details["alpaca_status"] = json!("COMPLETE");
    }
    let body = wire(&deposit);
    world.put(deposit);
    world.emit("transfer.deposit.completed", body);
    Ok(())
}

fn fail_deposit(world: &mut World, mut deposit: Deposit, reason: &str) {
    deposit.status = "failed".into();
    deposit.failure_reason = Some(reason.to_owned());
    deposit.sim = TransferSim::default();
    let body = wire(&deposit);
    world.put(deposit);
    world.emit("transfer.deposit.failed", body);
}

/// Background step: moves ACH deposits and withdrawals one status along when due at `now`,
/// and expires manual deposits whose instructions ran out.
pub fn advance(world: &mut World, now: OffsetDateTime, step_ms: i64) {
    let now_ms = api::unix_ms(now);
    let due: Vec<Deposit> = world
        .deposits
        .values()
        .filter(|d| {
            d.sim.next_step_ms.is_some_and(|t| t <= now_ms)
                || d.sim.expires_ms.is_some_and(|t| t <= now_ms)
        })
        .cloned()
        .collect();
    for deposit in due {
        advance_deposit(world, deposit, now, step_ms);
    }

    let due: Vec<Withdrawal> = world
        .withdrawals
        .values()
        .filter(|w| w.sim.next_step_ms.is_some_and(|t| t <= now_ms))
        .cloned()
        .collect();
    for mut withdrawal in due {
        match withdrawal.status.as_str() {
            "pending" => {
                withdrawal.status = "processing".into();
                withdrawal.method_details["alpaca_status"] = json!("SENT_TO_CLEARING");
                withdrawal.sim.next_step_ms = Some(now_ms + step_ms);
                world.put(withdrawal);
            }
            "processing" => {
                let captured = wallets::capture(
                    world,
                    &withdrawal.investor_id,
                    &withdrawal.meta.id,
                    withdrawal.amount,
                    Movement {
                        kind: "withdrawal",
                        method: Some(&withdrawal.method),
                        description: withdrawal
                            .description
                            .clone()
                            .unwrap_or_else(|| format!("Withdrawal via {}", withdrawal.method)),
                        reference: &withdrawal.meta.id,
                    },
                    now,
                );
                withdrawal.sim = TransferSim::default();
                let event = match captured {
                    Ok(()) => {
                        withdrawal.status = "completed".into();
                        withdrawal.completed_at = Some(api::iso(now));
                        withdrawal.method_details["alpaca_status"] = json!("COMPLETE");
                        "transfer.withdrawal.completed"
                    }
                    Err(_) => {
                        wallets::release(world, &withdrawal.investor_id, &withdrawal.meta.id);
                        withdrawal.status = "failed".into();
                        withdrawal.failure_reason = Some("Wallet not found".into());
                        "transfer.withdrawal.failed"
                    }
                };
                let body = wire(&withdrawal);
                world.put(withdrawal);
                world.emit(event, body);
            }
            _ => {
                withdrawal.sim = TransferSim::default();
                world.put(withdrawal);
            }
        }
    }
}

/// Moves one deposit along at `now` (its step or expiry is due): a pending manual deposit
/// past its instructions fails; `pending → processing` (the next step `step_ms` later);
/// `processing → completed` (the wallet is credited).
pub(crate) fn advance_deposit(
    world: &mut World,
    mut deposit: Deposit,
    now: OffsetDateTime,
    step_ms: i64,
) {
    let now_ms = api::unix_ms(now);
    if deposit.sim.expires_ms.is_some_and(|t| t <= now_ms) && deposit.status == "pending" {
        fail_deposit(
            world,
            deposit,
            "Funds were not received before the instructions expired",
        );
        return;
    }
    match deposit.status.as_str() {
        "pending" => {
            deposit.status = "processing".into();
            deposit.method_details["alpaca_status"] = json!("SENT_TO_CLEARING");
            deposit.sim.next_step_ms = Some(now_ms + step_ms);
            world.put(deposit);
        }
        "processing" => {
            if let Err(err) = complete_deposit(world, deposit, now) {
                tracing::warn!(code = %err.code, "simulated deposit could not complete");
            }
        }
        _ => {
            deposit.sim = TransferSim::default();
            world.put(deposit);
        }
    }
}

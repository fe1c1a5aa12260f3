//! Moving money: the wallet's balances, deposits from and withdrawals to a linked bank, the
//! list of transfers and one transfer's status. Bluum endpoints: `GET …/wallets`,
//! `POST/GET …/deposits[/{id}[/cancel]]`, `POST/GET …/withdrawals[/{id}[/cancel]]`, always
//! under the investor of the session.
//!
//! Money moves once: a deposit or withdrawal form carries an idempotency key made when its
//! review page was rendered ([`review_transfer`]), and [`deposit`] and [`withdraw`] send it
//! through `server::idempotency::run_once`, so retries, double clicks and a second tab all
//! end in one transfer.

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::api::banks::Bank;
use crate::error::AppError;

/// The wallet, as every page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances {
    pub currency: String,
    /// Cash in the wallet, settled or not.
    pub balance: Decimal,
    /// Cash free to use (not held for open orders or withdrawals).
    pub available: Decimal,
    /// Cash held for open orders and withdrawals.
    pub reserved: Decimal,
    pub buying_power: Decimal,
    /// Cash that can leave now (settled and not held).
    pub withdrawable: Decimal,
}

/// Deposit or withdrawal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferKind {
    Deposit,
    Withdrawal,
}

impl TransferKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Deposit => "Deposit",
            Self::Withdrawal => "Withdrawal",
        }
    }

    /// `deposit` / `withdrawal`, as in URLs and filters.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Deposit => "deposit",
            Self::Withdrawal => "withdrawal",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        match slug {
            "deposit" => Some(Self::Deposit),
            "withdrawal" => Some(Self::Withdrawal),
            _ => None,
        }
    }
}

/// Where a transfer stands, in the words the pages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferState {
    Pending,
    Processing,
    Completed,
    Cancelled,
    Failed,
}

impl TransferState {
    pub const ALL: [TransferState; 5] = [
        Self::Pending,
        Self::Processing,
        Self::Completed,
        Self::Cancelled,
        Self::Failed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Processing => "Processing",
            Self::Completed => "Completed",
            Self::Cancelled => "Cancelled",
            Self::Failed => "Failed",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Still moving: worth asking again.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Processing)
    }

    /// The badge class of the design system.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Pending | Self::Processing => "badge badge-warning",
            Self::Completed => "badge badge-success",
            Self::Cancelled => "badge badge-neutral",
            Self::Failed => "badge badge-danger",
        }
    }
}

/// One deposit or withdrawal as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// Bluum's `dep_…` or `wd_…` id.
    pub id: String,
    pub kind: TransferKind,
    pub amount: Decimal,
    pub currency: String,
    pub state: TransferState,
    /// "ACH", "Bank transfer", "Wire".
    pub method: String,
    /// The linked bank, when known ("Plaid Checking ••••0000").
    pub bank: Option<String>,
    /// When it was made, `YYYY-MM-DD HH:MM` UTC.
    pub created: String,
    pub failure_reason: Option<String>,
    /// How to send the money, for deposits made by bank transfer or wire: `(label, value)`.
    pub instructions: Vec<(String, String)>,
    /// Only pending transfers can be cancelled.
    pub can_cancel: bool,
}

/// A transfer about to be confirmed: what the review page shows and the confirm form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferReview {
    pub kind: TransferKind,
    pub amount: Decimal,
    pub bank: Bank,
    /// `ach` or `manual_bank_transfer` (deposits only).
    pub method: String,
    /// The idempotency key of the confirm form, made for this review.
    pub idempotency_key: String,
    pub balances: Balances,
}

/// What the deposit and withdrawal forms need: the banks to choose from and the wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferChoices {
    pub banks: Vec<Bank>,
    pub balances: Balances,
}

/// One page of the transfers list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferPage {
    pub transfers: Vec<Transfer>,
    pub page: u32,
    pub has_more: bool,
}

/// Transfers per page of the list.
pub const PAGE_SIZE: usize = 20;
/// How many of each kind the list reads from Bluum (newest first) to merge and page through.
pub const LIST_WINDOW: u32 = 200;

/// Deposit methods the form offers: `(value, label)`.
pub const DEPOSIT_METHODS: &[(&str, &str)] = &[
    (
        "ach",
        "ACH from your linked bank (arrives in 1–3 business days)",
    ),
    (
        "manual_bank_transfer",
        "Bank transfer you send yourself (we show the instructions)",
    ),
];

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    pub use serde::Serialize;

    pub use super::{Balances, Transfer, TransferKind, TransferReview, TransferState, LIST_WINDOW};
    pub use crate::api::banks::Bank;
    pub use crate::api::{field, require_investor, state};
    pub use crate::bluum::error::BluumError;
    pub use crate::bluum::ids::IdempotencyKey;
    pub use crate::bluum::ids::{DepositId, FundingSourceId, InvestorId, WithdrawalId};
    pub use crate::bluum::models::funding_sources::FundingSourceType;
    pub use crate::bluum::models::transfers::{
        CreateDepositRequest, CreateWithdrawalRequest, Deposit, MethodDetails, TransferMethod,
        TransferQuery, TransferStatus, Withdrawal,
    };
    pub use crate::error::AppError;
    pub use crate::server::idempotency::{run_once, MoneyCall, MoneyRequest, MoneyResult};
    pub use crate::server::request::InvestorContext;

    /// The investor's USD wallet (an empty one before the first deposit).
    pub async fn balances(investor: &InvestorId) -> Result<Balances, AppError> {
        balances_with(&state().bluum, investor).await
    }

    /// [`balances`] through `bluum` (for work outside a request).
    pub async fn balances_with(
        bluum: &crate::bluum::client::BluumClient,
        investor: &InvestorId,
    ) -> Result<Balances, AppError> {
        let wallets = bluum.list_wallets(investor).await?;
        let Some(wallet) = wallets
            .data
            .into_iter()
            .find(|w| w.currency.eq_ignore_ascii_case("USD"))
        else {
            return Ok(Balances {
                currency: "USD".into(),
                ..Balances::default()
            });
        };
        let available = wallet.available_balance.unwrap_or(wallet.balance);
        Ok(Balances {
            currency: wallet.currency,
            balance: wallet.balance,
            available,
            reserved: wallet.reserved_balance.unwrap_or_default(),
            buying_power: wallet.buying_power.unwrap_or(available),
            withdrawable: wallet.cash_withdrawable.unwrap_or(available),
        })
    }

    /// The investor's active banks.
    pub async fn active_banks(investor: &InvestorId) -> Result<Vec<Bank>, AppError> {
        let sources = state()
            .bluum
            .list_funding_sources(investor, Some(FundingSourceType::All))
            .await?;
        Ok(sources
            .data
            .into_iter()
            .map(crate::api::banks::bank_of)
            .filter(|b| b.status == crate::api::banks::BankStatus::Active)
            .collect())
    }

    /// The active bank `id` of the investor, or a message for the bank field.
    pub async fn chosen_bank(me: &InvestorContext, id: &str) -> Result<Bank, AppError> {
        if id.trim().is_empty() {
            return Err(field("bank", "Choose a bank account."));
        }
        active_banks(&me.investor_id)
            .await?
            .into_iter()
            .find(|b| b.id == id.trim())
            .ok_or_else(|| field("bank", "Choose one of your linked bank accounts."))
    }

    pub fn state_of(status: &TransferStatus) -> TransferState {
        match status {
            TransferStatus::Pending => TransferState::Pending,
            TransferStatus::Processing | TransferStatus::Received | TransferStatus::Submitted => {
                TransferState::Processing
            }
            TransferStatus::Completed => TransferState::Completed,
            TransferStatus::Cancelled => TransferState::Cancelled,
            TransferStatus::Failed | TransferStatus::Expired => TransferState::Failed,
            // A status Bluum adds later: still open, so the page keeps asking.
            TransferStatus::Unknown(_) => TransferState::Processing,
        }
    }

    pub fn method_label(method: &TransferMethod) -> String {
        match method {
            TransferMethod::Ach => "ACH",
            TransferMethod::ManualBankTransfer => "Bank transfer",
            TransferMethod::Wire => "Wire",
            TransferMethod::InternationalWire => "International wire",
            TransferMethod::Card => "Card",
            TransferMethod::Unknown(_) => "Transfer",
        }
        .to_owned()
    }

    fn when(at: Option<time::OffsetDateTime>) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
        at.and_then(|t| t.format(&format).ok()).unwrap_or_default()
    }

    /// Transfer instructions of a manual or wire deposit: either shape Bluum uses.
    fn instructions(details: Option<&MethodDetails>) -> Vec<(String, String)> {
        let Some(details) = details else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        let mut push = |label: &str, value: &Option<String>| {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                rows.push((label.to_owned(), v.clone()));
            }
        };
        push("Reference (include it)", &details.reference_code);
        if let Some(bank) = &details.bank_details {
            push("Bank", &bank.bank_name);
            push("Account name", &bank.account_name);
            push("Account number", &bank.account_number);
            push("Routing number", &bank.routing_number);
            push("SWIFT", &bank.swift_code);
            push("Bank address", &bank.bank_address);
            push("Instructions", &bank.instructions);
        }
        for wire in &details.funding_details {
            push("Bank", &wire.bank_name);
            push("Account number", &wire.account_number);
            push("Routing code", &wire.routing_code);
        }
        rows
    }

    /// A deposit for the pages; `banks` names its bank.
    pub fn deposit_view(d: Deposit, banks: &[Bank]) -> Transfer {
        let state = state_of(&d.status);
        Transfer {
            id: d.id.to_string(),
            kind: TransferKind::Deposit,
            amount: d.amount,
            currency: d.currency,
            state,
            method: method_label(&d.method),
            bank: bank_label(d.funding_source_id.as_ref().map(|f| f.as_str()), banks),
            created: when(d.initiated_at.or(d.meta.created)),
            failure_reason: d.failure_reason,
            instructions: if state == TransferState::Pending {
                instructions(d.method_details.as_ref())
            } else {
                Vec::new()
            },
            can_cancel: state == TransferState::Pending,
        }
    }

    /// A withdrawal for the pages; `banks` names its bank.
    pub fn withdrawal_view(w: Withdrawal, banks: &[Bank]) -> Transfer {
        let state = state_of(&w.status);
        Transfer {
            id: w.id.to_string(),
            kind: TransferKind::Withdrawal,
            amount: w.amount,
            currency: w.currency,
            state,
            method: method_label(&w.method),
            bank: bank_label(w.funding_source_id.as_deref(), banks),
            created: when(w.initiated_at.or(w.meta.created)),
            failure_reason: w.failure_reason,
            instructions: Vec::new(),
            can_cancel: state == TransferState::Pending,
        }
    }

    fn bank_label(id: Option<&str>, banks: &[Bank]) -> Option<String> {
        let id = id?;
        banks
            .iter()
            .find(|b| b.id == id)
            .map(|b| format!("{} ••••{}", b.account_name, b.mask))
    }

    /// All banks (including disconnected ones), to name the bank of older transfers.
    pub async fn all_banks(investor: &InvestorId) -> Result<Vec<Bank>, AppError> {
        let sources = state()
            .bluum
            .list_funding_sources(investor, Some(FundingSourceType::All))
            .await?;
        Ok(sources
            .data
            .into_iter()
            .map(crate::api::banks::bank_of)
            .collect())
    }

    /// Sends `call` once per form `key` (see `run_once`; `send` makes the call with the
    /// upstream key it is given), with Bluum's refusals of the amount put on the amount field.
    pub async fn move_money<T, F, Fut>(
        me: &InvestorContext,
        key: &str,
        call: &MoneyCall,
        send: F,
    ) -> Result<T, AppError>
    where
        T: MoneyResult + Serialize + serde::de::DeserializeOwned,
        F: FnOnce(IdempotencyKey) -> Fut,
        Fut: std::future::Future<Output = Result<T, BluumError>>,
    {
        let request = MoneyRequest {
            user_id: me.user.id,
            key,
            call,
            ip: Some(&me.ip),
        };
        let answer = run_once(&state().pool, request, send)
            .await
            .map_err(on_amount)?;
        crate::server::portfolio::forget(&state().portfolios, &me.investor_id).await;
        Ok(answer)
    }

    /// Bluum's refusals of an amount, shown next to the amount field; a lost answer told as
    /// such.
    pub fn on_amount(err: AppError) -> AppError {
        match err {
            AppError::Upstream { request_id } => AppError::Unconfirmed { request_id },
            AppError::InsufficientFunds(message) => AppError::validation("amount", message),
            AppError::Validation { field, message } if field == "amount" => {
                AppError::Validation { field, message }
            }
            other => other,
        }
    }

    pub fn transfer_url(id: &str) -> String {
        format!("/transfers/{id}")
    }
}

/// The wallet of the signed-in investor.
#[server(endpoint = "money/balances")]
pub async fn get_balances() -> Result<Balances, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    balances(&me.investor_id).await
}

/// What the deposit and withdrawal forms show: the active banks and the wallet.
#[server(endpoint = "money/form")]
pub async fn transfer_form() -> Result<TransferChoices, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let (banks, balances) =
        tokio::try_join!(active_banks(&me.investor_id), balances(&me.investor_id))?;
    Ok(TransferChoices { banks, balances })
}

/// Checks a deposit or withdrawal before it is confirmed, and makes the confirm form's
/// idempotency key. A withdrawal over what can be withdrawn is refused here, before Bluum is
/// asked anything.
#[server(endpoint = "money/review")]
pub async fn review_transfer(
    kind: String,
    bank: String,
    amount: String,
    #[server(default)] method: String,
) -> Result<TransferReview, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let kind = TransferKind::from_slug(&kind).ok_or(AppError::NotFound)?;
    let amount_result = crate::money::parse_amount(&amount);
    let bank_result = chosen_bank(&me, &bank).await;
    let method = match (kind, method.as_str()) {
        (TransferKind::Withdrawal, _) | (_, "" | "ach") => "ach",
        (_, "manual_bank_transfer") => "manual_bank_transfer",
        _ => return Err(field("method", "Choose how to send the money.")),
    };
    let mut errors = Vec::new();
    if let Err(message) = &amount_result {
        errors.push(("amount".to_owned(), message.clone()));
    }
    if let Err(AppError::Validation { field, message }) = &bank_result {
        errors.push((field.clone(), message.clone()));
    }
    match errors.len() {
        0 => {}
        1 => {
            let (field, message) = errors.remove(0);
            return Err(AppError::Validation { field, message });
        }
        _ => return Err(AppError::Invalid { errors }),
    }
    let (amount, bank) = (amount_result.expect("checked"), bank_result?);
    let balances = balances(&me.investor_id).await?;
    if kind == TransferKind::Withdrawal && amount > balances.withdrawable {
        return Err(field(
            "amount",
            format!(
                "You can withdraw up to {} right now.",
                crate::money::usd(balances.withdrawable)
            ),
        ));
    }
    Ok(TransferReview {
        kind,
        amount,
        bank,
        method: method.to_owned(),
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        balances,
    })
}

/// Sends a deposit from a linked bank, once per `idempotency_key`, and goes to its page.
#[server(endpoint = "money/deposit")]
pub async fn deposit(
    idempotency_key: String,
    bank: String,
    amount: String,
    #[server(default)] method: String,
) -> Result<Transfer, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let amount = crate::money::parse_amount(&amount).map_err(|m| field("amount", m))?;
    let bank = chosen_bank(&me, &bank).await?;
    let method = match method.as_str() {
        "" | "ach" => TransferMethod::Ach,
        "manual_bank_transfer" => TransferMethod::ManualBankTransfer,
        _ => return Err(field("method", "Choose how to send the money.")),
    };
    let funding_source_id = FundingSourceId::parse(&bank.id).map_err(AppError::internal)?;
    let request = CreateDepositRequest {
        amount,
        currency: Some("USD".into()),
        method: method.clone(),
        funding_source_id: (method == TransferMethod::Ach).then_some(funding_source_id),
        description: Some(format!("Deposit from {}", state().config.brand.name)),
        metadata: Default::default(),
    };
    let call = MoneyCall::Deposit {
        investor: me.investor_id.clone(),
        body: request.clone(),
    };
    let (investor, request) = (&me.investor_id, &request);
    let created = move_money(&me, &idempotency_key, &call, |upstream_key| async move {
        state()
            .bluum
            .create_deposit(investor, request, &upstream_key)
            .await
    })
    .await?;
    let view = deposit_view(created, std::slice::from_ref(&bank));
    leptos_axum::redirect(&transfer_url(&view.id));
    Ok(view)
}

/// Sends a withdrawal to a linked bank, once per `idempotency_key`, and goes to its page.
/// More than the withdrawable cash is refused before Bluum is asked.
#[server(endpoint = "money/withdraw")]
pub async fn withdraw(
    idempotency_key: String,
    bank: String,
    amount: String,
) -> Result<Transfer, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let amount = crate::money::parse_amount(&amount).map_err(|m| field("amount", m))?;
    let bank = chosen_bank(&me, &bank).await?;
    let wallet = balances(&me.investor_id).await?;
    if amount > wallet.withdrawable {
        return Err(field(
            "amount",
            format!(
                "You can withdraw up to {} right now.",
                crate::money::usd(wallet.withdrawable)
            ),
        ));
    }
    let request = CreateWithdrawalRequest {
        amount,
        method: TransferMethod::Ach,
        currency: Some("USD".into()),
        funding_source_id: FundingSourceId::parse(&bank.id).map_err(AppError::internal)?,
        description: Some(format!("Withdrawal from {}", state().config.brand.name)),
    };
    let call = MoneyCall::Withdrawal {
        investor: me.investor_id.clone(),
        body: request.clone(),
    };
    let (investor, request) = (&me.investor_id, &request);
    let created = move_money(&me, &idempotency_key, &call, |upstream_key| async move {
        state()
            .bluum
            .create_withdrawal(investor, request, &upstream_key)
            .await
    })
    .await?;
    let view = withdrawal_view(created, std::slice::from_ref(&bank));
    leptos_axum::redirect(&transfer_url(&view.id));
    Ok(view)
}

/// One deposit (`dep_…`) or withdrawal (`wd_…`) of the signed-in investor.
#[server(endpoint = "money/transfer")]
pub async fn get_transfer(id: String) -> Result<Transfer, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let banks = all_banks(&me.investor_id).await?;
    let bluum = &state().bluum;
    if let Ok(id) = DepositId::parse(id.trim()) {
        Ok(deposit_view(
            bluum.get_deposit(&me.investor_id, &id).await?,
            &banks,
        ))
    } else if let Ok(id) = WithdrawalId::parse(id.trim()) {
        Ok(withdrawal_view(
            bluum.get_withdrawal(&me.investor_id, &id).await?,
            &banks,
        ))
    } else {
        Err(AppError::NotFound)
    }
}

/// Cancels a pending deposit or withdrawal and goes back to its page.
#[server(endpoint = "money/cancel")]
pub async fn cancel_transfer(id: String) -> Result<(), AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let bluum = &state().bluum;
    let id = id.trim();
    let done = if let Ok(dep) = DepositId::parse(id) {
        bluum
            .cancel_deposit(&me.investor_id, &dep)
            .await
            .map(|_| ())
    } else if let Ok(wd) = WithdrawalId::parse(id) {
        bluum
            .cancel_withdrawal(&me.investor_id, &wd)
            .await
            .map(|_| ())
    } else {
        return Err(AppError::NotFound);
    };
    match done.map_err(AppError::from) {
        Ok(()) => {}
        Err(AppError::Conflict(_)) => {
            return Err(AppError::Conflict(
                "It can't be cancelled any more: it is already under way.".into(),
            ))
        }
        Err(other) => return Err(other),
    }
    crate::server::portfolio::forget(&state().portfolios, &me.investor_id).await;
    crate::server::auth::audit::record(
        &state().pool,
        crate::server::auth::audit::Entry::new(
            "transfer_cancelled",
            Some(me.user.id),
            crate::server::auth::audit::Outcome::Success,
        )
        .upstream_id(id)
        .ip(&me.ip),
    )
    .await?;
    leptos_axum::redirect(&format!("{}?cancelled=1", transfer_url(id)));
    Ok(())
}

/// The investor's deposits and withdrawals, newest first, `PAGE_SIZE` at a time; `kind` and
/// `status` filter (empty: all).
#[server(endpoint = "money/transfers")]
pub async fn list_transfers(
    #[server(default)] kind: String,
    #[server(default)] status: String,
    #[server(default)] page: u32,
) -> Result<TransferPage, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    // A deposit or withdrawal whose answer was lost (a crash, a timeout) is settled with
    // Bluum first, so it is listed as it is.
    let app = state();
    if let Err(error) =
        crate::server::idempotency::reconcile(&app.pool, &app.bluum, Some(me.user.id)).await
    {
        tracing::warn!(%error, "could not reconcile this user's unanswered money requests");
    }
    let kind = TransferKind::from_slug(&kind);
    let status = TransferState::from_slug(&status);
    let query = TransferQuery {
        limit: Some(LIST_WINDOW),
        ..TransferQuery::default()
    };
    let bluum = &state().bluum;
    let investor = &me.investor_id;
    let want = |k: TransferKind| kind.is_none_or(|wanted| wanted == k);
    let (banks, deposits, withdrawals) = tokio::try_join!(
        all_banks(investor),
        async {
            if want(TransferKind::Deposit) {
                Ok(bluum.list_deposits(investor, &query).await?.data)
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if want(TransferKind::Withdrawal) {
                Ok(bluum.list_withdrawals(investor, &query).await?.data)
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    let mut sorted: Vec<(Option<time::OffsetDateTime>, Transfer)> = deposits
        .into_iter()
        .map(|d| (d.initiated_at.or(d.meta.created), d))
        .map(|(at, d)| (at, deposit_view(d, &banks)))
        .chain(
            withdrawals
                .into_iter()
                .map(|w| (w.initiated_at.or(w.meta.created), w))
                .map(|(at, w)| (at, withdrawal_view(w, &banks))),
        )
        .filter(|(_, t)| status.is_none_or(|s| s == t.state))
        .collect();
    sorted.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let start = page as usize * PAGE_SIZE;
    let has_more = sorted.len() > start + PAGE_SIZE;
    let transfers = sorted
        .into_iter()
        .skip(start)
        .take(PAGE_SIZE)
        .map(|(_, t)| t)
        .collect();
    Ok(TransferPage {
        transfers,
        page,
        has_more,
    })
}

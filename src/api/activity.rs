//! Activity and the dashboard. Activity is one feed of the wallet's transactions (deposits,
//! withdrawals, buys, sells, fees and other activity; Bluum's `GET …/transactions`), newest
//! first, paginated and filterable. The dashboard (`/` once signed in) is the portfolio's
//! headline figures, the one next step for a new user and the latest activity.

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The kinds the feed can be filtered by: `(slug, label)`.
pub const ACTIVITY_KINDS: &[(&str, &str)] = &[
    ("", "All"),
    ("deposit", "Deposits"),
    ("withdrawal", "Withdrawals"),
    ("buy", "Buys"),
    ("sell", "Sells"),
];

/// Items per page of the feed.
pub const ACTIVITY_PAGE_SIZE: u32 = 20;

/// One line of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub id: String,
    /// "Deposit", "Buy", …
    pub kind: String,
    /// Bluum's description, or the kind.
    pub description: String,
    /// Signed: money in is positive, money out negative.
    pub amount: Decimal,
    /// "Completed", "Pending", …
    pub status: String,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub when: String,
}

/// One page of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub items: Vec<ActivityItem>,
    pub page: u32,
    pub has_more: bool,
}

/// The one thing a new user should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextStep {
    OpenAccount,
    FinishApplication,
    LinkBank,
    Deposit,
    FirstTrade,
}

impl NextStep {
    /// `(title, text, link, button)`.
    pub fn words(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Self::OpenAccount => (
                "Open your investing account",
                "A few questions about you, about five minutes.",
                "/onboarding",
                "Start",
            ),
            Self::FinishApplication => (
                "Your application",
                "See where your application stands and what it needs.",
                "/onboarding",
                "See status",
            ),
            Self::LinkBank => (
                "Link your bank",
                "Connect the bank you'll fund your account from.",
                "/banks",
                "Link a bank",
            ),
            Self::Deposit => (
                "Add money",
                "Deposit from your bank to start investing.",
                "/deposit",
                "Deposit",
            ),
            Self::FirstTrade => (
                "Make your first trade",
                "Buy a stock or fund, by the share or by the dollar.",
                "/trade",
                "Trade",
            ),
        }
    }
}

/// What the signed-in home page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub name: String,
    pub next_step: Option<NextStep>,
    /// The portfolio's figures, once there is an approved investor.
    pub portfolio: Option<crate::api::portfolio::Portfolio>,
    pub recent: Vec<ActivityItem>,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use rust_decimal::Decimal;

    use super::ActivityItem;
    use crate::bluum::models::wallets::{Transaction, TransactionStatus, TransactionType};

    pub fn item_of(t: Transaction) -> ActivityItem {
        let (kind, money_in) = match &t.kind {
            TransactionType::Deposit => ("Deposit", true),
            TransactionType::Withdrawal => ("Withdrawal", false),
            TransactionType::Buy => ("Buy", false),
            TransactionType::Sell => ("Sell", true),
            TransactionType::Fee => ("Fee", false),
            TransactionType::Activity | TransactionType::Unknown(_) => {
                ("Activity", t.amount >= Decimal::ZERO)
            }
        };
        let amount = if money_in {
            t.amount.abs()
        } else {
            -t.amount.abs()
        };
        let status = match &t.status {
            TransactionStatus::Pending => "Pending",
            TransactionStatus::Processing => "Processing",
            TransactionStatus::Completed => "Completed",
            TransactionStatus::Cancelled => "Cancelled",
            TransactionStatus::Failed => "Failed",
            TransactionStatus::Unknown(_) => "Pending",
        };
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
        ActivityItem {
            id: t.id.to_string(),
            kind: kind.to_owned(),
            description: t
                .description
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| kind.to_owned()),
            amount,
            status: status.to_owned(),
            when: t
                .completed_at
                .or(t.meta.created)
                .and_then(|at| at.format(&format).ok())
                .unwrap_or_default(),
        }
    }
}

/// The activity feed, newest first; `kind` is one of [`ACTIVITY_KINDS`] (empty: all).
#[server(endpoint = "activity/list")]
pub async fn list_activity(
    #[server(default)] kind: String,
    #[server(default)] page: u32,
) -> Result<ActivityPage, AppError> {
    use crate::bluum::models::wallets::{TransactionQuery, TransactionType};
    let me = crate::api::require_investor().await?;
    let kind = match kind.as_str() {
        "" => None,
        "deposit" => Some(TransactionType::Deposit),
        "withdrawal" => Some(TransactionType::Withdrawal),
        "buy" => Some(TransactionType::Buy),
        "sell" => Some(TransactionType::Sell),
        _ => return Err(AppError::NotFound),
    };
    let query = TransactionQuery {
        kind,
        limit: Some(ACTIVITY_PAGE_SIZE + 1),
        offset: Some(page * ACTIVITY_PAGE_SIZE),
        ..TransactionQuery::default()
    };
    let found = crate::api::state()
        .bluum
        .list_transactions(&me.investor_id, &query)
        .await?;
    let mut items: Vec<ActivityItem> = found.data.into_iter().map(ssr::item_of).collect();
    let has_more = items.len() > ACTIVITY_PAGE_SIZE as usize;
    items.truncate(ACTIVITY_PAGE_SIZE as usize);
    Ok(ActivityPage {
        items,
        page,
        has_more,
    })
}

/// The signed-in user's home: their portfolio's figures, the next step, the latest activity.
#[server(endpoint = "dashboard/get")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::api::onboarding::KycStage;
    let user = crate::api::require_user().await?;
    let name = user.name.clone();
    let me = match crate::api::require_investor().await {
        Ok(me) => me,
        Err(AppError::NotOnboarded) => {
            return Ok(Dashboard {
                name,
                next_step: Some(NextStep::OpenAccount),
                portfolio: None,
                recent: Vec::new(),
            })
        }
        Err(other) => return Err(other),
    };
    let kyc = crate::api::onboarding::get_kyc_status().await?;
    if kyc.stage != KycStage::Approved {
        return Ok(Dashboard {
            name,
            next_step: Some(NextStep::FinishApplication),
            portfolio: None,
            recent: Vec::new(),
        });
    }
    let (portfolio, recent, banks) = tokio::try_join!(
        crate::api::portfolio::get_portfolio(String::new(), "1w".into()),
        list_activity(String::new(), 0),
        crate::api::money::ssr::active_banks(&me.investor_id),
    )?;
    let next_step = if banks.is_empty() && portfolio.summary.total_value.is_zero() {
        Some(NextStep::LinkBank)
    } else if portfolio.summary.total_value.is_zero() {
        Some(NextStep::Deposit)
    } else if portfolio.positions.is_empty() && !recent.items.iter().any(|i| i.kind == "Buy") {
        Some(NextStep::FirstTrade)
    } else {
        None
    };
    Ok(Dashboard {
        name,
        next_step,
        portfolio: Some(portfolio),
        recent: recent.items.into_iter().take(5).collect(),
    })
}

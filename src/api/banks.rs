//! Bank accounts: linking through Plaid (real or simulated), manual bank details, listing and
//! disconnecting. Bluum endpoints: `POST …/funding-sources/plaid/link-token`,
//! `POST …/funding-sources/connect`, `GET …/funding-sources[/{id}]`,
//! `DELETE …/funding-sources/{id}`, always under the investor of the session.
//!
//! One server path links a Plaid bank whichever Link produced the public token: Plaid's own
//! Link script (with a Bluum key pair) or the simulated Link of `pages::banks::sim_link`
//! (with the built-in simulator). Account and routing numbers pass through to Bluum only:
//! they are never stored, logged or echoed (the argument types redact them in `Debug`).

use std::fmt;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A value typed into a form that must never reach a log: an account number, a password, a
/// Plaid public token. `Debug` prints `[redacted]` (server function arguments derive `Debug`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Whether a linked account can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BankStatus {
    Active,
    Disconnected,
    Error,
}

impl BankStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Disconnected => "Disconnected",
            Self::Error => "Needs attention",
        }
    }
}

/// A linked bank account as the pages show it: never the full account or routing number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bank {
    /// Bluum's `fs_…` id.
    pub id: String,
    pub bank_name: String,
    pub account_name: String,
    /// The last four digits, or empty when Bluum did not say.
    pub mask: String,
    /// "Checking", "Savings" or empty.
    pub account_type: String,
    /// Linked through Plaid (`true`) or typed in.
    pub plaid: bool,
    pub status: BankStatus,
}

/// How the bank-linking page links a bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkStart {
    /// `true` with the built-in simulator: the page shows the simulated Link. `false` with a
    /// Bluum key pair: the page loads Plaid's Link script with `link_token`.
    pub simulated: bool,
    /// The Plaid Link token Bluum made for this investor.
    pub link_token: String,
}

/// What the simulated bank sign-in gives the next step of the simulated Link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxSession {
    pub institution: String,
    /// Becomes part of the public token the simulated Link hands over at the end.
    pub session: String,
}

/// The sandbox institution of Plaid (and so of the simulated Link): `(id, name)`.
pub const SANDBOX_INSTITUTION: (&str, &str) = ("ins_109508", "First Platypus Bank");
/// The sandbox accounts of First Platypus Bank: `(mask, name, type)`.
pub const SANDBOX_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("0000", "Plaid Checking", "Checking"),
    ("1111", "Plaid Saving", "Savings"),
];
/// Plaid's sandbox credentials.
pub const SANDBOX_USERNAME: &str = "user_good";
pub const SANDBOX_PASSWORD: &str = "pass_good";

/// The public token the simulated Link hands over for `session` and the chosen account masks
/// (the simulator links only those accounts; no masks links every account).
pub fn sandbox_public_token(session: &str, masks: &[String]) -> String {
    let mut token = format!("public-sandbox-{session}");
    for mask in masks {
        token.push('-');
        token.push_str(mask);
    }
    token
}

/// Whether `routing` is a valid ABA routing number: nine digits whose weighted sum
/// 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) is a multiple of 10.
pub fn routing_number_ok(routing: &str) -> bool {
    let digits: Vec<u32> = routing.chars().filter_map(|c| c.to_digit(10)).collect();
    if routing.len() != 9 || digits.len() != 9 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| d * [3, 7, 1][i % 3])
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(feature = "ssr")]
pub(crate) use ssr::bank_of;

#[cfg(feature = "ssr")]
mod ssr {
    pub use serde_json::json;

    pub use super::{Bank, BankStatus};
    pub use crate::api::{field, require_investor, state};
    pub use crate::bluum::ids::FundingSourceId;
    pub use crate::bluum::models::common::Sensitive;
    pub use crate::bluum::models::funding_sources::{
        BankAccountType, FundingSource, FundingSourceStatus, FundingSourceType, LinkTokenRequest,
        ManualFundingSourceRequest,
    };
    pub use crate::error::AppError;
    pub use crate::server::auth::audit::{self, Entry, Outcome};
    pub use crate::server::config::BluumMode;
    pub use crate::server::request::InvestorContext;

    /// What the pages may see of a funding source.
    pub fn bank_of(source: FundingSource) -> Bank {
        let digits: String = source
            .mask
            .as_deref()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let mask = digits[digits.len().saturating_sub(4)..].to_owned();
        let account_type = match source.account_subtype.as_deref() {
            Some(s) if s.eq_ignore_ascii_case("checking") => "Checking",
            Some(s) if s.eq_ignore_ascii_case("savings") => "Savings",
            _ => "",
        };
        let bank_name = source.bank_name.unwrap_or_else(|| "Your bank".to_owned());
        Bank {
            id: source.id.to_string(),
            account_name: source.account_name.unwrap_or_else(|| bank_name.clone()),
            bank_name,
            mask,
            account_type: account_type.to_owned(),
            plaid: source.kind != Some(FundingSourceType::Manual),
            status: match source.status {
                FundingSourceStatus::Active => BankStatus::Active,
                FundingSourceStatus::Disconnected => BankStatus::Disconnected,
                FundingSourceStatus::Error | FundingSourceStatus::Unknown(_) => BankStatus::Error,
            },
        }
    }

    /// Whether the app runs against the built-in simulator (no Bluum key pair).
    pub fn simulated() -> bool {
        matches!(state().config.bluum, BluumMode::Simulator { .. })
    }

    /// A funding source id from the browser: only its shape is checked here; Bluum's paths
    /// are scoped by the session's investor, so another investor's id is simply not found.
    pub fn source_id(id: &str) -> Result<FundingSourceId, AppError> {
        FundingSourceId::parse(id.trim()).map_err(|_| AppError::NotFound)
    }

    /// Puts Bluum's validation errors on the manual form's fields.
    pub fn on_manual_field(err: AppError) -> AppError {
        match err {
            AppError::Validation { field, message } => match field.as_str() {
                // Bluum's message about a number is replaced (it could quote the value).
                "account_number" => AppError::validation(
                    field,
                    "Our investing partner didn't accept this account number. Check it and try again.",
                ),
                "routing_number" => AppError::validation(
                    field,
                    "Our investing partner didn't accept this routing number. Check it and try again.",
                ),
                "bank_name" | "account_holder_name" => AppError::Validation { field, message },
                "bank_account_type" => AppError::validation("account_type", message),
                _ => AppError::validation("form", message),
            },
            other => other,
        }
    }

    /// Records that `me` linked `banks`, one audit record per account.
    pub async fn audit_linked(
        me: &InvestorContext,
        banks: &[Bank],
        how: &str,
    ) -> Result<(), AppError> {
        let pool = &state().pool;
        for bank in banks {
            audit::record(
                pool,
                Entry::new("bank_linked", Some(me.user.id), Outcome::Success)
                    .upstream_id(&bank.id)
                    .detail(json!({ "method": how, "bank_name": bank.bank_name }))
                    .ip(&me.ip),
            )
            .await?;
        }
        Ok(())
    }
}

/// The signed-in investor's bank accounts, active ones first.
#[server(endpoint = "banks/list")]
pub async fn list_banks() -> Result<Vec<Bank>, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let sources = state()
        .bluum
        .list_funding_sources(&me.investor_id, Some(FundingSourceType::All))
        .await?;
    let mut banks: Vec<Bank> = sources.data.into_iter().map(bank_of).collect();
    banks.sort_by_key(|b| b.status != BankStatus::Active);
    Ok(banks)
}

/// One of the investor's bank accounts (for the disconnect confirmation).
#[server(endpoint = "banks/get")]
pub async fn get_bank(id: String) -> Result<Bank, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let id = source_id(&id)?;
    let source = state()
        .bluum
        .get_funding_source(&me.investor_id, &id)
        .await?;
    Ok(bank_of(source))
}

/// Whether bank linking is simulated (no Bluum key pair). Nothing else about the set-up
/// reaches the browser.
#[server(endpoint = "banks/link_mode")]
pub async fn link_mode() -> Result<bool, AppError> {
    use ssr::*;
    require_investor().await?;
    Ok(simulated())
}

/// A Plaid Link token from Bluum for the investor, and which Link to open with it.
#[server(endpoint = "banks/link_token")]
pub async fn start_link() -> Result<LinkStart, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let token = state()
        .bluum
        .create_plaid_link_token(&me.investor_id, &LinkTokenRequest::default())
        .await?;
    Ok(LinkStart {
        simulated: simulated(),
        link_token: token.link_token,
    })
}

/// The bank sign-in step of the simulated Link (simulator only): Plaid's sandbox credentials
/// `user_good` / `pass_good`. Without JavaScript it moves the page on to the account choice.
#[server(endpoint = "banks/sandbox_sign_in")]
pub async fn sandbox_sign_in(
    institution: String,
    username: String,
    password: Secret,
) -> Result<SandboxSession, AppError> {
    use ssr::*;
    require_investor().await?;
    if !simulated() {
        return Err(AppError::NotFound);
    }
    if institution != crate::api::banks::SANDBOX_INSTITUTION.0 {
        return Err(field("form", "Choose your bank first."));
    }
    if username.trim().is_empty() {
        return Err(field("username", "Enter your username."));
    }
    if username.trim() != crate::api::banks::SANDBOX_USERNAME
        || password.expose() != crate::api::banks::SANDBOX_PASSWORD
    {
        return Err(field(
            "password",
            "The username or password is incorrect. In the sandbox, use user_good and pass_good.",
        ));
    }
    let session = SandboxSession {
        institution,
        session: uuid::Uuid::new_v4().to_string(),
    };
    leptos_axum::redirect(&format!(
        "/banks/link?step=accounts&institution={}&session={}",
        session.institution, session.session
    ));
    Ok(session)
}

/// Links the accounts of a Plaid public token (from Plaid's Link or the simulated one)
/// through Bluum's `funding-sources/connect`. The token is single use.
#[server(endpoint = "banks/connect_plaid")]
pub async fn connect_plaid(public_token: Secret) -> Result<Vec<Bank>, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let token = public_token.expose().trim();
    if !token.starts_with("public-") || token.len() > 256 {
        return Err(field(
            "public_token",
            "Plaid did not hand over a bank connection. Please start linking again.",
        ));
    }
    let sources = state()
        .bluum
        .connect_plaid(&me.investor_id, Sensitive::new(token))
        .await
        .map_err(|err| match AppError::from(err) {
            // Single use: most often a second exchange of the same token.
            AppError::Validation { .. } => field(
                "public_token",
                "This bank connection has already been used or has expired. Please link your bank again.",
            ),
            other => other,
        })?;
    let banks: Vec<Bank> = sources.data.into_iter().map(bank_of).collect();
    audit_linked(&me, &banks, "plaid").await?;
    leptos_axum::redirect(&format!("/banks?linked={}", banks.len()));
    Ok(banks)
}

/// Links a bank account from details typed in by the user.
#[server(endpoint = "banks/connect_manual")]
pub async fn connect_manual(
    bank_name: String,
    account_holder_name: String,
    routing_number: Secret,
    account_number: Secret,
    account_number_confirm: Secret,
    account_type: String,
) -> Result<Bank, AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let bank_name = bank_name.trim();
    if bank_name.is_empty() || bank_name.chars().count() > 100 {
        return Err(field("bank_name", "Enter the name of your bank."));
    }
    crate::text::free_text(bank_name).map_err(|m| field("bank_name", m))?;
    let holder = account_holder_name.trim();
    if holder.is_empty() || holder.chars().count() > 100 {
        return Err(field(
            "account_holder_name",
            "Enter the name on the account.",
        ));
    }
    crate::text::person_name(holder).map_err(|m| field("account_holder_name", m))?;
    let routing: String = routing_number
        .expose()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if routing.len() != 9 || !routing.bytes().all(|b| b.is_ascii_digit()) {
        return Err(field("routing_number", "Enter the 9-digit routing number."));
    }
    if !crate::api::banks::routing_number_ok(&routing) {
        return Err(field(
            "routing_number",
            "That routing number isn't valid. Check it on a check or with your bank.",
        ));
    }
    let number: String = account_number
        .expose()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(4..=17).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(field(
            "account_number",
            "Enter an account number of 4 to 17 digits.",
        ));
    }
    let confirm: String = account_number_confirm
        .expose()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if confirm != number {
        return Err(field(
            "account_number_confirm",
            "The account numbers don't match.",
        ));
    }
    let kind = match account_type.as_str() {
        "checking" => BankAccountType::Checking,
        "savings" => BankAccountType::Savings,
        _ => return Err(field("account_type", "Choose checking or savings.")),
    };
    let request = ManualFundingSourceRequest {
        bank_name: bank_name.to_owned(),
        account_holder_name: holder.to_owned(),
        account_number: Sensitive::new(number),
        bank_account_type: Some(kind),
        routing_number: Some(routing),
        currency: Some("USD".into()),
        country: Some("US".into()),
        ..Default::default()
    };
    let source = state()
        .bluum
        .connect_manual(&me.investor_id, request)
        .await
        .map_err(|err| on_manual_field(err.into()))?;
    let bank = bank_of(source);
    audit_linked(&me, std::slice::from_ref(&bank), "manual").await?;
    leptos_axum::redirect("/banks?linked=1");
    Ok(bank)
}

/// Disconnects one of the investor's bank accounts (Bluum keeps its history).
#[server(endpoint = "banks/disconnect")]
pub async fn disconnect_bank(id: String) -> Result<(), AppError> {
    use ssr::*;
    let me = require_investor().await?;
    let id = source_id(&id)?;
    let bluum = &state().bluum;
    // Asked first, under the session's investor: another investor's id is a 404 here, and
    // the answer says which kind of source to disconnect.
    let source = bluum.get_funding_source(&me.investor_id, &id).await?;
    let kind = match source.kind {
        Some(FundingSourceType::Manual) => FundingSourceType::Manual,
        _ => FundingSourceType::Plaid,
    };
    bluum
        .disconnect_funding_source(&me.investor_id, &id, kind)
        .await?;
    audit::record(
        &state().pool,
        Entry::new("bank_disconnected", Some(me.user.id), Outcome::Success)
            .upstream_id(id.as_str())
            .ip(&me.ip),
    )
    .await?;
    leptos_axum::redirect("/banks?disconnected=1");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_numbers_are_checksummed() {
        // Real ABA numbers: JPMorgan Chase (NY), Bank of America (CA), Plaid's sandbox bank.
        for good in ["021000021", "121000358", "011401533"] {
            assert!(routing_number_ok(good), "{good}");
        }
        for bad in [
            "021000022",
            "123456789",
            "02100002",
            "0210000210",
            "02100002a",
            "",
        ] {
            assert!(!routing_number_ok(bad), "{bad}");
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let secret = Secret::new("000123456789");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"000123456789\"");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn bluum_validation_errors_land_on_the_manual_form_fields() {
        use crate::bluum::error::BluumError;
        let bluum = |param: &str, message: &str| {
            let body = format!(
                r#"{{"error":{{"type":"invalid_request_error","code":"BLUM-400-003","message":"{message}","param":"{param}"}}}}"#
            );
            AppError::from(BluumError::from_response(400, None, None, body.as_bytes()))
        };
        let on = |err: AppError| match ssr::on_manual_field(err) {
            AppError::Validation { field, message } => (field, message),
            other => panic!("{other:?}"),
        };
        let (field, message) = on(bluum("account_number", "0001234 is too short"));
        assert_eq!(field, "account_number");
        assert!(!message.contains("0001234"));
        let (field, message) = on(bluum("routing_number", "021000022 is not an ABA number"));
        assert_eq!(field, "routing_number");
        assert!(!message.contains("021000022"));
        assert_eq!(
            on(bluum("bank_name", "bank_name is required")),
            ("bank_name".into(), "bank_name is required".into())
        );
        assert_eq!(on(bluum("bank_account_type", "bad")).0, "account_type");
        assert_eq!(on(bluum("currency", "bad")).0, "form");
    }

    #[test]
    fn sandbox_tokens_carry_the_chosen_accounts() {
        assert_eq!(sandbox_public_token("abc", &[]), "public-sandbox-abc");
        assert_eq!(
            sandbox_public_token("abc", &["0000".into(), "1111".into()]),
            "public-sandbox-abc-0000-1111"
        );
    }
}

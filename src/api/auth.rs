//! Server functions for signing up, in and out, two-factor sign-in and forgotten passwords.
//! They touch no Bluum endpoint.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Who is signed in, for the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    /// The investor's buying power, once their account is approved (from the portfolio
    /// reading the invest pages keep; `None` before approval or when Bluum can't be read).
    pub buying_power: Option<rust_decimal::Decimal>,
}

/// What the forgotten-password form shows after sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRequested {
    /// Email goes to the development outbox (so the page can link to it).
    pub outbox: bool,
}

/// Server-side pieces shared by the functions below.
#[cfg(feature = "ssr")]
mod ssr {
    pub use secrecy::SecretString;
    pub use serde_json::json;

    pub use crate::api::{client_ip, field, state, throttled};
    pub use crate::error::AppError;
    pub use crate::server::auth::audit::{self, Entry, Outcome};
    pub use crate::server::auth::{password, reset, session, throttle, totp, users};

    /// The signed-in investor's buying power for the header, once their account is known to
    /// be approved (the invest pages' `JourneyGate` keeps approvals); read through the
    /// portfolio cache, so a page view rarely asks Bluum. `None` on any failure: the header
    /// then shows no balance rather than an error.
    pub async fn buying_power() -> Option<rust_decimal::Decimal> {
        let me = crate::api::require_investor().await.ok()?;
        let app = state();
        app.approvals.get(me.investor_id.as_str()).await?;
        crate::server::portfolio::balances(&app.bluum, &app.portfolios, &me.investor_id)
            .await
            .ok()
            .map(|b| b.buying_power)
    }

    /// The one message for a wrong email or password, so it never tells which.
    pub const INVALID_CREDENTIALS: &str = "Email or password is incorrect.";

    /// Counts one `kind` attempt (sign-up, reset request) for `email` and `ip`, in counters of
    /// their own apart from sign-ins; refuses it once either has reached its limit.
    pub async fn limit_attempts(kind: &str, email: &str, ip: &str) -> Result<(), AppError> {
        let (account, address) = (format!("{kind}:{email}"), format!("{kind}:{ip}"));
        throttled(&account, &address).await?;
        throttle::record_failure(&state().pool, &account, &address).await?;
        Ok(())
    }
}

/// Who is signed in (None when nobody is).
#[server(endpoint = "auth/whoami")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    let Some(user) = crate::api::optional_user().await? else {
        return Ok(None);
    };
    Ok(Some(Me {
        buying_power: ssr::buying_power().await,
        name: user.name,
        email: user.email,
    }))
}

/// Creates an account and signs in. Redirects to `/onboarding`, the start of the journey.
#[server(endpoint = "auth/sign_up")]
pub async fn sign_up(name: String, email: String, password: String) -> Result<(), AppError> {
    use ssr::*;
    let state = state();
    let name = users::normalise_name(&name).map_err(|m| field("name", m))?;
    let email = users::normalise_email(&email).map_err(|m| field("email", m))?;
    password::check_new_password(&password, &email, &name).map_err(|m| field("password", m))?;
    // A sign-up costs a password hash, and its answer tells whether the email is taken, so
    // neither may be asked for without limit.
    let ip = client_ip();
    limit_attempts("signup", &email, &ip).await?;
    let hash = password::hash(SecretString::from(password)).await?;

    let mut tx = audit::begin(&state.pool).await?;
    let Some(user) = users::create(&mut *tx, &email, &name, &hash).await? else {
        // The sign-up form is the one place an email's existence shows; a real deployment
        // would email the owner instead. The message at least does not confirm a password.
        return Err(field(
            "email",
            "An account with this email already exists. Sign in instead.",
        ));
    };
    tx.commit(Entry::new("sign_up", Some(user.id), Outcome::Success).ip(&ip))
        .await?;

    let session = session::request_session().await?;
    session::sign_in(&session, &user).await?;
    leptos_axum::redirect("/onboarding");
    Ok(())
}

/// Checks email and password; then either signs in (redirect to `next`) or asks for the
/// two-factor code (redirect to `/sign-in/two-factor`).
#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let state = state();
    let ip = client_ip();
    let email = users::normalise_email(&email).map_err(|m| field("email", m))?;
    if password.is_empty() {
        return Err(field("password", "Enter your password."));
    }
    throttled(&email, &ip).await?;

    let user = users::find_by_email(&state.pool, &email).await?;
    let ok = password::verify(
        SecretString::from(password),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        (_, user) => {
            throttle::record_failure(&state.pool, &email, &ip).await?;
            audit::record(
                &state.pool,
                Entry::new("sign_in", user.map(|u| u.id), Outcome::Failure)
                    .detail(json!({ "reason": "invalid_credentials" }))
                    .ip(&ip),
            )
            .await?;
            return Err(field("form", INVALID_CREDENTIALS));
        }
    };

    let next = session::safe_next(next.as_deref());
    let session = session::request_session().await?;
    if user.two_factor_enabled() {
        session::set_pending_two_factor(&session, &user, next).await?;
        leptos_axum::redirect("/sign-in/two-factor");
        return Ok(());
    }
    throttle::clear_account(&state.pool, &email).await?;
    session::sign_in(&session, &user).await?;
    audit::record(
        &state.pool,
        Entry::new("sign_in", Some(user.id), Outcome::Success).ip(&ip),
    )
    .await?;
    leptos_axum::redirect(&next);
    Ok(())
}

/// The second sign-in step: an authenticator code or a recovery code.
#[server(endpoint = "auth/two_factor")]
pub async fn verify_two_factor(code: String) -> Result<(), AppError> {
    use ssr::*;
    let state = state();
    let ip = client_ip();
    let session = session::request_session().await?;
    let Some(pending) = session::pending_two_factor(&session).await? else {
        return Err(field(
            "code",
            "Your sign-in timed out. Please sign in again.",
        ));
    };
    let user = match users::find_by_id(&state.pool, pending.user_id).await? {
        Some(user) if user.session_epoch == pending.epoch => user,
        _ => {
            session::clear_pending_two_factor(&session).await?;
            return Err(field(
                "code",
                "Your sign-in timed out. Please sign in again.",
            ));
        }
    };
    throttled(&user.email, &ip).await?;
    let mut conn = state.pool.acquire().await?;
    if !totp::accept_code(&mut conn, &state.config.data_key, &user, &code).await? {
        throttle::record_failure(&state.pool, &user.email, &ip).await?;
        audit::record(
            &state.pool,
            Entry::new("sign_in", Some(user.id), Outcome::Failure)
                .detail(json!({ "reason": "invalid_two_factor_code" }))
                .ip(&ip),
        )
        .await?;
        return Err(field(
            "code",
            "That code didn't work. Enter the 6-digit code from your app, or a recovery code.",
        ));
    }
    throttle::clear_account(&state.pool, &user.email).await?;
    session::sign_in(&session, &user).await?;
    audit::record(
        &state.pool,
        Entry::new("sign_in", Some(user.id), Outcome::Success)
            .detail(json!({ "two_factor": true }))
            .ip(&ip),
    )
    .await?;
    leptos_axum::redirect(&pending.next);
    Ok(())
}

/// Ends this session on the server. Redirects home.
#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use ssr::*;
    let state = state();
    let session = session::request_session().await?;
    if let Some(user) = session::current_user(&session, &state.pool).await? {
        let ip = client_ip();
        audit::record(
            &state.pool,
            Entry::new("sign_out", Some(user.id), Outcome::Success).ip(&ip),
        )
        .await?;
    }
    session::sign_out(&session).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Emails a reset link if an account has this email; answers the same either way.
#[server(endpoint = "auth/forgot_password")]
pub async fn request_password_reset(email: String) -> Result<ResetRequested, AppError> {
    use ssr::*;
    let state = state();
    let ip = client_ip();
    let email = users::normalise_email(&email).map_err(|m| field("email", m))?;
    // Resets are throttled per address like sign-ins, so the form cannot be used to flood
    // someone's inbox; each request counts as an attempt.
    limit_attempts("reset", &email, &ip).await?;
    if let Some(user) = users::find_by_email(&state.pool, &email).await? {
        let token = reset::create(&state.pool, user.id).await?;
        let link = format!("{}/reset-password?token={token}", state.config.public_url);
        let minutes = reset::LINK_LIFETIME.whole_minutes();
        let brand = &state.config.brand;
        // Sent in the background: the answer must not take longer, or fail, only when the
        // email has an account (a slow or failing mail server would otherwise tell).
        state
            .email
            .send_in_background(crate::server::auth::email::Email {
                to: user.email.clone(),
                subject: format!("Reset your {} password", brand.name),
                body: format!(
                    "Hi {},\n\nSomeone (hopefully you) asked to reset the password of your {product} account.\n\nChoose a new password here (the link works once, for {minutes} minutes):\n{link}\n\nIf you did not ask for this, you can ignore this email; your password stays as it is.\n\nQuestions? Write to {support}.\n\n{product}\n",
                    user.name,
                    product = brand.name,
                    support = brand.support_email,
                ),
            });
        audit::record(
            &state.pool,
            Entry::new("password_reset_requested", Some(user.id), Outcome::Success).ip(&ip),
        )
        .await?;
    }
    let outbox = state.email.is_outbox() && !state.config.is_production();
    leptos_axum::redirect(if outbox {
        "/forgot-password?sent=1&outbox=1"
    } else {
        "/forgot-password?sent=1"
    });
    Ok(ResetRequested { outbox })
}

/// Sets a new password with a reset link's token. Ends every session of the user.
#[server(endpoint = "auth/reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use ssr::*;
    let state = state();
    let ip = client_ip();
    let expired = || {
        field(
            "token",
            "This reset link has expired or was already used. Ask for a new one.",
        )
    };
    let Some(user_id) = reset::peek(&state.pool, &token).await? else {
        return Err(expired());
    };
    let Some(user) = users::find_by_id(&state.pool, user_id).await? else {
        return Err(expired());
    };
    password::check_new_password(&password, &user.email, &user.name)
        .map_err(|m| field("password", m))?;
    let hash = password::hash(SecretString::from(password)).await?;

    let mut tx = audit::begin(&state.pool).await?;
    // Consumed inside the transaction: a link raced twice changes the password once.
    if reset::consume(&mut tx, &token).await? != Some(user.id) {
        return Err(expired());
    }
    users::set_password(&mut *tx, user.id, &hash).await?;
    tx.commit(Entry::new("password_reset", Some(user.id), Outcome::Success).ip(&ip))
        .await?;
    throttle::clear_account(&state.pool, &user.email).await?;
    leptos_axum::redirect("/sign-in?reset=1");
    Ok(())
}

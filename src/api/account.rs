//! Server functions for the signed-in user's own account: profile, password, two-factor
//! sign-in. They touch no Bluum endpoint. Every one starts with `require_user`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The profile page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub email: String,
    pub two_factor_enabled: bool,
    pub recovery_codes_left: i64,
    /// Whether the user has opened an investing account (the id itself stays on the server).
    pub has_investor: bool,
    /// A two-factor set-up started in this session and not yet confirmed, so the page shows it
    /// again after a reload (or a form post without JavaScript).
    pub pending_two_factor: Option<TwoFactorSetup>,
    /// The recovery codes of a two-factor set-up just confirmed: shown on the next render of
    /// the page only (taken out of the session as they are read).
    pub new_recovery_codes: Vec<String>,
}

/// What an authenticator app needs to start producing codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// Base32 secret, for typing in by hand.
    pub secret: String,
    /// `otpauth://` link, which phone authenticator apps open directly.
    pub uri: String,
    /// The link as a QR code: SVG markup made on the server from `uri` alone.
    pub qr_svg: String,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use secrecy::SecretString;
    pub use serde_json::json;

    pub use super::TwoFactorSetup;
    pub use crate::api::{client_ip, field, require_user, state, throttled};
    pub use crate::error::AppError;
    pub use crate::server::auth::audit::{self, Entry, Outcome};
    pub use crate::server::auth::users::User;
    pub use crate::server::auth::{investor_link, password, session, throttle, totp, users};

    pub const ENROLMENT_KEY: &str = "auth.totp_enrolment";
    /// The recovery codes of a set-up just confirmed, sealed, until the page shows them once.
    pub const NEW_CODES_KEY: &str = "auth.new_recovery_codes";

    /// The secret of a two-factor set-up started in this session (kept sealed in the session
    /// until a code proves the app has it). `None` when there is none, or it no longer opens.
    pub async fn pending_enrolment(
        session: &tower_sessions::Session,
        user: &User,
    ) -> Result<Option<String>, AppError> {
        let sealed = session.get::<String>(ENROLMENT_KEY).await?;
        Ok(sealed.and_then(|sealed| {
            state()
                .config
                .data_key
                .open(&sealed, user.id.as_bytes())
                .ok()
        }))
    }

    /// What the page shows to enrol `secret` for the account `email`.
    pub fn setup_for(secret: String, email: &str) -> Result<TwoFactorSetup, AppError> {
        let uri = totp::provisioning_uri(&secret, email, &state().config.brand.name)?;
        let qr_svg = totp::qr_svg(&uri)?;
        Ok(TwoFactorSetup {
            secret,
            uri,
            qr_svg,
        })
    }

    /// Checks the current password (and the two-factor code when it is on) before a sensitive
    /// change. Failures count towards the sign-in throttle.
    /// `fields` names the form's password and code fields, for the messages.
    pub async fn reauthenticate(
        user: &User,
        current_password: String,
        code: Option<String>,
        fields: (&str, &str),
    ) -> Result<(), AppError> {
        let (password_field, code_field) = fields;
        let state = state();
        let ip = client_ip();
        throttled(&user.email, &ip).await?;
        let ok = password::verify(
            SecretString::from(current_password),
            Some(user.password_hash.clone()),
        )
        .await?;
        if !ok {
            throttle::record_failure(&state.pool, &user.email, &ip).await?;
            return Err(field(password_field, "That isn't your current password."));
        }
        if user.two_factor_enabled() {
            let code = code.unwrap_or_default();
            if code.trim().is_empty() {
                return Err(field(
                    code_field,
                    "Enter the 6-digit code from your authenticator app.",
                ));
            }
            let mut conn = state.pool.acquire().await?;
            if !totp::accept_code(&mut conn, &state.config.data_key, user, &code).await? {
                throttle::record_failure(&state.pool, &user.email, &ip).await?;
                return Err(field(
                    code_field,
                    "That code didn't work. Try the current code from your app.",
                ));
            }
        }
        Ok(())
    }
}

/// The signed-in user's profile.
#[server(endpoint = "account/profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    use ssr::*;
    let user = require_user().await?;
    let state = state();
    let mut conn = state.pool.acquire().await?;
    let recovery_codes_left = if user.two_factor_enabled() {
        totp::recovery_codes_left(&mut conn, user.id).await?
    } else {
        0
    };
    let has_investor = investor_link::investor_id_of(&state.pool, user.id)
        .await?
        .is_some();
    let session = session::request_session().await?;
    let pending_two_factor = if user.two_factor_enabled() {
        None
    } else {
        match pending_enrolment(&session, &user).await? {
            Some(secret) => Some(setup_for(secret, &user.email)?),
            None => None,
        }
    };
    // Shown once: read and forgotten.
    let new_recovery_codes = match session.remove::<String>(NEW_CODES_KEY).await? {
        Some(sealed) => state
            .config
            .data_key
            .open(&sealed, user.id.as_bytes())
            .ok()
            .and_then(|codes| serde_json::from_str(&codes).ok())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Profile {
        two_factor_enabled: user.two_factor_enabled(),
        name: user.name,
        email: user.email,
        recovery_codes_left,
        has_investor,
        pending_two_factor,
        new_recovery_codes,
    })
}

/// Changes name and email (a new email needs the current password, and a code when
/// two-factor is on).
#[server(endpoint = "account/update_profile")]
pub async fn update_profile(
    name: String,
    email: String,
    confirm_password: Option<String>,
    confirm_code: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let user = require_user().await?;
    let state = state();
    let name = users::normalise_name(&name).map_err(|m| field("name", m))?;
    let email = users::normalise_email(&email).map_err(|m| field("email", m))?;
    let email_changed = email != user.email;
    if email_changed {
        // The email is where reset links go: changing it needs the same proof as a password
        // change, or a stolen session could take the account over.
        let password = confirm_password.unwrap_or_default();
        if password.is_empty() {
            return Err(field(
                "confirm_password",
                "Enter your current password to change your email.",
            ));
        }
        reauthenticate(
            &user,
            password,
            confirm_code,
            ("confirm_password", "confirm_code"),
        )
        .await?;
    }
    if !users::update_profile(&state.pool, user.id, &name, &email).await? {
        return Err(field(
            "email",
            "That email is already used by another account.",
        ));
    }
    let ip = client_ip();
    audit::record(
        &state.pool,
        Entry::new("profile_updated", Some(user.id), Outcome::Success)
            .detail(json!({ "email_changed": email_changed }))
            .ip(&ip),
    )
    .await?;
    leptos_axum::redirect("/account?saved=profile");
    Ok(())
}

/// Changes the password (asks for the current one, and a code when two-factor is on). Every
/// other session of the user ends.
#[server(endpoint = "account/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    code: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let user = require_user().await?;
    let state = state();
    password::check_new_password(&new_password, &user.email, &user.name)
        .map_err(|m| field("new_password", m))?;
    reauthenticate(&user, current_password, code, ("current_password", "code")).await?;
    let hash = password::hash(SecretString::from(new_password)).await?;
    let ip = client_ip();
    let mut tx = audit::begin(&state.pool).await?;
    let epoch = users::set_password(&mut *tx, user.id, &hash).await?;
    tx.commit(Entry::new("password_changed", Some(user.id), Outcome::Success).ip(&ip))
        .await?;
    // Every other session ended with the epoch; this one carries on under a new id.
    let session = session::request_session().await?;
    session::privilege_changed(&session, Some(epoch)).await?;
    leptos_axum::redirect("/account?saved=password");
    Ok(())
}

/// Starts two-factor enrolment: a new secret for the authenticator app, as a key, a link and
/// a QR code.
#[server(endpoint = "account/two_factor/start")]
pub async fn start_two_factor() -> Result<TwoFactorSetup, AppError> {
    use ssr::*;
    let user = require_user().await?;
    if user.two_factor_enabled() {
        return Err(AppError::Conflict(
            "Two-factor sign-in is already on.".into(),
        ));
    }
    let setup = setup_for(totp::new_secret(), &user.email)?;
    // Kept in the session until a code proves the app has it.
    let session = session::request_session().await?;
    let sealed = state()
        .config
        .data_key
        .seal(&setup.secret, user.id.as_bytes())?;
    session.insert(ENROLMENT_KEY, sealed).await?;
    leptos_axum::redirect("/account#two-factor");
    Ok(setup)
}

/// Finishes enrolment with a code from the app; returns the recovery codes (shown once).
#[server(endpoint = "account/two_factor/confirm")]
pub async fn confirm_two_factor(setup_code: String) -> Result<Vec<String>, AppError> {
    use ssr::*;
    let user = require_user().await?;
    let state = state();
    let session = session::request_session().await?;
    let Some(secret) = pending_enrolment(&session, &user).await? else {
        return Err(field("setup_code", "Start the set-up again: it timed out."));
    };
    let Some(step) = totp::matching_step(&secret, &setup_code, None)? else {
        return Err(field(
            "setup_code",
            "That code didn't work. Check the time on your phone and try the current code.",
        ));
    };
    let ip = client_ip();
    let mut tx = audit::begin(&state.pool).await?;
    let codes = totp::enable(&mut tx, &state.config.data_key, user.id, &secret, step).await?;
    tx.commit(Entry::new("two_factor_enabled", Some(user.id), Outcome::Success).ip(&ip))
        .await?;
    session.remove_value(ENROLMENT_KEY).await?;
    session::privilege_changed(&session, None).await?;
    // The page shows the codes once, after the redirect (with or without JavaScript).
    let sealed = state.config.data_key.seal(
        &serde_json::to_string(&codes).map_err(AppError::internal)?,
        user.id.as_bytes(),
    )?;
    session.insert(NEW_CODES_KEY, sealed).await?;
    leptos_axum::redirect("/account#two-factor");
    Ok(codes)
}

/// Turns two-factor sign-in off (asks for the password and a code).
#[server(endpoint = "account/two_factor/disable")]
pub async fn disable_two_factor(password: String, totp_code: String) -> Result<(), AppError> {
    use ssr::*;
    let user = require_user().await?;
    if !user.two_factor_enabled() {
        return Err(AppError::Conflict(
            "Two-factor sign-in is already off.".into(),
        ));
    }
    reauthenticate(&user, password, Some(totp_code), ("password", "totp_code")).await?;
    let state = state();
    let ip = client_ip();
    let mut tx = audit::begin(&state.pool).await?;
    totp::disable(&mut tx, user.id).await?;
    tx.commit(Entry::new("two_factor_disabled", Some(user.id), Outcome::Success).ip(&ip))
        .await?;
    let session = session::request_session().await?;
    session::privilege_changed(&session, None).await?;
    leptos_axum::redirect("/account?saved=two-factor-off#two-factor");
    Ok(())
}

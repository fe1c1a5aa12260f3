//! The simulated Plaid Link, shown when the app runs against the built-in simulator (no
//! Bluum key pair): institution search, the sandbox sign-in (`user_good` / `pass_good`), the
//! account choice, then success, with a way out at every step. It ends as Plaid's Link does,
//! with a `public-sandbox-…` token handed to the same server function (`connect_plaid`).
//!
//! It is a page (`/banks/link`) rendered on the server, so it works without JavaScript: the
//! step lives in the URL, and moving on is a link, a GET form, or a form post whose server
//! function redirects to the next step.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use crate::api::banks::{
    sandbox_public_token, ConnectPlaid, SandboxSignIn, SANDBOX_ACCOUNTS, SANDBOX_INSTITUTION,
    SANDBOX_PASSWORD, SANDBOX_USERNAME,
};
use crate::components::form::{field_error, form_error, Form, FormAlert};
use crate::components::ui::TextField;

/// Where the simulated Link is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Step {
    #[default]
    Search,
    Credentials,
    Accounts,
    Success,
}

/// The whole state of the simulated Link (what the URL carries on the page).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkState {
    pub step: Step,
    /// The institution search text.
    pub query: String,
    pub institution: String,
    /// From the sandbox sign-in.
    pub session: String,
    /// The masks of the chosen accounts.
    pub accounts: Vec<String>,
    /// Why the account step is shown again.
    pub error: Option<String>,
}

impl LinkState {
    /// Reads the state from the page's query string, falling back to the first step whatever
    /// is missing.
    pub fn from_query(query: &ParamsMap) -> Self {
        let get = |key: &str| query.get(key).unwrap_or_default();
        let institution = get("institution");
        let session = get("session");
        let accounts: Vec<String> = query
            .get_all("account")
            .unwrap_or_default()
            .into_iter()
            .filter(|mask| SANDBOX_ACCOUNTS.iter().any(|(m, _, _)| m == mask))
            .collect();
        let known = institution == SANDBOX_INSTITUTION.0;
        let signed_in = known && is_session(&session);
        let mut state = Self {
            query: get("q"),
            institution: if known { institution } else { String::new() },
            session: if signed_in { session } else { String::new() },
            accounts,
            ..Self::default()
        };
        state.step = match get("step").as_str() {
            "credentials" if known => Step::Credentials,
            "accounts" if signed_in => Step::Accounts,
            "success" if signed_in && state.accounts.is_empty() => {
                state.error = Some("Choose at least one account.".into());
                Step::Accounts
            }
            "success" if signed_in => Step::Success,
            _ => Step::Search,
        };
        state
    }

    /// The page URL of this state.
    pub fn url(&self) -> String {
        let mut url = String::from("/banks/link");
        let step = match self.step {
            Step::Search => return url,
            Step::Credentials => "credentials",
            Step::Accounts => "accounts",
            Step::Success => "success",
        };
        url.push_str("?step=");
        url.push_str(step);
        url.push_str("&institution=");
        url.push_str(&self.institution);
        if !self.session.is_empty() {
            url.push_str("&session=");
            url.push_str(&self.session);
        }
        for mask in &self.accounts {
            url.push_str("&account=");
            url.push_str(mask);
        }
        url
    }
}

/// A session id from the sandbox sign-in: a UUID (so it can go into a URL and a token as is).
fn is_session(value: &str) -> bool {
    value.len() == 36 && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The simulated Link at `state`.
#[component]
pub fn SimulatedLink(state: LinkState) -> impl IntoView {
    let step = match state.step {
        Step::Search => view! { <SearchStep state/> }.into_any(),
        Step::Credentials => view! { <CredentialsStep state/> }.into_any(),
        Step::Accounts => view! { <AccountsStep state/> }.into_any(),
        Step::Success => view! { <SuccessStep state/> }.into_any(),
    };
    view! {
        <div class="space-y-5" data-testid="simulated-link">
            <div class="flex items-center justify-between gap-2">
                <p class="text-sm font-semibold text-slate-500 dark:text-slate-400">"Plaid Link · sandbox simulation"</p>
                <a href="/banks?link=exited" class="btn btn-ghost">"Exit"</a>
            </div>
            {step}
        </div>
    }
}

#[component]
fn SearchStep(state: LinkState) -> impl IntoView {
    let q = state.query.trim().to_lowercase();
    let (_, name) = SANDBOX_INSTITUTION;
    let found = q.is_empty() || name.to_lowercase().contains(&q);
    let next = LinkState {
        step: Step::Credentials,
        institution: SANDBOX_INSTITUTION.0.to_owned(),
        ..LinkState::default()
    }
    .url();
    view! {
        <h2 id="link-title">"Select your bank"</h2>
        <form method="get" action="/banks/link" role="search" class="flex items-end gap-2">
            <div class="field flex-1">
                <label class="label" for="institution-search">"Search for your bank"</label>
                <input
                    class="input"
                    id="institution-search"
                    name="q"
                    type="search"
                    value=state.query.clone()
                />
            </div>
            <button type="submit" class="btn btn-secondary">"Search"</button>
        </form>
        {if found {
            view! {
                <ul class="space-y-2" aria-label="Banks">
                    <li>
                        <a href=next class="btn btn-secondary w-full justify-start">{name}</a>
                    </li>
                </ul>
            }.into_any()
        } else {
            view! {
                <p role="status" class="text-sm">
                    "No bank in the sandbox matches that. Try “First Platypus Bank”."
                </p>
            }.into_any()
        }}
    }
}

#[component]
fn CredentialsStep(state: LinkState) -> impl IntoView {
    // The sign-in's server function redirects to the accounts step.
    let sign_in = ServerAction::<SandboxSignIn>::new();
    view! {
        <h2 id="link-title">{format!("Sign in to {}", SANDBOX_INSTITUTION.1)}</h2>
        <p class="hint">{format!("Sandbox credentials: username {SANDBOX_USERNAME}, password {SANDBOX_PASSWORD}.")}</p>
        <Form action=sign_in class="space-y-4">
            <FormAlert error=form_error(sign_in, &["username", "password"])/>
            <input type="hidden" name="institution" value=state.institution.clone()/>
            <TextField name="username" label="Username" autocomplete="off" required=true error=field_error(sign_in, "username")/>
            <TextField name="password" label="Password" input_type="password" autocomplete="off" required=true error=field_error(sign_in, "password")/>
            <div class="flex gap-2">
                <button type="submit" class="btn btn-primary">"Sign in"</button>
                <a href=LinkState::default().url() class="btn btn-ghost">"Back"</a>
            </div>
        </Form>
    }
}

#[component]
fn AccountsStep(state: LinkState) -> impl IntoView {
    // Every account is ticked until the user says otherwise.
    let chosen: Vec<String> = if state.accounts.is_empty() {
        SANDBOX_ACCOUNTS
            .iter()
            .map(|(m, _, _)| (*m).to_owned())
            .collect()
    } else {
        state.accounts.clone()
    };
    let error = state.error.clone();
    let described_by = error.as_ref().map(|_| "accounts-error");
    view! {
        <h2 id="link-title">"Choose the accounts to link"</h2>
        <form method="get" action="/banks/link" class="space-y-4">
            <input type="hidden" name="step" value="success"/>
            <input type="hidden" name="institution" value=state.institution.clone()/>
            <input type="hidden" name="session" value=state.session.clone()/>
            <fieldset class="space-y-2" aria-describedby=described_by>
                <legend class="label">{format!("Accounts at {}", SANDBOX_INSTITUTION.1)}</legend>
                {SANDBOX_ACCOUNTS
                    .iter()
                    .map(|(mask, name, kind)| {
                        let id = format!("account-{mask}");
                        let checked = chosen.iter().any(|c| c == mask);
                        view! {
                            <label class="flex items-center gap-2" for=id.clone()>
                                <input
                                    type="checkbox"
                                    id=id.clone()
                                    name="account"
                                    value=*mask
                                    checked=checked
                                    class="h-4 w-4 accent-brand-600"
                                />
                                <span>{format!("{name} ({kind}) ••••{mask}")}</span>
                            </label>
                        }
                    })
                    .collect_view()}
                {error.map(|e| view! { <p id="accounts-error" class="field-error">{e}</p> })}
            </fieldset>
            <button type="submit" class="btn btn-primary">"Continue"</button>
        </form>
    }
}

#[component]
fn SuccessStep(state: LinkState) -> impl IntoView {
    // Linking redirects to the bank list.
    let connect = ServerAction::<ConnectPlaid>::new();
    let token = sandbox_public_token(&state.session, &state.accounts);
    let names: Vec<String> = SANDBOX_ACCOUNTS
        .iter()
        .filter(|(m, _, _)| state.accounts.iter().any(|a| a == m))
        .map(|(m, name, _)| format!("{name} ••••{m}"))
        .collect();
    view! {
        <h2 id="link-title">"Success"</h2>
        <p role="status">
            {format!("{} is ready to share: {}.", SANDBOX_INSTITUTION.1, names.join(", "))}
        </p>
        <Form action=connect class="space-y-4">
            <FormAlert error=form_error(connect, &[])/>
            <input type="hidden" name="public_token" value=token/>
            <button type="submit" class="btn btn-primary">"Continue"</button>
        </Form>
    }
}

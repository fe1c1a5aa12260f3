//! The simulated Plaid Link, shown when the app runs against the built-in simulator (no
//! Bluum key pair): institution search, the sandbox sign-in (`user_good` / `pass_good`), the
//! account choice, then success, with a way out at every step. It ends as Plaid's Link does,
//! with a `public-sandbox-…` token handed to the same server function (`connect_plaid`).
//!
//! One markup, two ways to drive it:
//! - **page** (`/banks/link`, works without JavaScript): the step lives in the URL; moving on
//!   is a link, a GET form or a form post whose answer redirects to the next step;
//! - **modal** (the dialog on `/banks`, with JavaScript): the step lives in a signal; the same
//!   links and forms are intercepted and move the signal instead.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;

use crate::api::banks::{
    sandbox_public_token, Bank, ConnectPlaid, SandboxSignIn, SANDBOX_ACCOUNTS, SANDBOX_INSTITUTION,
    SANDBOX_PASSWORD, SANDBOX_USERNAME,
};
use crate::components::form::{field_error, form_error, FormAlert};
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

    fn with_step(&self, step: Step) -> Self {
        Self {
            step,
            error: None,
            ..self.clone()
        }
    }
}

/// A session id from the sandbox sign-in: a UUID (so it can go into a URL and a token as is).
fn is_session(value: &str) -> bool {
    value.len() == 36 && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The simulated Link for `state`. `modal` says whether it runs in the dialog; `go` moves it
/// to another step, `exit` leaves it, `linked` is told what was linked.
#[component]
pub fn SimulatedLink(
    #[prop(into)] state: Signal<LinkState>,
    modal: bool,
    go: Callback<LinkState>,
    exit: Callback<()>,
    linked: Callback<Vec<Bank>>,
) -> impl IntoView {
    let current = move || state.get().step;
    view! {
        <div class="space-y-5" data-testid="simulated-link">
            <div class="flex items-center justify-between gap-2">
                <p class="text-sm font-semibold text-slate-500 dark:text-slate-400">"Plaid Link · sandbox simulation"</p>
                {if modal {
                    view! {
                        <button type="button" class="btn btn-ghost" on:click=move |_| exit.run(())>"Exit"</button>
                    }.into_any()
                } else {
                    view! { <a href="/banks?link=exited" class="btn btn-ghost">"Exit"</a> }.into_any()
                }}
            </div>
            {move || match current() {
                Step::Search => view! { <SearchStep state=state.get() modal go/> }.into_any(),
                Step::Credentials => view! { <CredentialsStep state=state.get() modal go/> }.into_any(),
                Step::Accounts => view! { <AccountsStep state=state.get() modal go/> }.into_any(),
                Step::Success => view! { <SuccessStep state=state.get() modal linked/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn SearchStep(state: LinkState, modal: bool, go: Callback<LinkState>) -> impl IntoView {
    let query = RwSignal::new(state.query.clone());
    let results = move || {
        let q = query.get().trim().to_lowercase();
        let (id, name) = SANDBOX_INSTITUTION;
        (q.is_empty() || name.to_lowercase().contains(&q)).then_some((id, name))
    };
    let choose = move |ev: leptos::ev::MouseEvent| {
        if modal {
            ev.prevent_default();
            go.run(LinkState {
                step: Step::Credentials,
                institution: SANDBOX_INSTITUTION.0.to_owned(),
                ..LinkState::default()
            });
        }
    };
    let next = LinkState {
        step: Step::Credentials,
        institution: SANDBOX_INSTITUTION.0.to_owned(),
        ..LinkState::default()
    }
    .url();
    view! {
        <h2 id="link-title">"Select your bank"</h2>
        <form
            method="get"
            action="/banks/link"
            role="search"
            class="flex items-end gap-2"
            on:submit=move |ev| {
                if modal {
                    ev.prevent_default();
                }
            }
        >
            <div class="field flex-1">
                <label class="label" for="institution-search">"Search for your bank"</label>
                <input
                    class="input"
                    id="institution-search"
                    name="q"
                    type="search"
                    value=state.query.clone()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </div>
            <button type="submit" class="btn btn-secondary">"Search"</button>
        </form>
        {move || match results() {
            Some((_, name)) => view! {
                <ul class="space-y-2" aria-label="Banks">
                    <li>
                        <a href=next.clone() class="btn btn-secondary w-full justify-start" on:click=choose>
                            {name}
                        </a>
                    </li>
                </ul>
            }.into_any(),
            None => view! {
                <p role="status" class="text-sm">
                    "No bank in the sandbox matches that. Try “First Platypus Bank”."
                </p>
            }.into_any(),
        }}
    }
}

#[component]
fn CredentialsStep(state: LinkState, modal: bool, go: Callback<LinkState>) -> impl IntoView {
    let sign_in = ServerAction::<SandboxSignIn>::new();
    let navigate = use_navigate();
    let from = state.clone();
    // With JavaScript the sign-in answers with the session; move on to the accounts.
    Effect::new(move |_| {
        if let Some(Ok(session)) = sign_in.value().get() {
            let next = LinkState {
                session: session.session,
                ..from.with_step(Step::Accounts)
            };
            if modal {
                go.run(next);
            } else {
                navigate(&next.url(), Default::default());
            }
        }
    });
    let back = LinkState::default();
    let back_url = back.url();
    view! {
        <h2 id="link-title">{format!("Sign in to {}", SANDBOX_INSTITUTION.1)}</h2>
        <p class="hint">{format!("Sandbox credentials: username {SANDBOX_USERNAME}, password {SANDBOX_PASSWORD}.")}</p>
        <ActionForm action=sign_in attr:class="space-y-4">
            <FormAlert error=form_error(sign_in, &["username", "password"])/>
            <input type="hidden" name="institution" value=state.institution.clone()/>
            <TextField name="username" label="Username" autocomplete="off" required=true error=field_error(sign_in, "username")/>
            <TextField name="password" label="Password" input_type="password" autocomplete="off" required=true error=field_error(sign_in, "password")/>
            <div class="flex gap-2">
                <button type="submit" class="btn btn-primary" disabled=move || sign_in.pending().get()>"Sign in"</button>
                <a
                    href=back_url
                    class="btn btn-ghost"
                    on:click=move |ev| {
                        if modal {
                            ev.prevent_default();
                            go.run(back.clone());
                        }
                    }
                >
                    "Back"
                </a>
            </div>
        </ActionForm>
    }
}

#[component]
fn AccountsStep(state: LinkState, modal: bool, go: Callback<LinkState>) -> impl IntoView {
    // Every account is ticked until the user says otherwise.
    let initial: Vec<String> = if state.accounts.is_empty() {
        SANDBOX_ACCOUNTS
            .iter()
            .map(|(m, _, _)| (*m).to_owned())
            .collect()
    } else {
        state.accounts.clone()
    };
    let chosen = RwSignal::new(initial.clone());
    let error = RwSignal::new(state.error.clone());
    let from = state.clone();
    view! {
        <h2 id="link-title">"Choose the accounts to link"</h2>
        <form
            method="get"
            action="/banks/link"
            class="space-y-4"
            on:submit=move |ev| {
                if modal {
                    ev.prevent_default();
                    let accounts = chosen.get_untracked();
                    if accounts.is_empty() {
                        error.set(Some("Choose at least one account.".into()));
                    } else {
                        go.run(LinkState { accounts, ..from.with_step(Step::Success) });
                    }
                }
            }
        >
            <input type="hidden" name="step" value="success"/>
            <input type="hidden" name="institution" value=state.institution.clone()/>
            <input type="hidden" name="session" value=state.session.clone()/>
            <fieldset class="space-y-2" aria-describedby=move || error.get().map(|_| "accounts-error")>
                <legend class="label">{format!("Accounts at {}", SANDBOX_INSTITUTION.1)}</legend>
                {SANDBOX_ACCOUNTS
                    .iter()
                    .map(|(mask, name, kind)| {
                        let mask = (*mask).to_owned();
                        let id = format!("account-{mask}");
                        let checked = initial.contains(&mask);
                        let m = mask.clone();
                        view! {
                            <label class="flex items-center gap-2" for=id.clone()>
                                <input
                                    type="checkbox"
                                    id=id.clone()
                                    name="account"
                                    value=mask.clone()
                                    checked=checked
                                    class="h-4 w-4 accent-brand-600"
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != m);
                                            if on {
                                                c.push(m.clone());
                                            }
                                        });
                                    }
                                />
                                <span>{format!("{name} ({kind}) ••••{mask}")}</span>
                            </label>
                        }
                    })
                    .collect_view()}
                <Show when=move || error.get().is_some()>
                    <p id="accounts-error" class="field-error">{move || error.get()}</p>
                </Show>
            </fieldset>
            <button type="submit" class="btn btn-primary">"Continue"</button>
        </form>
    }
}

#[component]
fn SuccessStep(state: LinkState, modal: bool, linked: Callback<Vec<Bank>>) -> impl IntoView {
    let connect = ServerAction::<ConnectPlaid>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(banks)) = connect.value().get() {
            if modal {
                linked.run(banks);
            } else {
                navigate(
                    &format!("/banks?linked={}", banks.len()),
                    Default::default(),
                );
            }
        }
    });
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
        <ActionForm action=connect attr:class="space-y-4">
            <FormAlert error=form_error(connect, &[])/>
            <input type="hidden" name="public_token" value=token/>
            <button type="submit" class="btn btn-primary" disabled=move || connect.pending().get()>
                "Continue"
            </button>
        </ActionForm>
    }
}

//! Bank accounts: `/banks` (the list), `/banks/link` (linking through Plaid, or the simulated
//! Link step by step), `/banks/manual` (bank details typed in) and `/banks/disconnect?id=fs_…`
//! (confirmation). Everything works without JavaScript except Plaid's own Link, which says so.

pub mod sim_link;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::banks::{
    get_bank, link_mode, list_banks, start_link, Bank, BankStatus, ConnectManual, ConnectPlaid,
    DisconnectBank,
};
use crate::components::form::{field_error, form_error, Form, FormAlert};
use crate::components::ui::{EmptyState, PageHeader, SelectField, SkeletonRows, TextField};
use crate::error::AppError;
use crate::pages::errors::LoadError;
use sim_link::{LinkState, SimulatedLink};

/// What a bank page shows when it cannot load: onboarding first, signing in, or the error.
fn load_error(err: AppError) -> AnyView {
    match err {
        AppError::NotOnboarded => view! {
            <div class="alert alert-info" data-testid="not-onboarded">
                "Bank accounts belong to your investing account, which isn't open yet. "
                <a href="/onboarding">"Open your investing account"</a>
                " first, then link your bank here."
            </div>
        }
        .into_any(),
        AppError::NotSignedIn => view! {
            <div class="alert alert-info">
                "Please " <a href="/sign-in?next=/banks">"sign in"</a> " to see your bank accounts."
            </div>
        }
        .into_any(),
        err => view! { <LoadError error=err/> }.into_any(),
    }
}

fn status_badge(status: BankStatus) -> impl IntoView {
    let class = match status {
        BankStatus::Active => "badge badge-success",
        BankStatus::Disconnected => "badge badge-neutral",
        BankStatus::Error => "badge badge-danger",
    };
    view! { <span class=class>{status.label()}</span> }
}

/// A one-line result of the last action, from the URL its server function redirected to.
fn notice_from_query(query: &leptos_router::params::ParamsMap) -> Option<String> {
    if let Some(n) = query.get("linked").and_then(|n| n.parse::<usize>().ok()) {
        return Some(match n {
            1 => "Bank account linked.".to_owned(),
            n => format!("{n} bank accounts linked."),
        });
    }
    if query.get("disconnected").is_some() {
        return Some("Bank account disconnected.".to_owned());
    }
    if query.get("link").as_deref() == Some("exited") {
        return Some("You left before linking a bank. Nothing was linked.".to_owned());
    }
    None
}

#[component]
pub fn BanksPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(|| (), |_| list_banks());
    let notice = move || notice_from_query(&query.get());

    view! {
        <Title text="Bank accounts"/>
        <PageHeader title="Bank accounts" subtitle="The banks you move money from and to."/>
        {move || notice().map(|n| view! { <div role="status" class="alert alert-info mb-6">{n}</div> })}
        {move || query.get().get("linked").is_some().then(|| view! {
            <p class="mb-6"><a href="/deposit" class="btn btn-primary">"Deposit money now"</a></p>
        })}
        <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(banks) => view! {
                        <BankList banks=banks/>
                        <LinkActions/>
                    }
                    .into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn BankList(banks: Vec<Bank>) -> impl IntoView {
    if banks.is_empty() {
        return view! {
            <EmptyState
                title="No bank linked yet"
                message="Link your bank to add money to your investing account and to withdraw it. With Plaid it takes a minute; you can also type in your bank details."
            />
        }
        .into_any();
    }
    view! {
        <section class="card" aria-labelledby="banks-title">
            <h2 id="banks-title" class="sr-only">"Your bank accounts"</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Bank"</th>
                            <th scope="col">"Account"</th>
                            <th scope="col">"Number"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {banks
                            .into_iter()
                            .map(|b| {
                                let label = format!("{} {}", b.bank_name, b.account_name);
                                let active = b.status == BankStatus::Active;
                                view! {
                                    <tr data-testid="bank-row">
                                        <td>{b.bank_name.clone()}</td>
                                        <td>
                                            {b.account_name.clone()}
                                            {(!b.account_type.is_empty()).then(|| view! {
                                                <span class="block text-xs text-slate-500">{b.account_type.clone()}</span>
                                            })}
                                        </td>
                                        <td class="tabular">
                                            {if b.mask.is_empty() { String::new() } else { format!("••••{}", b.mask) }}
                                        </td>
                                        <td>{status_badge(b.status)}</td>
                                        <td class="text-right">
                                            {active.then(|| view! {
                                                <a
                                                    href=format!("/banks/disconnect?id={}", b.id)
                                                    class="btn btn-ghost"
                                                    aria-label=format!("Disconnect {label} ending {}", b.mask)
                                                >
                                                    "Disconnect"
                                                </a>
                                            })}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// The ways to link a bank. "Link with Plaid" is a full page load of `/banks/link`, so that
/// page's own Content-Security-Policy (the one allowing Plaid) applies.
#[component]
pub fn LinkActions() -> impl IntoView {
    view! {
        <section class="mt-8 space-y-3" aria-labelledby="link-bank-title">
            <h2 id="link-bank-title">"Link a bank"</h2>
            <div class="flex flex-wrap gap-3">
                <a href="/banks/link" rel="external" class="btn btn-primary">"Link a bank with Plaid"</a>
                <a href="/banks/manual" class="btn btn-secondary">"Enter bank details manually"</a>
            </div>
        </section>
    }
}

/// `/banks/link`: Plaid's Link with a Bluum key pair, else the simulated Link, step by step.
#[component]
pub fn LinkBankPage() -> impl IntoView {
    let start = Resource::new(|| (), |_| start_link());
    let query = use_query_map();
    view! {
        <Title text="Link a bank"/>
        <PageHeader title="Link a bank" subtitle="Connect your bank securely through Plaid."/>
        <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
            {move || Suspend::new(async move {
                match start.await {
                    Ok(start) if start.simulated => view! {
                        <div class="card mx-auto max-w-md">
                            <SimulatedLink state=LinkState::from_query(&query.get_untracked())/>
                        </div>
                    }
                    .into_any(),
                    Ok(start) => view! { <PlaidLink link_token=start.link_token/> }.into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Transition>
        <p class="mt-6 text-sm">
            "Prefer not to use Plaid? " <a href="/banks/manual">"Enter your bank details manually"</a> "."
        </p>
    }
}

/// Plaid's own Link (with a Bluum key pair). `/plaid-link.js` opens it with the link token and
/// puts the public token into the connect form, which posts it like any other form.
#[component]
fn PlaidLink(link_token: String) -> impl IntoView {
    // Linking redirects to the bank list.
    let connect = ServerAction::<ConnectPlaid>::new();
    view! {
        <div class="card mx-auto max-w-md space-y-4">
            <noscript>
                <div class="alert alert-info">
                    "Linking a bank with Plaid needs JavaScript, which is turned off in this browser. Turn it on and reload this page, or enter your bank details manually."
                </div>
            </noscript>
            <p>"Plaid opens in a window over this page. Sign in to your bank there and choose the accounts to link."</p>
            <FormAlert error=form_error(connect, &[])/>
            <p id="plaid-status" role="status" class="text-sm"></p>
            <button type="button" id="plaid-open" class="btn btn-primary" data-link-token=link_token>
                "Connect your bank with Plaid"
            </button>
            <Form action=connect id="plaid-connect-form" class="hidden">
                <input type="hidden" id="plaid-public-token" name="public_token" value=""/>
            </Form>
            <script src="https://cdn.plaid.com/link/v2/stable/link-initialize.js"></script>
            <script src="/plaid-link.js"></script>
        </div>
    }
}

/// `/banks/manual`: a bank account from typed-in details.
#[component]
pub fn ManualBankPage() -> impl IntoView {
    let gate = Resource::new(|| (), |_| link_mode());
    // Linking redirects to the bank list.
    let action = ServerAction::<ConnectManual>::new();
    let types = vec![
        ("checking".to_owned(), "Checking".to_owned()),
        ("savings".to_owned(), "Savings".to_owned()),
    ];
    view! {
        <Title text="Enter bank details"/>
        <PageHeader title="Enter bank details" subtitle="Type in the account you want to move money from and to. We pass the numbers to our investing partner and never keep them."/>
        <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || {
                let types = types.clone();
                Suspend::new(async move {
                    match gate.await {
                        Ok(_) => view! {
                            <section class="card max-w-xl">
                                <Form action=action class="space-y-4">
                                    <FormAlert error=form_error(action, &["bank_name", "account_holder_name", "routing_number", "account_number", "account_number_confirm", "account_type"])/>
                                    <TextField name="bank_name" label="Bank name" autocomplete="off" required=true error=field_error(action, "bank_name")/>
                                    <TextField name="account_holder_name" label="Account holder" autocomplete="name" required=true hint="The name on the account." error=field_error(action, "account_holder_name")/>
                                    <TextField name="routing_number" label="Routing number" inputmode="numeric" autocomplete="off" maxlength=9u32 required=true hint="9 digits, printed at the bottom left of a check." error=field_error(action, "routing_number")/>
                                    <TextField name="account_number" label="Account number" inputmode="numeric" autocomplete="off" maxlength=17u32 required=true hint="4 to 17 digits." error=field_error(action, "account_number")/>
                                    <TextField name="account_number_confirm" label="Re-enter account number" inputmode="numeric" autocomplete="off" maxlength=17u32 required=true error=field_error(action, "account_number_confirm")/>
                                    <SelectField name="account_type" label="Account type" options=types required=true placeholder="Choose…" error=field_error(action, "account_type")/>
                                    <div class="flex gap-2">
                                        <button type="submit" class="btn btn-primary">"Add bank account"</button>
                                        <a href="/banks" class="btn btn-ghost">"Cancel"</a>
                                    </div>
                                </Form>
                            </section>
                        }
                        .into_any(),
                        Err(e) => load_error(e),
                    }
                })
            }}
        </Transition>
    }
}

/// `/banks/disconnect?id=fs_…`: asks before disconnecting (works without JavaScript).
#[component]
pub fn DisconnectBankPage() -> impl IntoView {
    let query = use_query_map();
    let id = move || query.get().get("id").unwrap_or_default();
    let bank = Resource::new(id, get_bank);
    // Disconnecting redirects to the bank list.
    let action = ServerAction::<DisconnectBank>::new();
    view! {
        <Title text="Disconnect a bank"/>
        <PageHeader title="Disconnect a bank"/>
        <Transition fallback=|| view! { <SkeletonRows rows=2/> }>
            {move || Suspend::new(async move {
                match bank.await {
                    Ok(b) if b.status == BankStatus::Active => view! {
                        <section class="card max-w-xl space-y-4">
                            <p>
                                {format!("Disconnect {} {} (••••{})? ", b.bank_name, b.account_name, b.mask)}
                                "You won't be able to move money with it until you link it again. Transfers already under way are not affected."
                            </p>
                            <Form action=action class="flex gap-2">
                                <input type="hidden" name="id" value=b.id.clone()/>
                                <button type="submit" class="btn btn-danger">"Disconnect"</button>
                                <a href="/banks" class="btn btn-ghost">"Cancel"</a>
                            </Form>
                            <FormAlert error=form_error(action, &[])/>
                        </section>
                    }
                    .into_any(),
                    Ok(_) => view! {
                        <div class="alert alert-info">"This bank account is already disconnected. " <a href="/banks">"Back to bank accounts"</a></div>
                    }
                    .into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Transition>
    }
}

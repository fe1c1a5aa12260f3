//! Bank accounts: `/banks` (the list, with the simulated Link in a dialog when JavaScript is
//! on), `/banks/link` (linking through Plaid, or the simulated Link step by step),
//! `/banks/manual` (bank details typed in) and `/banks/disconnect?id=fs_…` (confirmation).
//! Everything works without JavaScript except Plaid's own Link, which says so.

pub mod sim_link;

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::banks::{
    get_bank, link_mode, list_banks, start_link, Bank, BankStatus, ConnectManual, ConnectPlaid,
    DisconnectBank,
};
use crate::components::form::{field_error, form_error, FormAlert};
use crate::components::ui::{EmptyState, PageHeader, SelectField, SkeletonRows, TextField};
use crate::error::AppError;
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
        err => {
            view! { <div role="alert" class="alert alert-error">{err.to_string()}</div> }.into_any()
        }
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

/// A one-line result of the last action, from the URL (so it shows after a form post without
/// JavaScript too) or from the dialog.
fn notice_from_query(
    query: &leptos_router::params::ParamsMap,
    linked_here: Option<usize>,
) -> Option<String> {
    let linked = linked_here.or_else(|| query.get("linked").and_then(|n| n.parse().ok()));
    if let Some(n) = linked {
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
    // Bumped when the dialog links accounts, to list them.
    let version = RwSignal::new(0u32);
    let linked_here = RwSignal::new(None::<usize>);
    let exited_here = RwSignal::new(false);
    let data = Resource::new(
        move || version.get(),
        |_| async move { Ok::<_, AppError>((list_banks().await?, link_mode().await?)) },
    );
    let notice = move || {
        if exited_here.get() {
            return Some("You left before linking a bank. Nothing was linked.".to_owned());
        }
        notice_from_query(&query.get(), linked_here.get())
    };

    view! {
        <Title text="Bank accounts"/>
        <PageHeader title="Bank accounts" subtitle="The banks you move money from and to."/>
        {move || notice().map(|n| view! { <div role="status" class="alert alert-info mb-6">{n}</div> })}
        <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((banks, simulated)) => view! {
                        <BankList banks=banks/>
                        <LinkActions simulated=simulated version=version linked_here=linked_here exited_here=exited_here/>
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

/// The ways to link a bank. With the simulator and JavaScript, "Link with Plaid" opens the
/// simulated Link in a dialog; otherwise it goes to `/banks/link` (a full page load, so that
/// page's own Content-Security-Policy, the one allowing Plaid, applies).
#[component]
fn LinkActions(
    simulated: bool,
    version: RwSignal<u32>,
    linked_here: RwSignal<Option<usize>>,
    exited_here: RwSignal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let state = RwSignal::new(LinkState::default());
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let Some(el) = dialog.get() else { return };
        if open.get() {
            if !el.open() {
                let _ = el.show_modal();
            }
        } else if el.open() {
            el.close();
        }
    });
    let exit = Callback::new(move |()| {
        open.set(false);
        exited_here.set(true);
    });
    let linked = Callback::new(move |banks: Vec<Bank>| {
        open.set(false);
        exited_here.set(false);
        linked_here.set(Some(banks.len()));
        version.update(|v| *v += 1);
    });
    let go = Callback::new(move |next: LinkState| state.set(next));
    view! {
        <section class="mt-8 space-y-3" aria-labelledby="link-bank-title">
            <h2 id="link-bank-title">"Link a bank"</h2>
            <div class="flex flex-wrap gap-3">
                <a
                    href="/banks/link"
                    rel="external"
                    class="btn btn-primary"
                    on:click=move |ev| {
                        if simulated {
                            ev.prevent_default();
                            state.set(LinkState::default());
                            exited_here.set(false);
                            open.set(true);
                        }
                    }
                >
                    "Link a bank with Plaid"
                </a>
                <a href="/banks/manual" class="btn btn-secondary">"Enter bank details manually"</a>
            </div>
        </section>
        <dialog
            node_ref=dialog
            role="dialog"
            aria-modal="true"
            aria-labelledby="link-title"
            class="m-auto w-full max-w-md rounded-2xl border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-slate-900/60 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100"
            // Escape closes the dialog: Link's exit path.
            on:close=move |_| {
                if open.get_untracked() {
                    exit.run(());
                }
            }
        >
            <Show when=move || open.get()>
                <SimulatedLink state=state modal=true go=go exit=exit linked=linked/>
            </Show>
        </dialog>
    }
}

/// `/banks/link`: Plaid's Link with a Bluum key pair, else the simulated Link, step by step.
#[component]
pub fn LinkBankPage() -> impl IntoView {
    let start = Resource::new(|| (), |_| start_link());
    let query = use_query_map();
    let state = Signal::derive(move || LinkState::from_query(&query.get()));
    let navigate = use_navigate();
    let go = Callback::new(move |next: LinkState| navigate(&next.url(), Default::default()));
    view! {
        <Title text="Link a bank"/>
        <PageHeader title="Link a bank" subtitle="Connect your bank securely through Plaid."/>
        <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
            {move || Suspend::new(async move {
                match start.await {
                    Ok(start) if start.simulated => view! {
                        <div class="card mx-auto max-w-md">
                            <SimulatedLink
                                state=state
                                modal=false
                                go=go
                                exit=Callback::new(|()| {})
                                linked=Callback::new(|_| {})
                            />
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
    let connect = ServerAction::<ConnectPlaid>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(banks)) = connect.value().get() {
            navigate(
                &format!("/banks?linked={}", banks.len()),
                Default::default(),
            );
        }
    });
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
            <ActionForm action=connect attr:id="plaid-connect-form" attr:class="hidden">
                <input type="hidden" id="plaid-public-token" name="public_token" value=""/>
            </ActionForm>
            <script src="https://cdn.plaid.com/link/v2/stable/link-initialize.js"></script>
            <script src="/plaid-link.js"></script>
        </div>
    }
}

/// `/banks/manual`: a bank account from typed-in details.
#[component]
pub fn ManualBankPage() -> impl IntoView {
    let gate = Resource::new(|| (), |_| link_mode());
    let action = ServerAction::<ConnectManual>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            navigate("/banks?linked=1", Default::default());
        }
    });
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
                                <ActionForm action=action attr:class="space-y-4">
                                    <FormAlert error=form_error(action, &["bank_name", "account_holder_name", "routing_number", "account_number", "account_number_confirm", "account_type"])/>
                                    <TextField name="bank_name" label="Bank name" autocomplete="off" required=true error=field_error(action, "bank_name")/>
                                    <TextField name="account_holder_name" label="Account holder" autocomplete="name" required=true hint="The name on the account." error=field_error(action, "account_holder_name")/>
                                    <TextField name="routing_number" label="Routing number" inputmode="numeric" autocomplete="off" maxlength=9u32 required=true hint="9 digits, printed at the bottom left of a check." error=field_error(action, "routing_number")/>
                                    <TextField name="account_number" label="Account number" inputmode="numeric" autocomplete="off" maxlength=17u32 required=true hint="4 to 17 digits." error=field_error(action, "account_number")/>
                                    <TextField name="account_number_confirm" label="Re-enter account number" inputmode="numeric" autocomplete="off" maxlength=17u32 required=true error=field_error(action, "account_number_confirm")/>
                                    <SelectField name="account_type" label="Account type" options=types required=true placeholder="Choose…" error=field_error(action, "account_type")/>
                                    <div class="flex gap-2">
                                        <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>"Add bank account"</button>
                                        <a href="/banks" class="btn btn-ghost">"Cancel"</a>
                                    </div>
                                </ActionForm>
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
    let action = ServerAction::<DisconnectBank>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            navigate("/banks?disconnected=1", Default::default());
        }
    });
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
                            <ActionForm action=action attr:class="flex gap-2">
                                <input type="hidden" name="id" value=b.id.clone()/>
                                <button type="submit" class="btn btn-danger" disabled=move || action.pending().get()>"Disconnect"</button>
                                <a href="/banks" class="btn btn-ghost">"Cancel"</a>
                            </ActionForm>
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

//! Moving money: `/transfers` (balances and the list), `/deposit` and `/withdraw` (choose a
//! bank and an amount, review, confirm) and `/transfers/:id` (one transfer, live).
//!
//! Every step is a server-rendered page: choosing is a GET form to the same page with
//! `review=1`, which the server checks (`review_transfer`) and answers with a review and a
//! confirm form carrying a fresh idempotency key; confirming posts to `deposit` or `withdraw`,
//! which redirect to the transfer's page. So it all works without JavaScript, and a confirm
//! sent twice (double click, retry, reload) moves the money once.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::money::{
    get_balances, get_transfer, list_transfers, review_transfer, transfer_form, Balances,
    CancelTransfer, Deposit, Transfer, TransferKind, TransferReview, TransferState, Withdraw,
    DEPOSIT_METHODS,
};
use crate::components::form::{form_error, Form, FormAlert};
use crate::components::journey::JourneyGate;
use crate::components::live::keep_asking;
use crate::components::ui::{
    DetailList, EmptyState, PageHeader, SelectField, SkeletonRows, TextField,
};
use crate::error::AppError;
use crate::money::usd;
use crate::pages::banks::LinkActions;
use crate::pages::errors::LoadError;

fn error_alert(err: AppError) -> AnyView {
    view! { <LoadError error=err/> }.into_any()
}

/// The wallet in one card.
#[component]
pub fn BalancesCard(balances: Balances) -> impl IntoView {
    let items = [
        ("Cash balance", balances.balance),
        ("Available to invest", balances.buying_power),
        ("Withdrawable", balances.withdrawable),
        ("Held for orders and withdrawals", balances.reserved),
    ];
    view! {
        <section class="card" aria-labelledby="balances-title">
            <h2 id="balances-title" class="sr-only">"Balances"</h2>
            <dl class="grid grid-cols-2 gap-4 lg:grid-cols-4">
                {items.into_iter().map(|(label, amount)| view! {
                    <div>
                        <dt class="text-sm text-slate-500 dark:text-slate-400">{label}</dt>
                        <dd class="tabular text-xl font-semibold" data-testid=label.to_lowercase().replace(' ', "-")>{usd(amount)}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
    }
}

/// `/transfers`: the wallet, the ways to move money and every transfer, filterable.
#[component]
pub fn TransfersPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        (
            q.get("kind").unwrap_or_default(),
            q.get("status").unwrap_or_default(),
            q.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(0),
        )
    };
    let data = Resource::new(filters, |(kind, status, page)| async move {
        let balances = get_balances().await?;
        let list = list_transfers(kind, status, page).await?;
        Ok::<_, AppError>((balances, list))
    });
    view! {
        <Title text="Transfers"/>
        <PageHeader title="Transfers" subtitle="Money in and out of your investing account."/>
        <JourneyGate>
            <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
                {move || Suspend::new(async move {
                    let (kind, status, _) = filters();
                    match data.await {
                        Ok((balances, list)) => view! {
                            <div class="space-y-6">
                                <BalancesCard balances=balances/>
                                <div class="flex flex-wrap gap-3">
                                    <a href="/deposit" class="btn btn-primary">"Deposit"</a>
                                    <a href="/withdraw" class="btn btn-secondary">"Withdraw"</a>
                                </div>
                                <Filters kind=kind.clone() status=status.clone()/>
                                <TransferTable transfers=list.transfers.clone()/>
                                <Pager kind status page=list.page has_more=list.has_more/>
                            </div>
                        }
                        .into_any(),
                        Err(e) => error_alert(e),
                    }
                })}
            </Transition>
        </JourneyGate>
    }
}

#[component]
fn Filters(kind: String, status: String) -> impl IntoView {
    let kinds = vec![
        ("deposit".to_owned(), "Deposits".to_owned()),
        ("withdrawal".to_owned(), "Withdrawals".to_owned()),
    ];
    let statuses = TransferState::ALL
        .iter()
        .map(|s| (s.slug().to_owned(), s.label().to_owned()))
        .collect();
    view! {
        <form method="get" action="/transfers" class="flex flex-wrap items-end gap-3" aria-label="Filter transfers">
            <SelectField name="kind" label="Kind" options=kinds value=kind placeholder="All"/>
            <SelectField name="status" label="Status" options=statuses value=status placeholder="All"/>
            <button type="submit" class="btn btn-secondary mb-1">"Filter"</button>
        </form>
    }
}

#[component]
fn TransferTable(transfers: Vec<Transfer>) -> impl IntoView {
    if transfers.is_empty() {
        return view! {
            <EmptyState title="No transfers yet" message="Deposits and withdrawals show up here, newest first."/>
        }
        .into_any();
    }
    view! {
        <div class="table-wrap card p-0">
            <table class="table">
                <caption class="sr-only">"Transfers, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date (UTC)"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Bank"</th>
                        <th scope="col" class="num">"Amount"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {transfers.into_iter().map(|t| view! {
                        <tr data-testid="transfer-row">
                            <td class="tabular">
                                <a href=format!("/transfers/{}", t.id)>{t.created.clone()}</a>
                            </td>
                            <td>{t.kind.label()}</td>
                            <td>{t.bank.clone().unwrap_or_else(|| t.method.clone())}</td>
                            <td class="num">{signed(&t)}</td>
                            <td><span class=t.state.badge()>{t.state.label()}</span></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// `+$100.00` for money in, `−$40.00` for money out: the sign says it, not only the colour.
fn signed(t: &Transfer) -> String {
    match t.kind {
        TransferKind::Deposit => format!("+{}", usd(t.amount)),
        TransferKind::Withdrawal => usd(-t.amount),
    }
}

#[component]
fn Pager(kind: String, status: String, page: u32, has_more: bool) -> impl IntoView {
    let link = move |p: u32| format!("/transfers?kind={kind}&status={status}&page={p}");
    let prev = (page > 0).then(|| link(page - 1));
    let next = has_more.then(|| link(page + 1));
    (prev.is_some() || next.is_some()).then(|| {
        view! {
            <nav aria-label="Pages" class="flex justify-between">
                {prev.map(|href| view! { <a href=href class="btn btn-ghost">"Newer"</a> })}
                {next.map(|href| view! { <a href=href class="btn btn-ghost ml-auto">"Older"</a> })}
            </nav>
        }
    })
}

/// `/deposit`.
#[component]
pub fn DepositPage() -> impl IntoView {
    view! { <MoveMoney kind=TransferKind::Deposit/> }
}

/// `/withdraw`.
#[component]
pub fn WithdrawPage() -> impl IntoView {
    view! { <MoveMoney kind=TransferKind::Withdrawal/> }
}

/// The choose → review → confirm steps of a deposit or withdrawal.
#[component]
fn MoveMoney(kind: TransferKind) -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            q.get("review").is_some(),
            q.get("bank").unwrap_or_default(),
            q.get("amount").unwrap_or_default(),
            q.get("method").unwrap_or_default(),
        )
    };
    let data = Resource::new(asked, move |(review, bank, amount, method)| async move {
        let choices = transfer_form().await?;
        let review = if review {
            Some(review_transfer(kind.slug().to_owned(), bank, amount, method).await)
        } else {
            None
        };
        Ok::<_, AppError>((choices, review))
    });
    let title = match kind {
        TransferKind::Deposit => "Deposit",
        TransferKind::Withdrawal => "Withdraw",
    };
    view! {
        <Title text=title/>
        <PageHeader title=title subtitle=match kind {
            TransferKind::Deposit => "Move money from your bank into your investing account.",
            TransferKind::Withdrawal => "Move cash from your investing account to your bank.",
        }/>
        <JourneyGate>
            <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
                {move || Suspend::new(async move {
                    let (_, bank, amount, method) = asked();
                    match data.await {
                        Ok((_, Some(Ok(review)))) => view! { <Review review/> }.into_any(),
                        Ok((choices, review)) => {
                            let problem = review.and_then(Result::err);
                            if choices.banks.is_empty() {
                                return view! {
                                    <EmptyState title="Link a bank first" message="Money moves between your investing account and a bank account you link. Link one now: it takes a minute, and you come back here from the bank list."/>
                                    <LinkActions/>
                                }
                                .into_any();
                            }
                            view! {
                                <ChooseForm kind banks=choices.banks balances=choices.balances bank amount method problem/>
                            }
                            .into_any()
                        }
                        Err(e) => error_alert(e),
                    }
                })}
            </Transition>
        </JourneyGate>
    }
}

#[component]
fn ChooseForm(
    kind: TransferKind,
    banks: Vec<crate::api::banks::Bank>,
    balances: Balances,
    bank: String,
    amount: String,
    method: String,
    problem: Option<AppError>,
) -> impl IntoView {
    let of = |field: &'static str| {
        let message = problem.as_ref().and_then(|p| p.field_message(field));
        Signal::derive(move || message.clone())
    };
    let other = problem
        .as_ref()
        .filter(|p| !matches!(p, AppError::Validation { .. } | AppError::Invalid { .. }))
        .map(|p| p.to_string());
    let bank = if bank.is_empty() {
        banks.first().map(|b| b.id.clone()).unwrap_or_default()
    } else {
        bank
    };
    let bank_options: Vec<(String, String)> = banks
        .iter()
        .map(|b| (b.id.clone(), format!("{} ••••{}", b.account_name, b.mask)))
        .collect();
    let (label, hint, path) = match kind {
        TransferKind::Deposit => (
            "Amount (USD)",
            format!("Your cash balance is {}.", usd(balances.balance)),
            "/deposit",
        ),
        TransferKind::Withdrawal => (
            "Amount (USD)",
            format!("You can withdraw up to {}.", usd(balances.withdrawable)),
            "/withdraw",
        ),
    };
    let methods: Vec<(String, String)> = DEPOSIT_METHODS
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect();
    let method = if method.is_empty() {
        "ach".to_owned()
    } else {
        method
    };
    view! {
        <section class="card max-w-xl">
            <form method="get" action=path class="space-y-4">
                {other.map(|m| view! { <div role="alert" class="alert alert-error">{m}</div> })}
                <input type="hidden" name="review" value="1"/>
                <SelectField
                    name="bank"
                    label=if kind == TransferKind::Deposit { "From" } else { "To" }
                    options=bank_options
                    value=bank
                    required=true
                    error=of("bank")
                />
                {(kind == TransferKind::Deposit).then(|| view! {
                    <SelectField name="method" label="How" options=methods value=method required=true error=of("method")/>
                })}
                <TextField
                    name="amount"
                    label=label
                    inputmode="decimal"
                    autocomplete="off"
                    placeholder="0.00"
                    required=true
                    value=amount
                    hint=hint
                    error=of("amount")
                />
                <div class="flex gap-2">
                    <button type="submit" class="btn btn-primary">"Review"</button>
                    <a href="/transfers" class="btn btn-ghost">"Cancel"</a>
                </div>
            </form>
        </section>
    }
}

/// The review and the confirm form (with the idempotency key of this review).
#[component]
fn Review(review: TransferReview) -> impl IntoView {
    let deposit = ServerAction::<Deposit>::new();
    let withdraw = ServerAction::<Withdraw>::new();
    let kind = review.kind;
    let bank = format!("{} ••••{}", review.bank.account_name, review.bank.mask);
    let edit = format!(
        "/{}?bank={}&amount={}&method={}",
        if kind == TransferKind::Deposit {
            "deposit"
        } else {
            "withdraw"
        },
        review.bank.id,
        review.amount,
        review.method
    );
    let manual = review.method == "manual_bank_transfer";
    let fields = view! {
        <input type="hidden" name="idempotency_key" value=review.idempotency_key.clone()/>
        <input type="hidden" name="bank" value=review.bank.id.clone()/>
        <input type="hidden" name="amount" value=review.amount.to_string()/>
    };
    let rows = [
        (
            if kind == TransferKind::Deposit {
                "From"
            } else {
                "To"
            },
            bank.clone(),
        ),
        ("Amount", usd(review.amount)),
        (
            "How",
            if manual {
                "Bank transfer you send yourself".to_owned()
            } else {
                "ACH".to_owned()
            },
        ),
        (
            "When",
            if manual {
                "When your bank's transfer arrives".to_owned()
            } else {
                "Usually 1–3 business days".to_owned()
            },
        ),
    ];
    let buttons = view! {
        <div class="flex flex-wrap gap-2">
            <button type="submit" class="btn btn-primary">
                {match kind {
                    TransferKind::Deposit => format!("Deposit {}", usd(review.amount)),
                    TransferKind::Withdrawal => format!("Withdraw {}", usd(review.amount)),
                }}
            </button>
            <a href=edit class="btn btn-ghost">"Edit"</a>
        </div>
    };
    view! {
        <section class="card max-w-xl space-y-4" aria-labelledby="review-title">
            <h2 id="review-title">"Review"</h2>
            <DetailList rows=rows.into_iter().map(|(l, v)| (l.to_owned(), v)).collect()/>
            {match kind {
                TransferKind::Deposit => view! {
                    <Form action=deposit class="space-y-4">
                        <FormAlert error=form_error(deposit, &[])/>
                        {fields}
                        <input type="hidden" name="method" value=review.method.clone()/>
                        {buttons}
                    </Form>
                }
                .into_any(),
                TransferKind::Withdrawal => view! {
                    <Form action=withdraw class="space-y-4">
                        <FormAlert error=form_error(withdraw, &[])/>
                        {fields}
                        {buttons}
                    </Form>
                }
                .into_any(),
            }}
        </section>
    }
}

/// `/transfers/:id`: one transfer; while it moves, its status updates by itself.
#[component]
pub fn TransferPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let transfer = Resource::new(id, get_transfer);
    let cancel = ServerAction::<CancelTransfer>::new();
    view! {
        <Title text="Transfer"/>
        <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                let cancelled = query.read().get("cancelled").is_some();
                match transfer.await {
                    Ok(t) => {
                        let title = format!("{} of {}", t.kind.label(), usd(t.amount));
                        let cancel_id = t.id.clone();
                        view! {
                            <PageHeader title=title subtitle=t.created.clone() + " UTC"/>
                            {cancelled.then(|| view! { <div role="status" class="alert alert-info mb-6">"Cancelled. No money moved."</div> })}
                            // Without JavaScript, the page reloads itself while the transfer moves.
                            {t.state.is_open().then(|| view! { <noscript><meta http-equiv="refresh" content="3"/></noscript> })}
                            <section class="card max-w-xl space-y-4">
                                <TransferStatusLive id=t.id.clone() kind=t.kind initial=t.state failure=t.failure_reason.clone()>
                                    <Form action=cancel>
                                        <FormAlert error=form_error(cancel, &[])/>
                                        <input type="hidden" name="id" value=cancel_id/>
                                        <button type="submit" class="btn btn-secondary">"Cancel this transfer"</button>
                                    </Form>
                                </TransferStatusLive>
                                <dl class="divide-y divide-slate-200 dark:divide-slate-700">
                                    <Row label="Bank" value=t.bank.clone().unwrap_or_else(|| "—".into())/>
                                    <Row label="Method" value=t.method.clone()/>
                                    <Row label="Amount" value=usd(t.amount)/>
                                    <Row label="Reference" value=t.id.clone()/>
                                </dl>
                                {(!t.instructions.is_empty()).then(|| view! {
                                    <div class="space-y-2">
                                        <h2>"How to send the money"</h2>
                                        <p class="text-sm text-slate-600 dark:text-slate-400">"Send it from your bank with these details. It shows here when it arrives."</p>
                                        <dl class="divide-y divide-slate-200 rounded-xl border border-slate-200 px-4 dark:divide-slate-700 dark:border-slate-700">
                                            {t.instructions.iter().map(|(label, value)| view! {
                                                <Row label=label.clone() value=value.clone()/>
                                            }).collect_view()}
                                        </dl>
                                    </div>
                                })}
                                <p><a href="/transfers">"All transfers"</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => error_alert(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Row(#[prop(into)] label: String, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <div class="flex justify-between gap-4 py-2">
            <dt class="text-slate-500 dark:text-slate-400">{label}</dt>
            <dd class="tabular break-all text-right font-medium">{value}</dd>
        </div>
    }
}

/// The status of a transfer, live while it moves (see `components::live`); when a deposit or
/// withdrawal completes, the new balance. `children` (the cancel form) shows while pending.
#[island]
fn TransferStatusLive(
    id: String,
    kind: TransferKind,
    initial: TransferState,
    failure: Option<String>,
    children: Children,
) -> impl IntoView {
    let state = RwSignal::new(initial);
    let failure = RwSignal::new(failure);
    let balance = RwSignal::new(None::<String>);
    // Asked again on every live event about this transfer, and now and then in case one is
    // missed, while it moves; when it completes, the new balance.
    keep_asking(Some(id.clone()), initial.is_open(), move || {
        let id = id.clone();
        async move {
            let Ok(t) = get_transfer(id).await else {
                return true;
            };
            if t.state == TransferState::Completed {
                if let Ok(b) = get_balances().await {
                    balance.set(Some(usd(b.balance)));
                }
            }
            failure.set(t.failure_reason);
            state.set(t.state);
            t.state.is_open()
        }
    });
    let message = move || match (kind, state.get()) {
        (_, TransferState::Pending) => "Waiting to start. You can still cancel it.",
        (TransferKind::Deposit, TransferState::Processing) => "On its way from your bank.",
        (TransferKind::Withdrawal, TransferState::Processing) => "On its way to your bank.",
        (TransferKind::Deposit, TransferState::Completed) => {
            "Arrived: the money is in your investing account."
        }
        (TransferKind::Withdrawal, TransferState::Completed) => {
            "Sent: the money has left your investing account."
        }
        (_, TransferState::Cancelled) => "Cancelled. No money moved.",
        (_, TransferState::Failed) => "It didn't go through. No money moved.",
    };
    view! {
        <div role="status" aria-live="polite" class="space-y-2" data-transfer-state=move || state.get().slug()>
            <p class="flex items-center gap-3">
                <span class=move || state.get().badge()>{move || state.get().label()}</span>
                <span>{message}</span>
            </p>
            {move || failure.get().map(|f| view! { <p class="text-sm">"Reason: " {f}</p> })}
            {move || balance.get().map(|b| view! { <p class="font-medium" data-testid="new-balance">"Your cash balance is now " {b} "."</p> })}
        </div>
        <div hidden=move || state.get() != TransferState::Pending>{children()}</div>
    }
}

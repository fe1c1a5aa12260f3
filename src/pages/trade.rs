//! Trading: `/trade` (find a stock or fund), `/trade/:symbol` (the ticket), `/orders` (open
//! and past orders) and `/orders/:id` (one order, live).
//!
//! The ticket follows the money pages' pattern: choosing is a GET form to the same page with
//! `review=1`, which the server checks (`review_order`, the same rules as
//! `crate::trading::check`) and answers with the order in one sentence, an estimate and a
//! confirm form carrying a fresh idempotency key; confirming posts to `place_order`, which
//! redirects to the order's page. It all works without JavaScript; with it, the ticket shows
//! only the price fields the chosen order type needs.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::assets::{get_asset_page, AssetPage, PRICE_CHART_HEIGHT, PRICE_CHART_WIDTH};
use crate::api::portfolio::ChartRange;
use crate::api::trading::{
    get_order, get_ticket, list_orders, review_order, search_assets, AssetHit, CancelOrder,
    OrderReview, OrderState, OrderView, PlaceOrder, TicketContext,
};
use crate::components::chart::ChartCard;
use crate::components::form::{form_error, Checks, Form, FormAlert, FormEnhancer};
use crate::components::journey::JourneyGate;
use crate::components::live::keep_asking;
use crate::components::ui::{
    DetailList, EmptyState, PageHeader, SelectField, SkeletonRows, TextField,
};
use crate::error::AppError;
use crate::market::PriceRange;
use crate::money::usd;
use crate::pages::errors::LoadError;
use crate::portfolio::change_text;
use crate::trading::{shares_text, OrderKind, Side, Size, TicketForm, TimeInForce};

/// What the trade page suggests before anything is searched.
const POPULAR: &[&str] = &[
    "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "TSLA", "META", "NFLX",
];

fn error_alert(err: AppError) -> AnyView {
    view! { <LoadError error=err/> }.into_any()
}

/// `/trade`: search by symbol or name.
#[component]
pub fn TradePage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let hits = Resource::new(q, search_assets);
    view! {
        <Title text="Trade"/>
        <PageHeader title="Trade" subtitle="Find a stock or fund by its symbol or name."/>
        <JourneyGate>
            <AssetSearch initial=q()/>
            <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
                {move || Suspend::new(async move {
                    let searched = q();
                    match hits.await {
                        Ok(_) if searched.trim().is_empty() => view! {
                            <section aria-labelledby="popular-title">
                                <h2 id="popular-title" class="mb-3">"Popular"</h2>
                                <ul class="flex flex-wrap gap-2">
                                    {POPULAR.iter().map(|s| view! {
                                        <li><a class="btn btn-secondary" href=format!("/trade/{s}")>{*s}</a></li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }
                        .into_any(),
                        Ok(hits) if hits.is_empty() => view! {
                            <EmptyState title="No matches" message=format!("Nothing matches “{searched}”. Try a symbol like AAPL or part of a name.")/>
                        }
                        .into_any(),
                        Ok(hits) => view! {
                            <ul class="card divide-y divide-slate-200 p-0 dark:divide-slate-700" aria-label="Results">
                                {hits.into_iter().map(|h| view! {
                                    <li>
                                        <a class="flex items-center justify-between gap-4 px-4 py-3 no-underline hover:bg-slate-50 dark:hover:bg-slate-800" href=format!("/trade/{}", h.symbol) data-testid="asset-hit">
                                            <span><span class="font-semibold">{h.symbol.clone()}</span> " " <span class="text-slate-600 dark:text-slate-400">{h.name}</span></span>
                                            <span class="text-sm text-slate-500">{h.exchange}</span>
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(e) => error_alert(e),
                    }
                })}
            </Transition>
        </JourneyGate>
    }
}

/// How long typing must pause before suggestions are asked for.
#[cfg(feature = "hydrate")]
const SUGGEST_AFTER_MS: u64 = 200;

/// The search box: a plain GET form to `/trade?q=…` (which lists the matches on the server),
/// and once hydrated a combobox that suggests assets as the user types (debounced; an answer
/// to an older query is dropped). Arrow keys move through the suggestions, Enter opens the
/// highlighted one, Escape closes the list (ARIA combobox with a listbox popup).
#[island]
fn AssetSearch(initial: String) -> impl IntoView {
    let hits = RwSignal::new(Vec::<AssetHit>::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    #[cfg(feature = "hydrate")]
    let asked = StoredValue::new(0u64);
    #[cfg(feature = "hydrate")]
    let pending = StoredValue::new(None::<leptos::leptos_dom::helpers::TimeoutHandle>);

    let on_input = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let q = event_target_value(&_ev);
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
            let n = asked.get_value() + 1;
            asked.set_value(n);
            if q.trim().is_empty() {
                hits.set(Vec::new());
                open.set(false);
                return;
            }
            let ask = move || {
                leptos::task::spawn_local(async move {
                    let found = search_assets(q).await.unwrap_or_default();
                    // A later keystroke has asked since: its answer is the one to show.
                    if asked.get_value() == n {
                        open.set(!found.is_empty());
                        active.set(None);
                        hits.set(found);
                    }
                });
            };
            let wait = std::time::Duration::from_millis(SUGGEST_AFTER_MS);
            pending.set_value(set_timeout_with_handle(ask, wait).ok());
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = hits.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            "Enter" => {
                let chosen = active
                    .get_untracked()
                    .filter(|_| open.get_untracked())
                    .and_then(|i| hits.with_untracked(|h| h.get(i).map(|h| h.symbol.clone())));
                if let Some(symbol) = chosen {
                    ev.prevent_default();
                    let _ = window().location().set_href(&format!("/trade/{symbol}"));
                }
            }
            _ => {}
        }
    };
    let option_id = |i: usize| format!("asset-suggestion-{i}");
    view! {
        <form method="get" action="/trade" role="search" class="card mb-6 flex max-w-xl items-end gap-2">
            <div class="field relative grow">
                <label class="label" for="q">"Symbol or name"</label>
                <input
                    class="input"
                    id="q"
                    name="q"
                    type="text"
                    value=initial
                    autocomplete="off"
                    placeholder="AAPL or Apple"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls="asset-suggestions"
                    aria-expanded=move || if open.get() { "true" } else { "false" }
                    aria-activedescendant=move || active.get().map(option_id)
                    on:input=on_input
                    on:keydown=on_keydown
                    on:blur=move |_| {
                        // Late enough for a click on a suggestion to land first.
                        set_timeout(move || open.set(false), std::time::Duration::from_millis(150));
                    }
                />
                <ul
                    id="asset-suggestions"
                    role="listbox"
                    aria-label="Suggestions"
                    class="absolute inset-x-0 top-full z-20 mt-1 max-h-80 overflow-auto rounded-xl border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
                    hidden=move || !open.get()
                >
                    <For each=move || hits.get().into_iter().enumerate() key=|(i, h)| (*i, h.symbol.clone()) let((i, hit))>
                        <li
                            id=option_id(i)
                            role="option"
                            aria-selected=move || if active.get() == Some(i) { "true" } else { "false" }
                            class="rounded-lg aria-selected:bg-brand-50 dark:aria-selected:bg-slate-800"
                            data-testid="asset-suggestion"
                        >
                            <div
                                class="flex cursor-pointer items-center justify-between gap-4 px-3 py-2"
                                // An option is not a link (interactive controls must not nest):
                                // a press on it goes to the asset, before the input's blur.
                                on:mousedown={
                                    let symbol = hit.symbol.clone();
                                    move |ev: leptos::ev::MouseEvent| {
                                        ev.prevent_default();
                                        let _ = window().location().set_href(&format!("/trade/{symbol}"));
                                    }
                                }
                            >
                                <span><span class="font-semibold">{hit.symbol.clone()}</span> " " <span class="text-slate-600 dark:text-slate-400">{hit.name.clone()}</span></span>
                                <span class="text-xs text-slate-500">{hit.exchange.clone()}</span>
                            </div>
                        </li>
                    </For>
                </ul>
            </div>
            <button type="submit" class="btn btn-primary mb-1">"Search"</button>
        </form>
    }
}

/// The ticket's fields from the page's query (an edit, or a review that found problems).
fn form_from_query(query: &leptos_router::params::ParamsMap, symbol: &str) -> TicketForm {
    let get = |name: &str| query.get(name).unwrap_or_default();
    TicketForm {
        symbol: symbol.to_owned(),
        side: get("side"),
        order_type: get("order_type"),
        amount_in: get("amount_in"),
        amount: get("amount"),
        limit_price: get("limit_price"),
        stop_price: get("stop_price"),
        trail: get("trail"),
        time_in_force: get("time_in_force"),
    }
}

/// `/trade/:symbol`: the asset page (price, day change, chart, key facts, the investor's
/// position) with the ticket beside it; reviewing replaces it with the order in one sentence
/// and the confirm form.
#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let asked = move || {
        let symbol = params
            .read()
            .get("symbol")
            .unwrap_or_default()
            .to_ascii_uppercase();
        let q = query.read();
        (
            q.get("review").is_some(),
            form_from_query(&q, &symbol),
            q.get("range").unwrap_or_default(),
        )
    };
    let data = Resource::new(asked, |(review, form, range)| async move {
        if review {
            let context = get_ticket(form.symbol.clone()).await?;
            let review = review_order(form).await;
            Ok::<_, AppError>(Shown::Review(Box::new((context, review))))
        } else {
            Ok(Shown::Asset(Box::new(
                get_asset_page(form.symbol, range).await?,
            )))
        }
    });
    view! {
        <Title text=move || format!("{} · Trade", asked().1.symbol)/>
        <JourneyGate>
            <Transition fallback=|| view! { <SkeletonRows rows=6/> }>
                {move || Suspend::new(async move {
                    let (_, form, _) = asked();
                    match data.await {
                        Ok(Shown::Review(reviewed)) => match *reviewed {
                            (context, Ok(review)) => view! {
                                <AssetHeader context=context.clone()/>
                                <ReviewOrder review/>
                            }
                            .into_any(),
                            (context, Err(problem)) => view! {
                                <AssetHeader context=context.clone()/>
                                <ChooseOrder context form problem=Some(problem)/>
                            }
                            .into_any(),
                        },
                        Ok(Shown::Asset(page)) => view! { <AssetView page=*page form/> }.into_any(),
                        Err(e) => view! {
                            <PageHeader title="Trade"/>
                            {error_alert(e)}
                            <p class="mt-4"><a href="/trade">"Search again"</a></p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </JourneyGate>
    }
}

/// What the asset page shows: the asset with the ticket, or a ticket being reviewed.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Shown {
    Asset(Box<AssetPage>),
    Review(Box<(TicketContext, Result<OrderReview, AppError>)>),
}

/// The asset: price and day change, chart, key facts and position, with the ticket beside.
#[component]
fn AssetView(page: AssetPage, form: TicketForm) -> impl IntoView {
    let context = page.ticket.clone();
    let symbol = context.symbol.clone();
    let day = page
        .day_change
        .map(|c| format!("{} today", change_text(Some(c.amount), c.percent)))
        .unwrap_or_default();
    view! {
        <header class="mb-6 flex flex-wrap items-end justify-between gap-4">
            <div>
                <p class="text-sm text-slate-600 dark:text-slate-400">{format!("{} · {} · {}", symbol, page.kind, context.exchange)}</p>
                <h1>{context.name.clone()}</h1>
                <p class="mt-1 flex flex-wrap items-baseline gap-x-3">
                    <span class="tabular text-3xl font-semibold" data-testid="asset-price">{usd(context.facts.price)}</span>
                    <span class="tabular" data-testid="asset-day-change">{day}</span>
                </p>
            </div>
            <div class="flex gap-2">
                <a href=format!("/trade/{symbol}?side=buy#ticket-title") class="btn btn-primary">"Buy"</a>
                <a href=format!("/trade/{symbol}?side=sell#ticket-title") class="btn btn-secondary">"Sell"</a>
            </div>
        </header>
        <div class="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
            <div class="space-y-6">
                <PriceChart page=page.clone()/>
                <KeyFacts page=page.clone()/>
                <YourPosition page=page.clone()/>
            </div>
            <div>
                <ChooseOrder context form problem=None/>
            </div>
        </div>
    }
}

#[component]
fn PriceChart(page: AssetPage) -> impl IntoView {
    let over = match page.range {
        ChartRange::Day => "the latest session",
        ChartRange::Week => "the last week",
        ChartRange::Month => "the last month",
        ChartRange::Year => "the last year",
    };
    let summary = match (&page.chart, page.chart_change) {
        (Some(line), Some(change)) => format!(
            "{} over {over}: {}, between {} and {}.",
            page.ticket.symbol,
            change_text(Some(change.amount), change.percent),
            usd(line.min),
            usd(line.max)
        ),
        _ => format!("No price history for {over} yet."),
    };
    view! {
        <ChartCard title="Price" id="price-chart" href_base=format!("/trade/{}?", page.ticket.symbol)
                   range=page.range line=page.chart size=(PRICE_CHART_WIDTH, PRICE_CHART_HEIGHT)
                   height_class="h-48" summary/>
    }
}

#[component]
fn KeyFacts(page: AssetPage) -> impl IntoView {
    let range = |r: Option<PriceRange>| {
        r.map(|r| format!("{} – {}", usd(r.low), usd(r.high)))
            .unwrap_or_else(|| "—".into())
    };
    let facts = &page.ticket.facts;
    let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_owned();
    let rows = vec![
        ("Day's range".to_owned(), range(page.day_range)),
        ("52-week range".to_owned(), range(page.year_range)),
        ("Exchange".to_owned(), page.ticket.exchange.clone()),
        ("Type".to_owned(), page.kind.clone()),
        ("Currency".to_owned(), page.currency.clone()),
        ("Tradable here".to_owned(), yes_no(facts.tradable)),
        (
            "Parts of a share (buy in dollars)".to_owned(),
            yes_no(facts.fractionable),
        ),
    ];
    view! {
        <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title" class="mb-3">"Key facts"</h2>
            <DetailList rows/>
        </section>
    }
}

#[component]
fn YourPosition(page: AssetPage) -> impl IntoView {
    let Some(p) = page.position else {
        return view! {
            <section class="card" aria-labelledby="position-title">
                <h2 id="position-title" class="mb-2">"Your position"</h2>
                <p class="text-slate-600 dark:text-slate-400" data-testid="asset-position">{format!("You don't own {} yet. Buying power: {}.", page.ticket.symbol, usd(page.ticket.facts.buying_power))}</p>
            </section>
        }
        .into_any();
    };
    let rows = vec![
        ("Shares".to_owned(), shares_text(p.quantity)),
        ("Average cost".to_owned(), usd(p.average_cost)),
        ("Market value".to_owned(), usd(p.market_value)),
        (
            "Profit or loss".to_owned(),
            change_text(Some(p.unrealized_pl), p.unrealized_pl_percent),
        ),
    ];
    view! {
        <section class="card" aria-labelledby="position-title" data-testid="asset-position">
            <h2 id="position-title" class="mb-3">"Your position"</h2>
            <DetailList rows/>
        </section>
    }
    .into_any()
}

/// The asset's name, price, shares held and buying power, above a ticket being reviewed.
#[component]
fn AssetHeader(context: TicketContext) -> impl IntoView {
    let facts = &context.facts;
    let items = [
        ("Price", usd(facts.price)),
        (
            "You own",
            if facts.held.is_zero() {
                "None".to_owned()
            } else {
                shares_text(facts.held)
            },
        ),
        ("Buying power", usd(facts.buying_power)),
    ];
    view! {
        <PageHeader title=format!("{} · {}", context.symbol, context.name) subtitle=context.exchange.clone()/>
        <dl class="mb-6 grid max-w-xl grid-cols-3 gap-3">
            {items.into_iter().map(|(label, value)| view! {
                <div class="card p-4">
                    <dt class="text-sm text-slate-500 dark:text-slate-400">{label}</dt>
                    <dd class="tabular text-lg font-semibold" data-testid=format!("ticket-{}", label.to_lowercase().replace(' ', "-"))>{value}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

#[component]
fn ChooseOrder(
    context: TicketContext,
    form: TicketForm,
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
    let or = |value: &str, default: &str| {
        if value.is_empty() {
            default.to_owned()
        } else {
            value.to_owned()
        }
    };
    let side = or(&form.side, "buy");
    let order_type = or(&form.order_type, "market");
    let types: Vec<(String, String)> = OrderKind::ALL
        .iter()
        .map(|k| (k.slug().to_owned(), k.label().to_owned()))
        .collect();
    let type_hint = OrderKind::from_slug(&order_type)
        .unwrap_or(OrderKind::Market)
        .explanation();
    let tifs: Vec<(String, String)> = TimeInForce::ALL
        .iter()
        .map(|t| (t.slug().to_owned(), t.label().to_owned()))
        .collect();
    let time_in_force = or(&form.time_in_force, "day");
    let tif_hint = TimeInForce::from_slug(&time_in_force)
        .unwrap_or(TimeInForce::Day)
        .explanation();
    let amount_in: Vec<(String, String)> = vec![
        ("shares".into(), "Shares".into()),
        ("dollars".into(), "Dollars (market buys)".into()),
    ];
    let radio = |value: &'static str, label: &'static str| {
        let checked = side == value;
        view! {
            <label class="flex items-center gap-2">
                <input type="radio" name="side" value=value checked=checked required=true/>
                {label}
            </label>
        }
    };
    let path = format!("/trade/{}", context.symbol);
    // The server's rules, run in the browser as each field is left and before the review.
    let checks = Checks::Ticket {
        symbol: context.symbol.clone(),
        facts: context.facts.clone(),
    };
    let hide_alert = other.is_none();
    let ticket = view! {
        <form method="get" action=path class="space-y-4">
            <div role="alert" data-form-alert="" class="alert alert-error" hidden=hide_alert>{other}</div>
            <input type="hidden" name="review" value="1"/>
            <fieldset class="field" aria-describedby="side-error">
                <legend class="label">"Buy or sell"</legend>
                <div class="flex gap-6">{radio("buy", "Buy")} {radio("sell", "Sell")}</div>
                <p id="side-error" class="field-error" hidden=of("side").get_untracked().is_none()>{of("side").get_untracked()}</p>
            </fieldset>
            <SelectField name="order_type" label="Order type" options=types value=order_type.clone() required=true hint=type_hint error=of("order_type")/>
            <div class="grid grid-cols-2 gap-3">
                <SelectField name="amount_in" label="Amount in" options=amount_in value=or(&form.amount_in, "shares") error=of("amount_in")/>
                <TextField name="amount" label="Amount" value=form.amount.clone() inputmode="decimal" autocomplete="off" required=true error=of("amount")/>
            </div>
            <div data-for-types="limit stop_limit">
                <TextField name="limit_price" label="Limit price (USD)" value=form.limit_price.clone() inputmode="decimal" autocomplete="off" hint="Limit and stop limit orders." error=of("limit_price")/>
            </div>
            <div data-for-types="stop stop_limit">
                <TextField name="stop_price" label="Stop price (USD)" value=form.stop_price.clone() inputmode="decimal" autocomplete="off" hint="Stop and stop limit orders." error=of("stop_price")/>
            </div>
            <div data-for-types="trailing_stop_percent trailing_stop_price">
                <TextField name="trail" label="Trailing amount (% or USD)" value=form.trail.clone() inputmode="decimal" autocomplete="off" hint="Trailing stops: how far the stop follows the price." error=of("trail")/>
            </div>
            <SelectField name="time_in_force" label="Good for" options=tifs value=time_in_force hint=tif_hint error=of("time_in_force")/>
            <div class="flex gap-2">
                <button type="submit" class="btn btn-primary">"Review order"</button>
                <a href="/trade" class="btn btn-ghost">"Cancel"</a>
            </div>
        </form>
    };
    view! {
        <section class="card max-w-xl" aria-labelledby="ticket-title">
            <h2 id="ticket-title" class="mb-4">"Order"</h2>
            <FormEnhancer checks=Some(checks)>{ticket}</FormEnhancer>
            <FieldsForOrderType initial=order_type/>
        </section>
    }
}

/// Shows only the price fields the chosen order type needs: every element marked
/// `data-for-types="…"` is hidden unless the `order_type` select holds one of its types. Also
/// keeps the one-line explanations of the chosen order type and time in force under their
/// selects. Without JavaScript every field stays visible (each says which types it is for).
#[island]
fn FieldsForOrderType(initial: String) -> impl IntoView {
    let chosen = RwSignal::new(initial);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;
        let document = document();
        let apply = move |kind: &str| {
            let Ok(nodes) = document.query_selector_all("[data-for-types]") else {
                return;
            };
            for i in 0..nodes.length() {
                let Some(el) = nodes
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                else {
                    continue;
                };
                let types = el.get_attribute("data-for-types").unwrap_or_default();
                el.set_hidden(!types.split_whitespace().any(|t| t == kind));
            }
        };
        Effect::new(move |_| apply(&chosen.get()));
        // `on_change(value)` runs whenever the select `id` changes.
        let watch = |id: &str, on_change: Box<dyn Fn(String)>| {
            let Some(select) = leptos::prelude::document()
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
            else {
                return;
            };
            let listener = Closure::<dyn Fn()>::new({
                let select = select.clone();
                move || on_change(select.value())
            });
            let _ = select
                .add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
            listener.forget();
        };
        let set_hint = |id: &str, text: &str| {
            if let Some(hint) = leptos::prelude::document().get_element_by_id(id) {
                hint.set_text_content(Some(text));
            }
        };
        watch(
            "order_type",
            Box::new(move |value| {
                if let Some(kind) = OrderKind::from_slug(&value) {
                    set_hint("order_type-hint", kind.explanation());
                }
                chosen.set(value);
            }),
        );
        watch(
            "time_in_force",
            Box::new(move |value| {
                if let Some(tif) = TimeInForce::from_slug(&value) {
                    set_hint("time_in_force-hint", tif.explanation());
                }
            }),
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = chosen;
}

/// The order in one sentence, its estimate, and the confirm form.
#[component]
fn ReviewOrder(review: OrderReview) -> impl IntoView {
    let place = ServerAction::<PlaceOrder>::new();
    let ticket = &review.ticket;
    let buying = ticket.side == Side::Buy;
    let mut rows = vec![
        (
            "Estimated price",
            format!("{} a share", usd(review.estimate.price)),
        ),
        (
            "Shares",
            match ticket.size {
                Size::Shares(q) => shares_text(q),
                Size::Dollars(_) => format!("About {}", shares_text(review.estimate.shares)),
            },
        ),
        (
            if buying {
                "Estimated cost"
            } else {
                "Estimated proceeds"
            },
            usd(review.estimate.total),
        ),
    ];
    if let Some(total) = review.bluum_total {
        rows.push(("Bluum's estimate", usd(total)));
    }
    if buying {
        rows.push(("Buying power", usd(review.buying_power)));
    }
    let f = &review.form;
    let hidden = [
        ("idempotency_key", review.idempotency_key.clone()),
        ("symbol", ticket.symbol.clone()),
        ("side", f.side.clone()),
        ("order_type", f.order_type.clone()),
        ("amount_in", f.amount_in.clone()),
        ("amount", f.amount.clone()),
        ("limit_price", f.limit_price.clone()),
        ("stop_price", f.stop_price.clone()),
        ("trail", f.trail.clone()),
        ("time_in_force", f.time_in_force.clone()),
    ];
    let edit = format!(
        "/trade/{}?{}",
        ticket.symbol,
        hidden
            .iter()
            .skip(2)
            .map(|(k, v)| format!("{k}={}", urlencoding(v)))
            .collect::<Vec<_>>()
            .join("&")
    );
    let button = format!("Place {} order", if buying { "buy" } else { "sell" });
    view! {
        <section class="card max-w-xl space-y-4" aria-labelledby="review-title">
            <h2 id="review-title">"Review your order"</h2>
            <p class="text-lg" data-testid="order-sentence">{review.sentence.clone()}</p>
            <DetailList rows=rows.into_iter().map(|(l, v)| (l.to_owned(), v)).collect()/>
            <p class="text-sm text-slate-600 dark:text-slate-400">"Estimates use the latest price; the order fills at the market's price within your limits."</p>
            <Form action=place class="space-y-4">
                // Every refusal (the price moved past buying power, the market closed) shows
                // here: the form has no visible fields to put it next to.
                <FormAlert error=form_error(place, &[])/>
                {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
                <div class="flex flex-wrap gap-2">
                    <button type="submit" class="btn btn-primary">{button}</button>
                    <a href=edit class="btn btn-ghost">"Edit"</a>
                </div>
            </Form>
        </section>
    }
}

/// Percent-encodes a query value (the few characters a ticket's values can hold).
fn urlencoding(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '-' | '_' => c.to_string(),
            other => format!("%{:02X}", other as u32 & 0xff),
        })
        .collect()
}

/// `/orders`: open and past orders, newest first.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            q.get("status").unwrap_or_default(),
            q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0u32),
        )
    };
    let orders = Resource::new(asked, |(status, page)| list_orders(status, page));
    let tab = move |status: &'static str, label: &'static str| {
        let current = asked().0 == status;
        view! {
            <a href=format!("/orders?status={status}") class="btn btn-ghost aria-[current=page]:bg-brand-50 aria-[current=page]:text-brand-700 dark:aria-[current=page]:bg-slate-800" aria-current=current.then_some("page")>{label}</a>
        }
    };
    view! {
        <Title text="Orders"/>
        <PageHeader title="Orders" subtitle="What you've asked to buy and sell."/>
        <JourneyGate>
            <nav aria-label="Which orders" class="mb-4 flex gap-2">
                {tab("", "All")} {tab("open", "Open")} {tab("done", "Done")}
            </nav>
            <Transition fallback=|| view! { <SkeletonRows rows=5/> }>
                {move || Suspend::new(async move {
                    let (status, _) = asked();
                    match orders.await {
                        Ok(page) if page.orders.is_empty() && page.page == 0 => view! {
                            <EmptyState title="No orders yet" message="Orders you place show up here, newest first.">
                                <a href="/trade" class="btn btn-primary">"Make a trade"</a>
                            </EmptyState>
                        }
                        .into_any(),
                        Ok(page) => {
                            let prev = (page.page > 0).then(|| format!("/orders?status={status}&page={}", page.page - 1));
                            let next = page.has_more.then(|| format!("/orders?status={status}&page={}", page.page + 1));
                            view! {
                                <OrderTable orders=page.orders/>
                                <nav aria-label="Pages" class="mt-4 flex justify-between">
                                    {prev.map(|href| view! { <a href=href class="btn btn-ghost">"Newer"</a> })}
                                    {next.map(|href| view! { <a href=href class="btn btn-ghost ml-auto">"Older"</a> })}
                                </nav>
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

/// `10 shares`, `$500.00`: what an order asked for.
fn asked_for(o: &OrderView) -> String {
    match (o.quantity, o.notional) {
        (Some(q), _) => shares_text(q),
        (None, Some(n)) => usd(n),
        (None, None) => "—".into(),
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Buy => "Buy",
        Side::Sell => "Sell",
    }
}

#[component]
fn OrderTable(orders: Vec<OrderView>) -> impl IntoView {
    view! {
        <div class="table-wrap card p-0">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Placed (UTC)"</th>
                        <th scope="col">"Order"</th>
                        <th scope="col" class="hidden sm:table-cell">"Type"</th>
                        <th scope="col" class="num hidden sm:table-cell">"Filled"</th>
                        <th scope="col" class="num hidden sm:table-cell">"Average price"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {orders.into_iter().map(|o| view! {
                        <tr data-testid="order-row">
                            <td>{o.created.clone()}</td>
                            <td><a href=format!("/orders/{}", o.id)>{format!("{} {} {}", side_word(o.side), asked_for(&o), o.symbol)}</a></td>
                            <td class="hidden sm:table-cell">{o.kind.clone()}</td>
                            <td class="num hidden sm:table-cell">{o.filled_quantity.round_dp(6).normalize().to_string()}</td>
                            <td class="num hidden sm:table-cell">{o.average_price.map(usd).unwrap_or_else(|| "—".into())}</td>
                            <td><span class=o.state.badge()>{o.state.label()}</span></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/orders/:id`: one order; while it works, its status updates by itself.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let order = Resource::new(id, get_order);
    let cancel = ServerAction::<CancelOrder>::new();
    view! {
        <Title text="Order"/>
        <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                let cancelled = query.read().get("cancelled").is_some();
                match order.await {
                    Ok(o) => {
                        let title = format!("{} {} {}", side_word(o.side), asked_for(&o), o.symbol);
                        let rows = [
                            ("Type", o.kind.clone()),
                            ("Limit price", o.limit_price.map(usd).unwrap_or_else(|| "—".into())),
                            ("Stop price", o.stop_price.map(usd).unwrap_or_else(|| "—".into())),
                            ("Good for", o.time_in_force.clone()),
                            ("Reference", o.id.clone()),
                        ];
                        view! {
                            <PageHeader title=title subtitle=o.created.clone() + " UTC"/>
                            {cancelled.then(|| view! { <div role="status" class="alert alert-info mb-6">"Cancel requested."</div> })}
                            {o.state.is_open().then(|| view! { <noscript><meta http-equiv="refresh" content="3"/></noscript> })}
                            <section class="card max-w-xl space-y-4">
                                <OrderStatusLive order=o.clone()>
                                    <Form action=cancel>
                                        <FormAlert error=form_error(cancel, &[])/>
                                        <input type="hidden" name="id" value=o.id.clone()/>
                                        <button type="submit" class="btn btn-secondary">"Cancel this order"</button>
                                    </Form>
                                </OrderStatusLive>
                                <DetailList rows=rows.into_iter().map(|(l, v)| (l.to_owned(), v)).collect()/>
                                <p class="flex gap-4"><a href="/orders">"All orders"</a> <a href=format!("/trade/{}", o.symbol)>{format!("Trade {}", o.symbol)}</a></p>
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

/// The status of an order, live while it works (see `components::live`). `children` (the
/// cancel form) shows while it can still be cancelled.
#[island]
fn OrderStatusLive(order: OrderView, children: Children) -> impl IntoView {
    let initial_open = order.state.is_open();
    let id = order.id.clone();
    let order = RwSignal::new(order);
    keep_asking(Some(id.clone()), initial_open, move || {
        let id = id.clone();
        async move {
            let Ok(o) = get_order(id).await else {
                return true;
            };
            let open = o.state.is_open();
            order.set(o);
            open
        }
    });
    let message = move || {
        let o = order.get();
        match o.state {
            OrderState::Pending => "Accepted; on its way to the market.".to_owned(),
            OrderState::Open => "Waiting at the market for your price.".to_owned(),
            OrderState::PartiallyFilled => {
                format!("Partly filled: {} so far.", shares_text(o.filled_quantity))
            }
            OrderState::Filled => format!(
                "Filled: {} at {} on average.",
                shares_text(o.filled_quantity),
                o.average_price.map(usd).unwrap_or_default()
            ),
            OrderState::Cancelled => "Cancelled. Nothing more will fill.".to_owned(),
            OrderState::Failed => "It didn't go through.".to_owned(),
        }
    };
    view! {
        <div role="status" aria-live="polite" class="space-y-2" data-order-state=move || order.get().state.slug()>
            <p class="flex items-center gap-3">
                <span class=move || order.get().state.badge()>{move || order.get().state.label()}</span>
                <span>{message}</span>
            </p>
            {move || order.get().failure_reason.map(|f| view! { <p class="text-sm">"Reason: " {f}</p> })}
        </div>
        <div hidden=move || !order.get().can_cancel()>{children()}</div>
    }
}

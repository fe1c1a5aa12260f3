//! `/portfolio`: the total value, cash, buying power, today's change and the unrealised profit
//! or loss; the value chart (an SVG drawn on the server, no chart library); the allocation; and
//! the positions, sortable. Everything is in the first HTML: the page has no loading state and
//! needs no JavaScript. With it, the page follows the investor's live events (`LiveRegion`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::portfolio::{get_portfolio, ChartRange, Portfolio, CHART_HEIGHT, CHART_WIDTH};
use crate::components::chart::ChartCard;
use crate::components::journey::JourneyGate;
use crate::components::live::LiveRegion;
use crate::components::ui::{EmptyState, PageHeader, SkeletonRows};
use crate::money::usd;
use crate::pages::errors::LoadError;
use crate::portfolio::{change_text, signed_percent, signed_usd, SortBy};

#[component]
pub fn PortfolioPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            q.get("sort").unwrap_or_default(),
            q.get("range").unwrap_or_default(),
        )
    };
    let data = Resource::new(asked, |(sort, range)| get_portfolio(sort, range));
    view! {
        <Title text="Portfolio"/>
        <PageHeader title="Portfolio" subtitle="What you own and how it's doing."/>
        <JourneyGate>
            <div id="live-portfolio">
            <Transition fallback=|| view! { <SkeletonRows rows=6/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(p) => view! { <PortfolioView p/> }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Transition>
            </div>
            <LiveRegion region="live-portfolio"/>
        </JourneyGate>
    }
}

#[component]
fn PortfolioView(p: Portfolio) -> impl IntoView {
    let s = &p.summary;
    let change = change_text(p.day_change, p.day_change_percent);
    let pl = match s.unrealized_pl_percent {
        Some(pct) => format!("{} ({})", signed_usd(s.unrealized_pl), signed_percent(pct)),
        None => signed_usd(s.unrealized_pl),
    };
    let cards = [
        ("Total value", usd(s.total_value), "total-value"),
        ("Cash", usd(s.cash), "cash"),
        ("Buying power", usd(p.balances.buying_power), "buying-power"),
        ("Today", change, "day-change"),
        ("Unrealised profit or loss", pl, "unrealized-pl"),
    ];
    view! {
        <dl class="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
            {cards.into_iter().map(|(label, value, id)| view! {
                <div class="card p-4">
                    <dt class="text-sm text-slate-500 dark:text-slate-400">{label}</dt>
                    <dd class="tabular text-lg font-semibold" data-testid=id>{value}</dd>
                </div>
            }).collect_view()}
        </dl>
        <ValueChart p=p.clone()/>
        {if p.positions.is_empty() {
            view! {
                <EmptyState title="No investments yet" message="Stocks and funds you buy show up here with their value and profit or loss.">
                    <a href="/trade" class="btn btn-primary">"Make your first trade"</a>
                </EmptyState>
            }
            .into_any()
        } else {
            view! {
                <Allocation p=p.clone()/>
                <Positions p/>
            }
            .into_any()
        }}
    }
}

#[component]
fn ValueChart(p: Portfolio) -> impl IntoView {
    let summary = match &p.chart {
        Some(line) => format!(
            "Portfolio value over the last {}: between {} and {}, now {}.",
            match p.range {
                ChartRange::Day => "day",
                ChartRange::Week => "week",
                ChartRange::Month => "month",
                ChartRange::Year => "year",
            },
            usd(line.min),
            usd(line.max),
            usd(p.summary.total_value)
        ),
        None => "The chart fills in as your portfolio's value is recorded over time.".to_owned(),
    };
    view! {
        <div class="mb-6">
            <ChartCard title="Value" id="value-chart" href_base=format!("/portfolio?sort={}&", p.sort.slug())
                       range=p.range line=p.chart size=(CHART_WIDTH, CHART_HEIGHT)
                       height_class="h-40" summary/>
        </div>
    }
}

/// The positions' weights as one bar, with a legend (the numbers say it, not only colour).
#[component]
fn Allocation(p: Portfolio) -> impl IntoView {
    const SHADES: [&str; 6] = [
        "bg-brand-600",
        "bg-sky-500",
        "bg-amber-500",
        "bg-violet-500",
        "bg-rose-500",
        "bg-slate-400",
    ];
    let mut rows = p.positions.clone();
    rows.sort_by_key(|r| std::cmp::Reverse(r.market_value));
    view! {
        <section class="card mb-6 space-y-3" aria-labelledby="allocation-title">
            <h2 id="allocation-title">"Allocation"</h2>
            <div class="flex h-3 w-full overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden="true">
                {rows.iter().enumerate().map(|(i, r)| view! {
                    <div class=SHADES[i.min(SHADES.len() - 1)] style=format!("width: {}%", r.weight)></div>
                }).collect_view()}
            </div>
            <ul class="flex flex-wrap gap-x-4 gap-y-1 text-sm">
                {rows.iter().enumerate().map(|(i, r)| view! {
                    <li class="flex items-center gap-2">
                        <span class=format!("inline-block h-2.5 w-2.5 rounded-full {}", SHADES[i.min(SHADES.len() - 1)]) aria-hidden="true"></span>
                        {format!("{} {}%", r.symbol, r.weight)}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Positions(p: Portfolio) -> impl IntoView {
    let range = p.range.slug();
    let sorted = p.sort;
    let header = move |by: SortBy, label: &'static str, class: &'static str| {
        let current = by == sorted;
        view! {
            <th scope="col" class=class aria-sort=if current { if by == SortBy::Symbol { "ascending" } else { "descending" } } else { "none" }>
                <a href=format!("/portfolio?sort={}&range={range}", by.slug()) class="no-underline">{label}{current.then_some(" ▾")}</a>
            </th>
        }
    };
    view! {
        <section class="card p-0" aria-labelledby="positions-title">
            <h2 id="positions-title" class="px-4 pt-4">"Positions"</h2>
            // Inside a card already: no bleed to the screen's edges on phones.
            <div class="table-wrap mx-0">
                <table class="table">
                    <thead>
                        <tr>
                            {header(SortBy::Symbol, "Symbol", "")}
                            <th scope="col" class="num hidden sm:table-cell">"Shares"</th>
                            <th scope="col" class="num hidden md:table-cell">"Average cost"</th>
                            <th scope="col" class="num hidden md:table-cell">"Price"</th>
                            {header(SortBy::Value, "Market value", "num")}
                            {header(SortBy::Pl, "Profit or loss", "num")}
                            {header(SortBy::PlPercent, "%", "num hidden sm:table-cell")}
                            <th scope="col" class="num hidden lg:table-cell">"Weight"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {p.positions.into_iter().map(|r| view! {
                            <tr data-testid="position-row" data-shares=r.quantity.round_dp(6).normalize().to_string()>
                                <td>
                                    <a href=format!("/trade/{}", r.symbol) class="font-semibold">{r.symbol.clone()}</a>
                                    <div class="text-xs text-slate-500 dark:text-slate-400">{r.name.clone()}</div>
                                </td>
                                <td class="num hidden sm:table-cell">{r.quantity.round_dp(6).normalize().to_string()}</td>
                                <td class="num hidden md:table-cell">{usd(r.average_cost)}</td>
                                <td class="num hidden md:table-cell">{usd(r.price)}</td>
                                <td class="num">{usd(r.market_value)}</td>
                                <td class="num">{signed_usd(r.unrealized_pl)}</td>
                                <td class="num hidden sm:table-cell">{r.unrealized_pl_percent.map(signed_percent).unwrap_or_else(|| "—".into())}</td>
                                <td class="num hidden lg:table-cell">{format!("{}%", r.weight)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

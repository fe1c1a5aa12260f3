//! `/`: for a signed-in user, the dashboard (the portfolio's headline figures, the one next
//! step for a new user, the latest activity); for anyone else, the landing page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::activity::{get_dashboard, Dashboard};
use crate::components::live::LiveRegion;
use crate::components::ui::{PageHeader, SkeletonRows};
use crate::error::AppError;
use crate::money::usd;
use crate::pages::activity::ActivityList;
use crate::pages::errors::LoadError;
use crate::portfolio::change_text;

#[component]
pub fn HomePage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(d) => {
                        let live = d.portfolio.is_some();
                        view! {
                            <div id="live-dashboard"><DashboardView d/></div>
                            {live.then(|| view! { <LiveRegion region="live-dashboard"/> })}
                        }
                        .into_any()
                    }
                    Err(AppError::NotSignedIn) => view! { <Landing/> }.into_any(),
                    // Signed in, but Bluum (or our side) failed: say so, never a half-empty
                    // dashboard.
                    Err(e) => view! {
                        <PageHeader title="Home"/>
                        <LoadError error=e/>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let first_name = d
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let step = d.next_step.map(|step| {
        let (title, text, href, button) = step.words();
        view! {
            <section class="card mb-6 flex flex-wrap items-center justify-between gap-4" aria-labelledby="next-step" data-testid="next-step">
                <div>
                    <p class="text-sm font-semibold text-brand-700 dark:text-brand-300">"Next step"</p>
                    <h2 id="next-step">{title}</h2>
                    <p class="text-slate-600 dark:text-slate-400">{text}</p>
                </div>
                <a href=href class="btn btn-primary">{button}</a>
            </section>
        }
    });
    let figures = d.portfolio.as_ref().map(|p| {
        let change = change_text(p.day_change, p.day_change_percent);
        let cards = [
            ("Portfolio value", usd(p.summary.total_value)),
            ("Cash", usd(p.summary.cash)),
            ("Today", change),
        ];
        view! {
            <dl class="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-3">
                {cards.into_iter().map(|(label, value)| view! {
                    <div class="card p-4">
                        <dt class="text-sm text-slate-500 dark:text-slate-400">{label}</dt>
                        <dd class="tabular text-xl font-semibold">{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
            <p class="mb-6 flex flex-wrap gap-3">
                <a href="/portfolio" class="btn btn-secondary">"Portfolio"</a>
                <a href="/trade" class="btn btn-secondary">"Trade"</a>
                <a href="/deposit" class="btn btn-secondary">"Deposit"</a>
            </p>
        }
    });
    let recent = (!d.recent.is_empty()).then(|| {
        view! {
            <section aria-labelledby="recent-title">
                <div class="mb-3 flex items-center justify-between">
                    <h2 id="recent-title">"Recent activity"</h2>
                    <a href="/activity">"All activity"</a>
                </div>
                <ActivityList items=d.recent.clone()/>
            </section>
        }
    });
    view! {
        <Title text="Home"/>
        <PageHeader title=format!("Hello, {first_name}")/>
        {step}
        {figures}
        {recent}
    }
}

/// The landing page for people who are not signed in.
#[component]
fn Landing() -> impl IntoView {
    view! {
        <Title text="Invest in what you believe in"/>
        <section class="grid items-center gap-10 lg:grid-cols-2">
            <div>
                <p class="badge-success badge mb-4">"Commission-free stocks and ETFs"</p>
                <h1 class="text-display font-bold tracking-tight">"Invest in what you believe in."</h1>
                <p class="mt-5 max-w-xl text-lg text-slate-600 dark:text-slate-300">
                    "Open an account in minutes, link your bank, and buy stocks by the share or by the dollar. "
                    "Your portfolio, cost basis and gains are always one tap away."
                </p>
                <div class="mt-8 flex flex-wrap gap-3">
                    <a href="/sign-up" class="btn btn-primary btn-lg">"Get started"</a>
                    <a href="/sign-in" class="btn btn-secondary btn-lg">"I have an account"</a>
                </div>
            </div>
            <div class="card">
                <h2 class="mb-4">"From zero to invested"</h2>
                <ol class="space-y-4">
                    <Step n=1 title="Tell us about you" text="Identity, address and a few regulatory questions. About five minutes."/>
                    <Step n=2 title="Link your bank" text="Connect securely with Plaid, or enter your account details."/>
                    <Step n=3 title="Add money" text="Deposits arrive in your investing wallet, ready to use."/>
                    <Step n=4 title="Trade" text="Market, limit, stop and trailing-stop orders, in shares or dollars."/>
                </ol>
            </div>
        </section>
    }
}

#[component]
fn Step(n: u8, title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <li class="flex gap-4">
            <span class="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-brand-100 text-sm font-bold text-brand-800 dark:bg-brand-900 dark:text-brand-100">
                {n}
            </span>
            <div>
                <h3>{title}</h3>
                <p class="text-sm text-slate-600 dark:text-slate-400">{text}</p>
            </div>
        </li>
    }
}

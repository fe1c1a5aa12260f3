//! `/`: the landing page for people who are not investing yet.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
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

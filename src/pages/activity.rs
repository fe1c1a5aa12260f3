//! `/activity`: one feed of deposits, withdrawals, buys, sells and other transactions, newest
//! first, filtered by kind, 20 a page; new lines appear as they happen (`LiveRegion`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::activity::{list_activity, ActivityItem, ACTIVITY_KINDS};
use crate::components::journey::JourneyGate;
use crate::components::live::LiveRegion;
use crate::components::ui::{EmptyState, PageHeader, SkeletonRows};
use crate::pages::errors::LoadError;
use crate::portfolio::signed_usd;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            q.get("kind").unwrap_or_default(),
            q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0u32),
        )
    };
    let feed = Resource::new(asked, |(kind, page)| list_activity(kind, page));
    let tabs = move || {
        let current = asked().0;
        ACTIVITY_KINDS
            .iter()
            .map(|(slug, label)| {
                let here = current == *slug;
                view! {
                    <a href=format!("/activity?kind={slug}")
                       class="btn btn-ghost aria-[current=page]:bg-brand-50 aria-[current=page]:text-brand-700 dark:aria-[current=page]:bg-slate-800"
                       aria-current=here.then_some("page")>{*label}</a>
                }
            })
            .collect_view()
    };
    view! {
        <Title text="Activity"/>
        <PageHeader title="Activity" subtitle="Everything that moved in your account."/>
        <JourneyGate>
            <nav aria-label="Which activity" class="mb-4 flex flex-wrap gap-1">{tabs}</nav>
            <div id="live-activity">
            <Transition fallback=|| view! { <SkeletonRows rows=6/> }>
                {move || Suspend::new(async move {
                    let (kind, _) = asked();
                    match feed.await {
                        Ok(page) if page.items.is_empty() && page.page == 0 => view! {
                            <EmptyState title="Nothing here yet" message="Deposits, withdrawals and trades show up here as they happen."/>
                        }
                        .into_any(),
                        Ok(page) => {
                            let prev = (page.page > 0).then(|| format!("/activity?kind={kind}&page={}", page.page - 1));
                            let next = page.has_more.then(|| format!("/activity?kind={kind}&page={}", page.page + 1));
                            view! {
                                <ActivityList items=page.items/>
                                <nav aria-label="Pages" class="mt-4 flex justify-between">
                                    {prev.map(|href| view! { <a href=href class="btn btn-ghost">"Newer"</a> })}
                                    {next.map(|href| view! { <a href=href class="btn btn-ghost ml-auto">"Older"</a> })}
                                </nav>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Transition>
            </div>
            <LiveRegion region="live-activity"/>
        </JourneyGate>
    }
}

/// Activity lines: what, when, the signed amount and the status in words.
#[component]
pub fn ActivityList(items: Vec<ActivityItem>) -> impl IntoView {
    view! {
        <ul class="card divide-y divide-slate-200 p-0 dark:divide-slate-700">
            {items.into_iter().map(|i| view! {
                <li class="flex items-center justify-between gap-4 px-4 py-3" data-testid="activity-item">
                    <div>
                        <p class="font-medium">{i.description.clone()}</p>
                        <p class="text-sm text-slate-500 dark:text-slate-400">{format!("{} · {} UTC · {}", i.kind, i.when, i.status)}</p>
                    </div>
                    <span class="tabular font-semibold">{signed_usd(i.amount)}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

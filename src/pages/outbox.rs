//! `/dev/outbox` (development and demos only): the emails the app would have sent, so flows
//! such as a password reset work on one machine. A 404 in production or with SMTP configured.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::dev::list_outbox;
use crate::components::ui::{EmptyState, PageHeader, SkeletonRows};
use crate::error::AppError;
use crate::pages::errors::NotFoundPage;

/// Plain text with `http(s)://` words turned into links.
fn linkify(body: &str) -> impl IntoView {
    body.lines()
        .map(|line| {
            let words = line
                .split(' ')
                .map(|word| {
                    if word.starts_with("http://") || word.starts_with("https://") {
                        view! { <a href=word.to_owned() class="break-all">{word.to_owned()}</a> }
                            .into_any()
                    } else {
                        view! { <span>{word.to_owned()}</span> }.into_any()
                    }
                })
                .collect::<Vec<_>>();
            let mut parts = Vec::new();
            for (i, word) in words.into_iter().enumerate() {
                if i > 0 {
                    parts.push(" ".into_any());
                }
                parts.push(word);
            }
            view! { <p class="min-h-[1em]">{parts}</p> }
        })
        .collect_view()
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let emails = Resource::new(|| (), |_| list_outbox());
    view! {
        <Title text="Development outbox"/>
        <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
            {move || Suspend::new(async move {
                match emails.await {
                    Err(AppError::NotFound) => view! { <NotFoundPage/> }.into_any(),
                    Err(e) => view! { <div role="alert" class="alert alert-error">{e.to_string()}</div> }.into_any(),
                    Ok(list) => view! {
                        <PageHeader title="Development outbox" subtitle="Emails the app sent while no SMTP server is configured. Newest first. Not available in production."/>
                        {if list.is_empty() {
                            view! { <EmptyState title="No emails yet" message="Ask for a password reset and the email shows up here."/> }.into_any()
                        } else {
                            view! {
                                <ul class="space-y-4">
                                    {list.into_iter().map(|m| view! {
                                        <li class="card space-y-2" data-testid="outbox-email">
                                            <p class="text-sm text-slate-500">"To " <span class="font-medium">{m.to}</span> " · " {m.sent_at}</p>
                                            <h2 class="text-lg">{m.subject}</h2>
                                            <div class="text-sm">{linkify(&m.body)}</div>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

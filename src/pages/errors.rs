//! The 404 page and the error page, in the app's own frame.

use leptos::prelude::*;
use leptos_meta::Title;

/// Rendered for any path no route matches; answers with HTTP 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <section class="mx-auto max-w-lg py-16 text-center">
            <p class="text-sm font-semibold text-brand-600">"404"</p>
            <h1 class="mt-2">"We can't find that page"</h1>
            <p class="mt-4 text-slate-600 dark:text-slate-400">
                "The link may be old, or the address mistyped."
            </p>
            <a href="/" class="btn btn-primary mt-8">"Back to home"</a>
        </section>
    }
}

/// Shown by an `ErrorBoundary` when part of a page fails to load.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, e)| e.to_string())
            .collect::<Vec<_>>()
    };
    view! {
        <div role="alert" class="alert alert-error">
            <p class="font-semibold">"This part of the page didn't load."</p>
            <ul class="mt-1 list-disc pl-5">
                {move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
            </ul>
            <a href="" class="mt-2 inline-block font-semibold">"Try again"</a>
        </div>
    }
}

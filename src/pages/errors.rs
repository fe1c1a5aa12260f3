//! The 404 page and the error page, in the app's own frame.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;

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
            <p class="text-sm font-semibold text-brand-700">"404"</p>
            <h1 class="mt-2">"We can't find that page"</h1>
            <p class="mt-4 text-slate-600 dark:text-slate-400">
                "The link may be old, or the address mistyped."
            </p>
            <a href="/" class="btn btn-primary mt-8">"Back to home"</a>
        </section>
    }
}

/// What a page shows where its data would be when loading it failed: the message (which says
/// whose fault it was, with a reference to quote) and a way to try again. Nothing that did not
/// load is shown as if it had; the rest of the page and the app keep working.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    let signed_out = matches!(error, AppError::NotSignedIn);
    let message = match &error {
        AppError::NotFound => "We couldn't find that. Check the address and try again.".to_owned(),
        other => other.to_string(),
    };
    view! {
        <div role="alert" class="alert alert-error" data-testid="load-error">
            <p>{message}</p>
            {if signed_out {
                view! { <a href="/sign-in" class="mt-2 inline-block font-semibold underline">"Sign in"</a> }.into_any()
            } else {
                // An empty href is this page again, query included.
                view! { <a href="" class="mt-2 inline-block font-semibold underline">"Try again"</a> }.into_any()
            }}
        </div>
    }
}

//! The signed-out pages: sign up, sign in (and its two-factor step), forgotten password and
//! the reset link's page. Each form is an `ActionForm`, so it works before hydration too.

pub mod forgot;
pub mod reset;
pub mod sign_in;
pub mod sign_up;
pub mod two_factor;

use leptos::prelude::*;

/// The narrow card the signed-out pages sit in.
#[component]
pub fn AuthCard(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="mx-auto max-w-md">
            <h1 class="mb-2 text-center">{title}</h1>
            {subtitle.map(|s| view! { <p class="mb-6 text-center text-slate-600 dark:text-slate-400">{s}</p> })}
            <div class="card space-y-4">{children()}</div>
        </div>
    }
}

/// Shortest password the server accepts; checked in the browser too, for a quicker answer.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A new-password field: the server's rules are checked again on the server, but the length
/// is checked here as soon as the user leaves the field.
#[component]
pub fn NewPasswordField(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    /// The server's message for this field, if any.
    server_error: Signal<Option<String>>,
) -> impl IntoView {
    let local_error = RwSignal::new(None::<String>);
    let check = move |value: String| {
        let short = !value.is_empty() && value.chars().count() < MIN_PASSWORD_CHARS;
        local_error.set(short.then(|| "Use at least 12 characters.".to_owned()));
    };
    let error = Signal::derive(move || local_error.get().or_else(|| server_error.get()));
    view! {
        <div
            on:focusout=move |ev| check(event_target_value(&ev))
            on:input=move |ev| {
                // Clear the message as soon as the password is long enough.
                if local_error.get_untracked().is_some() {
                    check(event_target_value(&ev));
                }
            }
        >
            <crate::components::ui::TextField
                name=name
                label=label
                input_type="password"
                autocomplete="new-password"
                hint="At least 12 characters. A short sentence works well."
                required=true
                error=error
            />
        </div>
    }
}

//! The signed-out pages: sign up, sign in (and its two-factor step), forgotten password and
//! the reset link's page. Each is a [`Form`](crate::components::form::Form), so it works before
//! hydration and without JavaScript too.

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

/// A new-password field. The server checks the password's rules; in the browser the form's
/// `Checks::NewPassword` checks its length as soon as the user leaves the field.
#[component]
pub fn NewPasswordField(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    /// The server's message for this field, if any.
    server_error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <crate::components::ui::TextField
            name=name
            label=label
            input_type="password"
            autocomplete="new-password"
            hint="At least 12 characters. A short sentence works well."
            required=true
            error=server_error
        />
    }
}

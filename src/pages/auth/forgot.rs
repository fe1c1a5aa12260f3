//! `/forgot-password`: ask for a reset link. The answer is the same whether or not the email
//! has an account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::AuthCard;
use crate::api::auth::RequestPasswordReset;
use crate::components::form::{field_error, form_error, Form, FormAlert};
use crate::components::ui::TextField;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    // The server function redirects here with `?sent=1` (and `&outbox=1` when running locally).
    let query = use_query_map();
    let sent = move || {
        let q = query.read();
        q.get("sent").map(|_| q.get("outbox").is_some())
    };
    view! {
        <Title text="Reset your password"/>
        <AuthCard title="Reset your password" subtitle="We'll email you a link to choose a new one.">
            {move || match sent() {
                Some(outbox) => view! {
                    <div role="status" class="alert alert-success space-y-2">
                        <p>"If an account uses that email, a reset link is on its way. It works once, for 30 minutes."</p>
                        {outbox.then(|| view! {
                            <p>"Running locally: open the " <a href="/dev/outbox">"development outbox"</a> " to see it."</p>
                        })}
                    </div>
                }.into_any(),
                None => ().into_any(),
            }}
            <Form action=action class="space-y-4">
                <FormAlert error=form_error(action, &["email"])/>
                <TextField name="email" label="Email" input_type="email" autocomplete="email" required=true error=field_error(action, "email")/>
                <button type="submit" class="btn btn-primary w-full">
                    "Send reset link"
                </button>
            </Form>
            <p class="text-center text-sm"><a href="/sign-in">"Back to sign in"</a></p>
        </AuthCard>
    }
}

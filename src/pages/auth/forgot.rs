//! `/forgot-password`: ask for a reset link. The answer is the same whether or not the email
//! has an account.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::AuthCard;
use crate::api::auth::RequestPasswordReset;
use crate::components::form::{field_error, form_error, FormAlert};
use crate::components::ui::TextField;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let sent = move || action.value().get().and_then(Result::ok);
    view! {
        <Title text="Reset your password"/>
        <AuthCard title="Reset your password" subtitle="We'll email you a link to choose a new one.">
            {move || match sent() {
                Some(result) => view! {
                    <div role="status" class="alert alert-success space-y-2">
                        <p>"If an account uses that email, a reset link is on its way. It works once, for 30 minutes."</p>
                        {result.outbox.then(|| view! {
                            <p>"Running locally: open the " <a href="/dev/outbox">"development outbox"</a> " to see it."</p>
                        })}
                    </div>
                }.into_any(),
                None => ().into_any(),
            }}
            <ActionForm action=action attr:class="space-y-4">
                <FormAlert error=form_error(action, &["email"])/>
                <TextField name="email" label="Email" input_type="email" autocomplete="email" required=true error=field_error(action, "email")/>
                <button type="submit" class="btn btn-primary w-full" disabled=move || action.pending().get()>
                    "Send reset link"
                </button>
            </ActionForm>
            <p class="text-center text-sm"><a href="/sign-in">"Back to sign in"</a></p>
        </AuthCard>
    }
}

//! `/reset-password?token=…`: choose a new password from an emailed link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{AuthCard, NewPasswordField};
use crate::api::auth::ResetPassword;
use crate::components::form::{field_error, form_error, Checks, Form, FormAlert};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let token_error = field_error(action, "token");
    view! {
        <Title text="Choose a new password"/>
        <AuthCard title="Choose a new password" subtitle="All your other sessions will be signed out.">
            <Show when=move || token_error.get().is_some()>
                <div role="alert" class="alert alert-error">
                    {move || token_error.get()} " " <a href="/forgot-password">"Ask for a new link"</a>
                </div>
            </Show>
            <Form action=action class="space-y-4" checks=Checks::NewPassword("password".into())>
                <FormAlert error=form_error(action, &["token", "password"])/>
                <input type="hidden" name="token" value=token/>
                <NewPasswordField name="password" label="New password" server_error=field_error(action, "password")/>
                <button type="submit" class="btn btn-primary w-full">
                    "Set new password"
                </button>
            </Form>
        </AuthCard>
    }
}

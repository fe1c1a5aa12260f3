//! `/sign-in`: email and password. `?next=` says where to go afterwards (local paths only);
//! `?reset=1` confirms a password reset.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::AuthCard;
use crate::api::auth::SignIn;
use crate::components::form::{field_error, form_error, Form, FormAlert};
use crate::components::ui::TextField;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let was_reset = move || query.read().get("reset").is_some();
    view! {
        <Title text="Sign in"/>
        <AuthCard title="Sign in" subtitle="Welcome back.">
            <Show when=was_reset>
                <div role="status" class="alert alert-success">"Your password was changed. Sign in with the new one."</div>
            </Show>
            <Form action=action class="space-y-4">
                <FormAlert error=form_error(action, &["email", "password"])/>
                <input type="hidden" name="next" value=next/>
                <TextField name="email" label="Email" input_type="email" autocomplete="username" required=true error=field_error(action, "email")/>
                <TextField name="password" label="Password" input_type="password" autocomplete="current-password" required=true error=field_error(action, "password")/>
                <button type="submit" class="btn btn-primary w-full">
                    "Sign in"
                </button>
            </Form>
            <div class="flex justify-between text-sm">
                <a href="/forgot-password">"Forgot your password?"</a>
                <a href="/sign-up">"Create an account"</a>
            </div>
        </AuthCard>
    }
}

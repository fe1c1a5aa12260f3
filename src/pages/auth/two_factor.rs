//! `/sign-in/two-factor`: the second sign-in step for users with an authenticator app.

use leptos::prelude::*;
use leptos_meta::Title;

use super::AuthCard;
use crate::api::auth::VerifyTwoFactor;
use crate::brand::use_brand;
use crate::components::form::{field_error, form_error, Form, FormAlert};
use crate::components::ui::TextField;

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let action = ServerAction::<VerifyTwoFactor>::new();
    let subtitle = format!(
        "Open your authenticator app and enter the 6-digit code for {}.",
        use_brand().name
    );
    view! {
        <Title text="Two-factor sign-in"/>
        <AuthCard title="Enter your code" subtitle=subtitle>
            <Form action=action class="space-y-4">
                <FormAlert error=form_error(action, &["code"])/>
                <TextField
                    name="code"
                    label="Code"
                    autocomplete="one-time-code"
                    hint="Lost your phone? Enter one of your recovery codes instead."
                    required=true
                    error=field_error(action, "code")
                />
                <button type="submit" class="btn btn-primary w-full">
                    "Verify"
                </button>
            </Form>
            <p class="text-center text-sm"><a href="/sign-in">"Start over"</a></p>
        </AuthCard>
    }
}

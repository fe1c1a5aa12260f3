//! `/sign-up`: create an account with name, email and password.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{AuthCard, NewPasswordField};
use crate::api::auth::SignUp;
use crate::components::form::{field_error, form_error, Checks, Form, FormAlert};
use crate::components::ui::TextField;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    view! {
        <Title text="Create your account"/>
        <AuthCard title="Create your account" subtitle="It takes a minute. You can open your investing account next.">
            <Form action=action class="space-y-4" checks=Checks::NewPassword("password".into())>
                <FormAlert error=form_error(action, &["name", "email", "password"])/>
                <TextField name="name" label="Full name" autocomplete="name" required=true error=field_error(action, "name")/>
                <TextField name="email" label="Email" input_type="email" autocomplete="email" required=true error=field_error(action, "email")/>
                <NewPasswordField name="password" label="Password" server_error=field_error(action, "password")/>
                <button type="submit" class="btn btn-primary w-full">
                    "Create account"
                </button>
            </Form>
            <p class="text-center text-sm">"Already have an account? " <a href="/sign-in">"Sign in"</a></p>
        </AuthCard>
    }
}

//! `/sign-in`: email and password. `?next=` says where to go afterwards (local paths only);
//! `?reset=1` confirms a password reset.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::AuthCard;
use crate::api::auth::SignIn;
use crate::api::demo::{demo_credentials, DemoCredentials, ResetDemo};
use crate::components::form::{field_error, form_error, Form, FormAlert};
use crate::components::ui::TextField;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let was_reset = move || query.read().get("reset").is_some();
    let demo_was_reset = move || query.read().get("demo").as_deref() == Some("reset");
    view! {
        <Title text="Sign in"/>
        <AuthCard title="Sign in" subtitle="Welcome back.">
            <Show when=was_reset>
                <div role="status" class="alert alert-success">"Your password was changed. Sign in with the new one."</div>
            </Show>
            <Show when=demo_was_reset>
                <div role="status" class="alert alert-success">"The demo account is back as it started."</div>
            </Show>
            {demo_credentials().map(|credentials| view! { <DemoAccountCard credentials/> })}
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

/// Demo mode only: the demo account's sign-in, a one-click sign-in with it, and the reset.
#[component]
fn DemoAccountCard(credentials: DemoCredentials) -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let reset = ServerAction::<ResetDemo>::new();
    view! {
        <section aria-labelledby="demo-heading" class="rounded-xl border border-brand-200 bg-brand-50 p-4 text-sm dark:border-slate-700 dark:bg-slate-900" data-testid="demo-account">
            <h2 id="demo-heading" class="font-semibold">"Demo account"</h2>
            <p class="mt-1 text-slate-700 dark:text-slate-300">"An approved investor with a funded account, a year of trades and a diversified portfolio. Nothing here is real money."</p>
            <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
                <dt class="text-slate-600 dark:text-slate-400">"Email"</dt>
                <dd class="font-mono break-all" data-testid="demo-email">{credentials.email.clone()}</dd>
                <dt class="text-slate-600 dark:text-slate-400">"Password"</dt>
                <dd class="font-mono" data-testid="demo-password">{credentials.password.clone()}</dd>
            </dl>
            <div class="mt-3 flex flex-wrap gap-2">
                <Form action=sign_in>
                    <input type="hidden" name="email" value=credentials.email/>
                    <input type="hidden" name="password" value=credentials.password/>
                    <input type="hidden" name="next" value="/"/>
                    <button type="submit" class="btn btn-primary">"Sign in as the demo investor"</button>
                </Form>
                <Form action=reset>
                    <button type="submit" class="btn btn-secondary">"Reset the demo"</button>
                </Form>
            </div>
            <FormAlert error=form_error(reset, &[])/>
        </section>
    }
}

//! `/account`: the signed-in user's profile: name and email, password, two-factor sign-in.
//! Anonymous visitors are sent to `/sign-in?next=/account` before this renders.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::{
    get_profile, ChangePassword, ConfirmTwoFactor, DisableTwoFactor, Profile, StartTwoFactor,
    UpdateProfile,
};
use crate::components::form::{field_error, form_error, Checks, Form, FormAlert};
use crate::components::layout::SignOutForm;
use crate::components::ui::{PageHeader, SkeletonRows, TextField};
use crate::error::AppError;
use crate::pages::auth::NewPasswordField;
use crate::pages::errors::LoadError;

#[component]
pub fn AccountPage() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    let change = ServerAction::<ChangePassword>::new();
    let start = ServerAction::<StartTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let profile = Resource::new(|| (), |_| get_profile());
    // What the last form did: its server function redirects here with `?saved=…`.
    let query = use_query_map();
    let saved = move || query.read().get("saved");

    view! {
        <Title text="Your account"/>
        <PageHeader title="Your account" subtitle="Your details and how you sign in."/>
        <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! {
                        <div class="grid gap-6 lg:grid-cols-2">
                            <ProfileCard profile=p.clone() action=update saved=saved().as_deref() == Some("profile")/>
                            <PasswordCard two_factor=p.two_factor_enabled action=change saved=saved().as_deref() == Some("password")/>
                            <TwoFactorCard profile=p start=start confirm=confirm disable=disable turned_off=saved().as_deref() == Some("two-factor-off")/>
                            <section class="card space-y-3">
                                <h2>"Sign out"</h2>
                                <p class="text-sm text-slate-600 dark:text-slate-400">"Ends this session on this device."</p>
                                <SignOutForm/>
                            </section>
                        </div>
                    }.into_any(),
                    Err(AppError::NotSignedIn) => view! {
                        <div class="alert alert-info">"Please " <a href="/sign-in?next=/account">"sign in"</a> " to see your account."</div>
                    }.into_any(),
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProfileCard(
    profile: Profile,
    action: ServerAction<UpdateProfile>,
    saved: bool,
) -> impl IntoView {
    let two_factor = profile.two_factor_enabled;
    view! {
        <section class="card space-y-4">
            <h2>"Profile"</h2>
            {saved.then(|| view! { <div role="status" class="alert alert-success">"Saved."</div> })}
            <Form action=action class="space-y-4">
                <FormAlert error=form_error(action, &["name", "email", "confirm_password", "confirm_code"])/>
                <TextField name="name" label="Full name" autocomplete="name" required=true value=profile.name error=field_error(action, "name")/>
                <TextField name="email" label="Email" input_type="email" autocomplete="email" required=true value=profile.email error=field_error(action, "email")/>
                <TextField
                    name="confirm_password"
                    label="Current password"
                    input_type="password"
                    autocomplete="current-password"
                    hint="Needed only to change your email."
                    error=field_error(action, "confirm_password")
                />
                {two_factor.then(|| view! {
                    <TextField name="confirm_code" label="Authenticator code" autocomplete="one-time-code" hint="Needed only to change your email." error=field_error(action, "confirm_code")/>
                })}
                <button type="submit" class="btn btn-primary">"Save"</button>
            </Form>
        </section>
    }
}

#[component]
fn PasswordCard(
    two_factor: bool,
    action: ServerAction<ChangePassword>,
    saved: bool,
) -> impl IntoView {
    view! {
        <section class="card space-y-4">
            <h2>"Password"</h2>
            {saved.then(|| view! { <div role="status" class="alert alert-success">"Password changed. Your other sessions were signed out."</div> })}
            <Form action=action class="space-y-4" checks=Checks::NewPassword("new_password".into())>
                <FormAlert error=form_error(action, &["current_password", "new_password", "code"])/>
                <TextField name="current_password" label="Current password" input_type="password" autocomplete="current-password" required=true error=field_error(action, "current_password")/>
                <NewPasswordField name="new_password" label="New password" server_error=field_error(action, "new_password")/>
                {two_factor.then(|| view! {
                    <TextField name="code" label="Authenticator code" autocomplete="one-time-code" required=true error=field_error(action, "code")/>
                })}
                <button type="submit" class="btn btn-primary">"Change password"</button>
            </Form>
        </section>
    }
}

#[component]
fn TwoFactorCard(
    profile: Profile,
    start: ServerAction<StartTwoFactor>,
    confirm: ServerAction<ConfirmTwoFactor>,
    disable: ServerAction<DisableTwoFactor>,
    turned_off: bool,
) -> impl IntoView {
    // Shown once, right after the set-up is confirmed.
    let recovery_codes =
        (!profile.new_recovery_codes.is_empty()).then_some(profile.new_recovery_codes);
    // A set-up started in this session and not confirmed yet.
    let setup = profile.pending_two_factor;
    let enabled = profile.two_factor_enabled;
    view! {
        <section id="two-factor" class="card space-y-4">
            <h2>"Two-factor sign-in"</h2>
            {turned_off.then(|| view! { <div role="status" class="alert alert-success">"Two-factor sign-in is off."</div> })}
            {recovery_codes.map(|codes| view! {
                <div role="status" class="alert alert-success space-y-2">
                    <p class="font-semibold">"Two-factor sign-in is on. Save these recovery codes somewhere safe: each works once if you lose your phone. They won't be shown again."</p>
                    <ul id="recovery-codes" class="grid grid-cols-2 gap-1 font-mono text-sm">
                        {codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            {if enabled {
                view! {
                    <p>
                        <span class="badge badge-success">"On"</span>
                        " " {format!("{} recovery codes left.", profile.recovery_codes_left)}
                    </p>
                    <Form action=disable class="space-y-4">
                        <FormAlert error=form_error(disable, &["password", "totp_code"])/>
                        <TextField name="password" label="Current password" input_type="password" autocomplete="current-password" required=true error=field_error(disable, "password")/>
                        <TextField name="totp_code" label="Authenticator code" autocomplete="one-time-code" required=true error=field_error(disable, "totp_code")/>
                        <button type="submit" class="btn btn-danger">"Turn off two-factor sign-in"</button>
                    </Form>
                }.into_any()
            } else {
                view! {
                    <p class="text-sm text-slate-600 dark:text-slate-400">
                        "Protect your account with a code from an authenticator app (Google Authenticator, 1Password, Authy…) at every sign-in."
                    </p>
                    {match setup {
                        None => view! {
                            <Form action=start>
                                <FormAlert error=form_error(start, &[])/>
                                <button type="submit" class="btn btn-primary">"Set up two-factor sign-in"</button>
                            </Form>
                        }.into_any(),
                        Some(s) => view! {
                            <ol class="list-decimal space-y-2 pl-5 text-sm">
                                <li>
                                    "Scan this QR code with your authenticator app."
                                    // Markup made on the server from the otpauth link; black on a
                                    // white box so it scans in dark mode too.
                                    <div
                                        role="img"
                                        aria-label="QR code for your authenticator app"
                                        class="mt-2 flex w-fit rounded-md bg-white p-2"
                                        inner_html=s.qr_svg.clone()
                                    ></div>
                                </li>
                                <li>
                                    "Or, on your phone, " <a href=s.uri.clone()>"open this link in your authenticator app"</a>
                                    ", or add an account by hand with this key:"
                                    <code id="totp-secret" class="mt-1 block break-all font-mono text-base">{s.secret.clone()}</code>
                                </li>
                                <li>"Enter the 6-digit code the app shows."</li>
                            </ol>
                            <Form action=confirm class="space-y-4">
                                <FormAlert error=form_error(confirm, &["setup_code"])/>
                                <TextField name="setup_code" label="Code from the app" autocomplete="one-time-code" required=true error=field_error(confirm, "setup_code")/>
                                <button type="submit" class="btn btn-primary">"Turn on"</button>
                            </Form>
                        }.into_any(),
                    }}
                }.into_any()
            }}
        </section>
    }
}

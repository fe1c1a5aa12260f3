//! The wizard: a progress list, then one step's form. Field values come from the saved draft
//! and are rendered into the HTML, so they show (and are sent again) without JavaScript.

use leptos::prelude::*;

use crate::api::onboarding::{SaveStep, SubmitApplication, Wizard as WizardState};
use crate::brand::use_brand;
use crate::components::form::{form_error, Checks, Form, FormAlert};
use crate::components::ui::{CheckboxField, PageHeader, SelectField, TextField, YesNoField};
use crate::error::AppError;
use crate::onboarding::{
    country_name, Draft, Step, BRACKETS, COUNTRIES, EMPLOYMENT_STATUSES, INVESTOR_AGREEMENT,
    MARGIN_DISCLOSURE, TAX_ID_TYPES, US_STATES, W8BEN_TEXT, WEALTH_SOURCES,
};

/// Field errors for one form: the last submission's, or the problem Bluum reported.
#[derive(Clone, Copy)]
struct Errors {
    action: Signal<Option<AppError>>,
    stored: StoredValue<Option<(String, String)>>,
}

impl Errors {
    fn of(&self, field: &'static str) -> Signal<Option<String>> {
        let (action, stored) = (self.action, self.stored);
        Signal::derive(move || {
            action
                .get()
                .and_then(|e| e.field_message(field))
                .or_else(|| {
                    stored
                        .get_value()
                        .filter(|(f, _)| f == field)
                        .map(|(_, m)| m)
                })
        })
    }
}

fn options(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

fn countries() -> Vec<(String, String)> {
    COUNTRIES
        .iter()
        .map(|(c, n, _)| (c.to_string(), n.to_string()))
        .collect()
}

#[component]
pub fn Wizard(
    wizard: Box<WizardState>,
    step: Step,
    save: ServerAction<SaveStep>,
    submit: ServerAction<SubmitApplication>,
) -> impl IntoView {
    let draft = wizard.draft;
    let furthest = wizard.furthest;
    let today = wizard.today;
    let stored = StoredValue::new(wizard.error.clone());
    view! {
        <PageHeader
            title="Open your investing account"
            subtitle="A few questions that US law requires of every brokerage. About five minutes; your answers are saved as you go."
        />
        <div class="grid grid-cols-1 gap-8 lg:grid-cols-[14rem_1fr]">
            <Progress step=step furthest=furthest/>
            <section class="card min-w-0 space-y-6" aria-labelledby="step-title">
                <div>
                    <p class="text-sm font-medium text-slate-500 dark:text-slate-400">
                        {format!("Step {} of {}", step.number(), Step::ALL.len())}
                    </p>
                    // On phones the step list is hidden: a bar shows how far along this is.
                    <div class="mt-2 h-1.5 w-full rounded-full bg-slate-200 lg:hidden dark:bg-slate-700" aria-hidden="true">
                        <div
                            class="h-1.5 rounded-full bg-brand-600"
                            style=format!("width: {}%", step.number() * 100 / Step::ALL.len())
                        ></div>
                    </div>
                    <h2 id="step-title">{step.title()}</h2>
                </div>
                {wizard.error.clone().map(|(_, message)| view! {
                    <div role="alert" class="alert alert-error">
                        "Bluum couldn't accept one of your answers: " {message}
                    </div>
                })}
                {if step == Step::Agreements {
                    view! { <Agreements draft=draft submit=submit stored=stored today=today/> }.into_any()
                } else {
                    let errors = Errors {
                        action: Signal::derive(move || save.value().get().and_then(Result::err)),
                        stored,
                    };
                    view! {
                        <Form action=save class="space-y-5" checks=Checks::Onboarding { step, today }>
                            <FormAlert error=form_error(save, &[])/>
                            <input type="hidden" name="step" value=step.slug()/>
                            {step_fields(step, &draft, errors)}
                            <div class="flex flex-wrap items-center justify-between gap-3 pt-2">
                                {step.previous().map(|_| view! {
                                    <button type="submit" name="nav" value="back" formnovalidate=true class="btn btn-secondary">
                                        "Back"
                                    </button>
                                })}
                                <button type="submit" name="nav" value="next" class="btn btn-primary ml-auto">
                                    "Save and continue"
                                </button>
                            </div>
                        </Form>
                    }
                    .into_any()
                }}
            </section>
        </div>
    }
}

/// The list of steps: done and current ones are links, later ones are not open yet.
#[component]
fn Progress(step: Step, furthest: Step) -> impl IntoView {
    view! {
        <nav aria-label="Onboarding steps" class="hidden min-w-0 lg:block">
            <ol class="flex flex-col gap-1 text-sm">
                {Step::ALL
                    .into_iter()
                    .map(|s| {
                        let current = s == step;
                        let reachable = s <= furthest;
                        let label = format!("{}. {}", s.number(), s.title());
                        let done = s < furthest && !current;
                        view! {
                            <li class="shrink-0">
                                {if reachable {
                                    view! {
                                        <a
                                            href=format!("/onboarding/{}", s.slug())
                                            aria-current=current.then_some("step")
                                            class="block rounded-lg px-3 py-2 no-underline hover:bg-slate-100 aria-[current=step]:bg-brand-50 aria-[current=step]:font-semibold aria-[current=step]:text-brand-800 dark:hover:bg-slate-800 dark:aria-[current=step]:bg-slate-800 dark:aria-[current=step]:text-brand-300"
                                        >
                                            {label}
                                            {done.then(|| view! { <span class="sr-only">" (done)"</span> <span aria-hidden="true">" ✓"</span> })}
                                        </a>
                                    }
                                    .into_any()
                                } else {
                                    view! { <span class="block px-3 py-2 text-slate-500 dark:text-slate-500">{label}</span> }.into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

fn step_fields(step: Step, d: &Draft, e: Errors) -> AnyView {
    let v = |s: &String| s.clone();
    match step {
        Step::Identity => view! {
            <p class="text-sm text-slate-600 dark:text-slate-400">"As it appears on your government ID."</p>
            <div class="grid gap-4 sm:grid-cols-3">
                <TextField name="first_name" label="Legal first name" autocomplete="given-name" required=true value=v(&d.first_name) error=e.of("first_name")/>
                <TextField name="middle_name" label="Middle name (optional)" autocomplete="additional-name" value=v(&d.middle_name) error=e.of("middle_name")/>
                <TextField name="last_name" label="Legal last name" autocomplete="family-name" required=true value=v(&d.last_name) error=e.of("last_name")/>
            </div>
            <TextField name="date_of_birth" label="Date of birth" input_type="date" autocomplete="bday" required=true value=v(&d.date_of_birth) hint="You must be 18 or older." error=e.of("date_of_birth")/>
            <SelectField name="citizenship" label="Citizenship" options=countries() value=v(&d.citizenship) placeholder="Choose a country" required=true error=e.of("citizenship")/>
            <SelectField name="country_of_birth" label="Country of birth" options=countries() value=v(&d.country_of_birth) placeholder="Choose a country" required=true error=e.of("country_of_birth")/>
            <SelectField name="tax_residence" label="Country of tax residence" options=countries() value=v(&d.tax_residence) placeholder="Choose a country" required=true hint="Where you pay income tax." error=e.of("tax_residence")/>
        }
        .into_any(),
        Step::Contact => {
            let phone_countries = COUNTRIES
                .iter()
                .map(|(c, n, code)| (c.to_string(), format!("{n} (+{code})")))
                .collect();
            let phone_country = if d.phone_country.is_empty() { "US".to_owned() } else { d.phone_country.clone() };
            view! {
                <TextField name="email" label="Email" input_type="email" autocomplete="email" required=true value=v(&d.email) hint="Bluum sends account notices here." error=e.of("email")/>
                <div class="grid gap-4 sm:grid-cols-[1fr_2fr]">
                    <SelectField name="phone_country" label="Phone country" options=phone_countries value=phone_country autocomplete="tel-country-code" required=true error=e.of("phone_country")/>
                    <TextField name="phone" label="Mobile phone" input_type="tel" inputmode="tel" autocomplete="tel-national" required=true value=v(&d.phone) hint="Without the country code, like 415 555 0123." error=e.of("phone")/>
                </div>
            }
            .into_any()
        }
        Step::Address => {
            let country = if d.country.is_empty() { "US".to_owned() } else { d.country.clone() };
            view! {
                <TextField name="street1" label="Street address" autocomplete="address-line1" required=true value=v(&d.street1) hint="Your home, not a PO box." error=e.of("street1")/>
                <TextField name="street2" label="Address line 2 (optional)" autocomplete="address-line2" value=v(&d.street2) error=e.of("street2")/>
                <div class="grid gap-4 sm:grid-cols-2">
                    <TextField name="unit" label="Apartment or unit (optional)" value=v(&d.unit) error=e.of("unit")/>
                    <TextField name="city" label="City" autocomplete="address-level2" required=true value=v(&d.city) error=e.of("city")/>
                </div>
                <div class="grid gap-4 sm:grid-cols-2">
                    <SelectField name="state" label="State (US addresses)" options=options(US_STATES) value=v(&d.state) placeholder="Choose a state" autocomplete="address-level1" hint="Required for US addresses." error=e.of("state")/>
                    <TextField name="postal_code" label="ZIP or postal code" autocomplete="postal-code" value=v(&d.postal_code) hint="Required for US addresses." error=e.of("postal_code")/>
                </div>
                <SelectField name="country" label="Country" options=countries() value=country autocomplete="country" required=true error=e.of("country")/>
            }
            .into_any()
        }
        Step::Employment => view! {
            <SelectField name="employment_status" label="Employment status" options=options(EMPLOYMENT_STATUSES) value=v(&d.employment_status) placeholder="Choose one" required=true error=e.of("employment_status")/>
            <fieldset class="space-y-4 rounded-xl border border-slate-200 p-4 dark:border-slate-700">
                <legend class="px-1 text-sm font-medium">"If you are employed"</legend>
                <TextField name="employer_name" label="Employer" autocomplete="organization" value=v(&d.employer_name) error=e.of("employer_name")/>
                <TextField name="position" label="Job title" autocomplete="organization-title" value=v(&d.position) error=e.of("position")/>
                <TextField name="employer_address" label="Employer's address (optional)" value=v(&d.employer_address) error=e.of("employer_address")/>
            </fieldset>
        }
        .into_any(),
        Step::Financial => {
            let brackets: Vec<(String, String)> = BRACKETS.iter().map(|(k, l, _, _)| (k.to_string(), l.to_string())).collect();
            view! {
                <SelectField name="annual_income" label="Yearly income" options=brackets.clone() value=v(&d.annual_income) placeholder="Choose a range" required=true error=e.of("annual_income")/>
                <SelectField name="liquid_net_worth" label="Liquid net worth" options=brackets.clone() value=v(&d.liquid_net_worth) placeholder="Choose a range" required=true hint="Cash and investments you could sell quickly." error=e.of("liquid_net_worth")/>
                <SelectField name="total_net_worth" label="Total net worth" options=brackets value=v(&d.total_net_worth) placeholder="Choose a range" required=true hint="Everything you own, less what you owe." error=e.of("total_net_worth")/>
                <fieldset class="space-y-2" aria-describedby="wealth-hint">
                    <legend class="label">"Where does the money you'll invest come from?"</legend>
                    <p id="wealth-hint" class="hint">"Choose all that apply."</p>
                    <div class="grid gap-2 sm:grid-cols-2">
                        {WEALTH_SOURCES.iter().enumerate().map(|(i, (value, label))| {
                            let name = format!("source_{value}");
                            let checked = !d.get(&name).is_empty();
                            let error = if i == 0 { e.of("source_employment_income") } else { Signal::derive(|| None) };
                            view! { <CheckboxField name=name.clone() id=name value="on" label=*label checked=checked error=error/> }
                        }).collect_view()}
                    </div>
                </fieldset>
            }
            .into_any()
        }
        Step::Disclosures => view! {
            <YesNoField name="control_person" legend="Are you a director, officer or 10% shareholder of a publicly traded company?" value=v(&d.control_person) error=e.of("control_person")/>
            <YesNoField name="affiliated" legend="Are you, or is someone in your household, affiliated with a stock exchange or FINRA?" value=v(&d.affiliated) error=e.of("affiliated")/>
            <YesNoField name="politically_exposed" legend="Are you a senior political figure, or have you been one?" value=v(&d.politically_exposed) error=e.of("politically_exposed")/>
            <YesNoField name="family_exposed" legend="Is an immediate family member a senior political figure?" value=v(&d.family_exposed) error=e.of("family_exposed")/>
            <fieldset class="space-y-4 rounded-xl border border-slate-200 p-4 dark:border-slate-700">
                <legend class="px-1 text-sm font-medium">"If you answered yes to one of the first two questions"</legend>
                <TextField name="company_name" label="Company or firm name" value=v(&d.company_name) error=e.of("company_name")/>
                <TextField name="company_ticker" label="Company ticker symbol (public company)" value=v(&d.company_ticker) error=e.of("company_ticker")/>
                <TextField name="company_address" label="Company address (optional)" value=v(&d.company_address) error=e.of("company_address")/>
                <TextField name="company_email" label="Compliance department email (optional)" input_type="email" value=v(&d.company_email) error=e.of("company_email")/>
            </fieldset>
        }
        .into_any(),
        Step::TrustedContact => view! {
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "Optional. Someone Bluum may contact if they can't reach you or suspect fraud or exploitation. They can't see or act on your account. Leave all four empty to skip."
            </p>
            <div class="grid gap-4 sm:grid-cols-2">
                <TextField name="trusted_first_name" label="Their first name" value=v(&d.trusted_first_name) error=e.of("trusted_first_name")/>
                <TextField name="trusted_last_name" label="Their last name" value=v(&d.trusted_last_name) error=e.of("trusted_last_name")/>
            </div>
            <TextField name="trusted_email" label="Their email" input_type="email" value=v(&d.trusted_email) error=e.of("trusted_email")/>
            <TextField name="trusted_phone" label="Their phone" input_type="tel" inputmode="tel" value=v(&d.trusted_phone) hint="With the country code, like +14155550123." error=e.of("trusted_phone")/>
        }
        .into_any(),
        Step::Agreements => ().into_any(),
    }
}

/// The last step: a summary of the answers, the tax id, and the agreements.
#[component]
fn Agreements(
    draft: Draft,
    submit: ServerAction<SubmitApplication>,
    stored: StoredValue<Option<(String, String)>>,
    today: (i32, u8, u8),
) -> impl IntoView {
    let e = Errors {
        action: Signal::derive(move || submit.value().get().and_then(Result::err)),
        stored,
    };
    let w8ben = draft.needs_w8ben();
    let country = |c: &str| country_name(c).unwrap_or("—").to_owned();
    let rows = vec![
        (
            Step::Identity,
            "Name",
            [
                draft.first_name.as_str(),
                draft.middle_name.as_str(),
                draft.last_name.as_str(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
        ),
        (Step::Identity, "Date of birth", draft.date_of_birth.clone()),
        (
            Step::Identity,
            "Tax residence",
            country(&draft.tax_residence),
        ),
        (Step::Contact, "Email", draft.email.clone()),
        (
            Step::Contact,
            "Phone",
            draft.phone_e164().unwrap_or_default(),
        ),
        (
            Step::Address,
            "Address",
            [
                draft.street1.as_str(),
                draft.unit.as_str(),
                draft.city.as_str(),
                draft.state.as_str(),
                draft.postal_code.as_str(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
        ),
        (
            Step::Employment,
            "Employment",
            EMPLOYMENT_STATUSES
                .iter()
                .find(|(k, _)| *k == draft.employment_status)
                .map(|(_, l)| l.to_string())
                .unwrap_or_default(),
        ),
    ];
    let default_tax_type = if draft.tax_residence == "US" || draft.tax_residence.is_empty() {
        "SSN"
    } else {
        ""
    };
    view! {
        <dl class="divide-y divide-slate-200 rounded-xl border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
            {rows.into_iter().map(|(step, label, value)| view! {
                <div class="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3">
                    <dt class="text-sm text-slate-500 dark:text-slate-400">{label}</dt>
                    <dd class="flex flex-wrap items-baseline gap-x-4">
                        <span class="font-medium">{value}</span>
                        <a class="text-sm" href=format!("/onboarding/{}", step.slug())>
                            "Edit" <span class="sr-only">{format!(" {}", label.to_lowercase())}</span>
                        </a>
                    </dd>
                </div>
            }).collect_view()}
        </dl>
        <Form action=submit class="space-y-5" checks=Checks::Onboarding { step: Step::Agreements, today }>
            <FormAlert error=form_error(submit, &["tax_id_type", "tax_id", "agree_investor", "agree_margin", "agree_w8ben"])/>
            <div class="grid gap-4 sm:grid-cols-2">
                <SelectField name="tax_id_type" label="Tax id type" options=options(TAX_ID_TYPES) value=default_tax_type.to_owned() placeholder="Choose one" required=true error=e.of("tax_id_type")/>
                <TextField name="tax_id" label="Tax id number" autocomplete="off" required=true maxlength=24u32 hint="Sent securely to Bluum for identity checks; we don't keep it." error=e.of("tax_id")/>
            </div>
            <Agreement title="Investor agreement" text=INVESTOR_AGREEMENT.replace("{brand}", &use_brand().name)/>
            <CheckboxField name="agree_investor" id="agree_investor" value="on" label="I have read and agree to the investor agreement." checked=!draft.agree_investor.is_empty() required=true error=e.of("agree_investor")/>
            <Agreement title="Margin disclosure" text=MARGIN_DISCLOSURE.to_owned()/>
            <CheckboxField name="agree_margin" id="agree_margin" value="on" label="I have read and acknowledge the margin disclosure." checked=!draft.agree_margin.is_empty() required=true error=e.of("agree_margin")/>
            {w8ben.then(|| view! {
                <Agreement title="W-8BEN certification" text=W8BEN_TEXT.to_owned()/>
                <CheckboxField name="agree_w8ben" id="agree_w8ben" value="on" label="I certify the W-8BEN statement above." checked=!draft.agree_w8ben.is_empty() required=true error=e.of("agree_w8ben")/>
            })}
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "By submitting, you sign these agreements electronically, now, from this device's internet address."
            </p>
            <button type="submit" class="btn btn-primary w-full sm:w-auto">
                "Agree and submit"
            </button>
        </Form>
    }
}

#[component]
fn Agreement(title: &'static str, text: String) -> impl IntoView {
    view! {
        <details class="rounded-xl border border-slate-200 p-4 dark:border-slate-700" open=true>
            <summary class="cursor-pointer font-semibold">{title}</summary>
            <p class="mt-2 text-sm text-slate-700 dark:text-slate-300">{text}</p>
        </details>
    }
}

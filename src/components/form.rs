//! Forms, the one way every page takes input.
//!
//! A [`Form`] is a plain HTML form posting to a server function, rendered on the server, so it
//! works before hydration and without JavaScript: the server function redirects to the page to
//! show next (post/redirect/get), or Leptos redirects back to the form with the error in the
//! URL, where [`field_error`] and [`form_error`] read it for the next render.
//!
//! Once the page has hydrated, the [`FormEnhancer`] island around it sends the same form with
//! `fetch` instead: the error shows next to its field without a reload and what was typed
//! stays; the submit buttons are disabled while the request runs (a second click joins the
//! first); and, with [`Checks`], each field is checked with the server's own rules as the user
//! leaves it. On success it follows the server function's redirect (or reloads the page).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::onboarding::{check_tax_id, Draft, Step};
use crate::trading::{self, Facts, TicketForm};

/// Shortest password the server accepts (`server::auth::password::MIN_LENGTH` is this one).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The error for one field from the last submission of `action`.
pub fn field_error<S>(action: ServerAction<S>, field: &'static str) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + Clone + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .and_then(|e| e.field_message(field))
    })
}

/// The error from the last submission of `action` that no field in `fields` shows.
pub fn form_error<S>(
    action: ServerAction<S>,
    fields: &'static [&'static str],
) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + Clone + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Validation { field, .. })) if fields.contains(&field.as_str()) => None,
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    })
}

/// A form-level error, announced to screen readers. Always in the page (hidden while empty),
/// so [`FormEnhancer`] can fill it in.
#[component]
pub fn FormAlert(error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div role="alert" data-form-alert="" class="alert alert-error" hidden=move || error.get().is_none()>
            {move || error.get()}
        </div>
    }
}

/// A form posting to the server function of `action`, sent with `fetch` once hydrated (see the
/// module docs). `checks` names the rules to check fields with in the browser.
#[component]
pub fn Form<S>(
    action: ServerAction<S>,
    #[prop(optional)] checks: Option<Checks>,
    #[prop(optional, into)] class: String,
    #[prop(optional, into)] id: Option<String>,
    children: Children,
) -> impl IntoView
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + Clone + 'static,
    S::Error: Send + Sync + Clone + 'static,
{
    // The action names the server function; on the server it holds the error from the URL.
    let _ = action;
    view! {
        <FormEnhancer checks=checks>
            <form method="post" action=S::url() class=class id=id>
                {children()}
            </form>
        </FormEnhancer>
    }
}

/// The rules a form's fields are checked with in the browser: the same functions the server
/// runs, so the two never disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Checks {
    /// A new password in the field named here.
    NewPassword(String),
    /// One step of the onboarding wizard; `today` (from the server) is for the age rule.
    Onboarding { step: Step, today: (i32, u8, u8) },
    /// The trade ticket for `symbol`, against the quote, holding and buying power the page
    /// was rendered with (the server checks again with fresh ones at review).
    Ticket { symbol: String, facts: Facts },
}

impl Checks {
    /// Every problem with the form's `values` (`(name, value)` pairs, as the form sends them).
    pub fn run(&self, values: &[(String, String)]) -> Vec<(String, String)> {
        let value = |name: &str| {
            values
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        match self {
            Checks::NewPassword(field) => {
                let password = value(field);
                if password.chars().count() < MIN_PASSWORD_CHARS {
                    vec![(field.clone(), "Use at least 12 characters.".to_owned())]
                } else {
                    Vec::new()
                }
            }
            Checks::Onboarding { step, today } => {
                let draft = Draft::from_pairs(values);
                let mut errors = draft.check_step(*step, *today);
                if *step == Step::Agreements {
                    if let Err(problem) = check_tax_id(value("tax_id_type"), value("tax_id")) {
                        errors.push(problem);
                    }
                }
                errors
            }
            Checks::Ticket { symbol, facts } => {
                let form = TicketForm {
                    symbol: symbol.clone(),
                    side: value("side").to_owned(),
                    order_type: value("order_type").to_owned(),
                    amount_in: value("amount_in").to_owned(),
                    amount: value("amount").to_owned(),
                    limit_price: value("limit_price").to_owned(),
                    stop_price: value("stop_price").to_owned(),
                    trail: value("trail").to_owned(),
                    time_in_force: value("time_in_force").to_owned(),
                };
                match trading::check(&form, facts) {
                    Ok(_) => Vec::new(),
                    Err(errors) => errors
                        .into_iter()
                        .map(|(field, message)| (field.to_owned(), message))
                        .collect(),
                }
            }
        }
    }
}

/// The island that sends a server-rendered form with `fetch` (see the module docs). Server
/// errors and [`Checks`] show in each field's `<p id="{name}-error">` and the form's
/// [`FormAlert`].
#[island]
pub fn FormEnhancer(checks: Option<Checks>, children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let (on_submit, on_focusout, on_input) = {
        let busy = StoredValue::new(false);
        let checks = StoredValue::new(checks);
        (
            move |ev: leptos::ev::SubmitEvent| browser::submit(ev, checks.get_value(), busy),
            move |ev: leptos::ev::FocusEvent| {
                browser::recheck(&ev, checks.get_value().as_ref(), true)
            },
            move |ev: leptos::ev::Event| browser::recheck(&ev, checks.get_value().as_ref(), false),
        )
    };
    #[cfg(not(feature = "hydrate"))]
    let (on_submit, on_focusout, on_input) = {
        let _ = checks;
        (
            |_: leptos::ev::SubmitEvent| {},
            |_: leptos::ev::FocusEvent| {},
            |_: leptos::ev::Event| {},
        )
    };
    view! {
        <div on:submit=on_submit on:focusout=on_focusout on:input=on_input on:change=on_input>
            {children()}
        </div>
    }
}

/// The browser half of [`FormEnhancer`]: DOM and `fetch`, nothing reactive.
#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Element, FormData, HtmlFormElement, HtmlInputElement, Response};

    use super::Checks;
    use crate::error::AppError;

    /// The header Leptos sets on a server function's answer that asks to go to `Location`.
    const REDIRECT_HEADER: &str = "serverfnredirect";

    pub fn submit(ev: leptos::ev::SubmitEvent, checks: Option<Checks>, busy: StoredValue<bool>) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        let submitter = ev.submitter();
        let skip_checks = submitter
            .as_ref()
            .is_some_and(|b| b.has_attribute("formnovalidate"));
        // GET forms (search, the trade ticket's way to its review) and file uploads go as the
        // browser sends them, once their checks pass. (Attributes, not `form.method()`: a field
        // named `method` or `action` shadows those properties.)
        let attribute = |name: &str| form.get_attribute(name).unwrap_or_default();
        if attribute("method").eq_ignore_ascii_case("get")
            || attribute("enctype") == "multipart/form-data"
        {
            if let (Some(checks), false) = (&checks, skip_checks) {
                let errors = checks.run(&pairs(&form));
                if !errors.is_empty() {
                    ev.prevent_default();
                    clear(&form);
                    show_errors(&form, &errors);
                }
            }
            return;
        }
        ev.prevent_default();
        // A second click while the first is under way joins it.
        if busy.get_value() {
            return;
        }
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        if let Some(button) = &submitter {
            let name = button.get_attribute("name").unwrap_or_default();
            if !name.is_empty() {
                let value = button.get_attribute("value").unwrap_or_default();
                let _ = data.append_with_str(&name, &value);
            }
        }
        if let (Some(checks), false) = (checks, skip_checks) {
            let errors = checks.run(&pairs(&form));
            if !errors.is_empty() {
                clear(&form);
                show_errors(&form, &errors);
                return;
            }
        }
        busy.set_value(true);
        set_busy(&form, true);
        leptos::task::spawn_local(async move {
            match send(&form, &data).await {
                Ok(Some(location)) => go(&location),
                Ok(None) => reload(),
                Err(err) => {
                    busy.set_value(false);
                    set_busy(&form, false);
                    clear(&form);
                    show_error(&form, err);
                }
            }
        });
    }

    /// As the user leaves a field (`leaving`), or types into one that shows an error: check it
    /// again and show or clear its message. An untouched empty field is left alone.
    pub fn recheck(ev: &leptos::ev::Event, checks: Option<&Checks>, leaving: bool) {
        let Some(checks) = checks else { return };
        let Some(control) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Some(name) = control.get_attribute("name") else {
            return;
        };
        let Some(form) = control.closest("form").ok().flatten() else {
            return;
        };
        let Ok(form) = form.dyn_into::<HtmlFormElement>() else {
            return;
        };
        let showing = error_slot(&name).is_some_and(|slot| !slot.has_attribute("hidden"));
        let value = if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
            input.value()
        } else if let Some(select) = control.dyn_ref::<web_sys::HtmlSelectElement>() {
            select.value()
        } else {
            return;
        };
        if !(showing || (leaving && !value.is_empty())) {
            return;
        }
        let message = checks
            .run(&pairs(&form))
            .into_iter()
            .find(|(field, _)| *field == name)
            .map(|(_, m)| m);
        set_field_error(&form, &name, message.as_deref());
    }

    /// The form's fields as `(name, value)` pairs, as it would send them.
    fn pairs(form: &HtmlFormElement) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Ok(data) = FormData::new_with_form(form) else {
            return out;
        };
        let Ok(Some(iter)) = js_sys::try_iter(&data) else {
            return out;
        };
        for entry in iter.flatten() {
            let entry: js_sys::Array = entry.unchecked_into();
            if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                out.push((k, v));
            }
        }
        out
    }

    /// Posts the form as the server function client does; `Some(url)` when it redirects.
    async fn send(form: &HtmlFormElement, data: &FormData) -> Result<Option<String>, AppError> {
        let window = window();
        let body = web_sys::UrlSearchParams::new_with_str_sequence_sequence(data)
            .map_err(|_| AppError::Network)?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&JsValue::from(body.to_string()));
        let headers = web_sys::Headers::new().map_err(|_| AppError::Network)?;
        let _ = headers.set("Accept", "application/json");
        let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
        init.set_headers(&headers);
        let action = form.get_attribute("action").unwrap_or_default();
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(&action, &init))
            .await
            .map_err(|_| AppError::Network)?
            .unchecked_into();
        if response.ok() {
            let headers = response.headers();
            let redirect = headers.has(REDIRECT_HEADER).unwrap_or(false);
            return Ok(redirect
                .then(|| headers.get("Location").ok().flatten())
                .flatten());
        }
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|t| t.as_string()),
            Err(_) => None,
        };
        Err(text
            .and_then(|t| serde_json::from_str::<AppError>(&t).ok())
            .unwrap_or(AppError::Network))
    }

    /// Goes to `url`; to the same page again when only its `#fragment` differs (which the
    /// browser would otherwise just scroll to).
    fn go(url: &str) {
        let location = window().location();
        let here = location.href().unwrap_or_default();
        let without_hash = |u: &str| u.split('#').next().unwrap_or_default().to_owned();
        let same_page = web_sys::Url::new_with_base(url, &here)
            .is_ok_and(|target| without_hash(&target.href()) == without_hash(&here));
        let _ = location.assign(url);
        if same_page {
            let _ = location.reload();
        }
    }

    fn reload() {
        let _ = window().location().reload();
    }

    fn set_busy(form: &HtmlFormElement, busy: bool) {
        if busy {
            let _ = form.set_attribute("aria-busy", "true");
        } else {
            let _ = form.remove_attribute("aria-busy");
        }
        for el in query_all(form, "button[type=submit], button:not([type])") {
            if busy {
                let _ = el.set_attribute("disabled", "");
            } else {
                let _ = el.remove_attribute("disabled");
            }
        }
    }

    /// A server function's error: next to its fields when the form has them, else above it.
    fn show_error(form: &HtmlFormElement, err: AppError) {
        let errors: Vec<(String, String)> = match &err {
            AppError::Validation { field, message } => vec![(field.clone(), message.clone())],
            AppError::Invalid { errors } => errors.clone(),
            _ => Vec::new(),
        };
        if errors.is_empty() {
            set_alert(form, Some(&err.to_string()));
        } else {
            show_errors(form, &errors);
        }
    }

    /// Field messages, each next to its field (or above the form when it has no such field);
    /// the first field with a problem gets the focus.
    fn show_errors(form: &HtmlFormElement, errors: &[(String, String)]) {
        let mut orphans = Vec::new();
        let mut first = true;
        for (field, message) in errors {
            if !set_field_error(form, field, Some(message)) {
                orphans.push(message.as_str());
                continue;
            }
            if first {
                first = false;
                if let Some(control) = control(form, field) {
                    if let Ok(el) = control.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
        }
        if !orphans.is_empty() {
            set_alert(form, Some(&orphans.join(" ")));
        }
    }

    /// Hides every message in the form.
    fn clear(form: &HtmlFormElement) {
        set_alert(form, None);
        for slot in query_all(form, ".field-error[id$='-error']") {
            let name = slot.id().trim_end_matches("-error").to_owned();
            set_field_error(form, &name, None);
        }
    }

    /// Shows (or, with `None`, hides) the message of one field; `false` when the form has no
    /// slot for it.
    fn set_field_error(form: &HtmlFormElement, field: &str, message: Option<&str>) -> bool {
        let Some(slot) = error_slot(field).filter(|s| form.contains(Some(s))) else {
            return false;
        };
        let id = format!("{field}-error");
        slot.set_text_content(message);
        let target = control(form, field).map(|c| {
            // A group of radio buttons is described by its fieldset.
            let radio = c.get_attribute("type").as_deref() == Some("radio");
            if radio {
                c.closest("fieldset").ok().flatten().unwrap_or(c)
            } else {
                c
            }
        });
        let described = target
            .as_ref()
            .and_then(|t| t.get_attribute("aria-describedby"))
            .unwrap_or_default();
        let mut ids: Vec<&str> = described.split_whitespace().filter(|i| *i != id).collect();
        if message.is_some() {
            let _ = slot.remove_attribute("hidden");
            ids.push(&id);
        } else {
            let _ = slot.set_attribute("hidden", "");
        }
        if let Some(target) = target {
            if message.is_some() {
                let _ = target.set_attribute("aria-invalid", "true");
            } else {
                let _ = target.remove_attribute("aria-invalid");
            }
            if ids.is_empty() {
                let _ = target.remove_attribute("aria-describedby");
            } else {
                let _ = target.set_attribute("aria-describedby", &ids.join(" "));
            }
        }
        true
    }

    fn set_alert(form: &HtmlFormElement, message: Option<&str>) {
        let alert = form
            .query_selector("[data-form-alert]")
            .ok()
            .flatten()
            .or_else(|| {
                // A form without a FormAlert of its own gets one at its top.
                let doc = window().document()?;
                let el = doc.create_element("div").ok()?;
                let _ = el.set_attribute("role", "alert");
                let _ = el.set_attribute("data-form-alert", "");
                let _ = el.set_attribute("class", "alert alert-error");
                let _ = form.prepend_with_node_1(&el);
                Some(el)
            });
        if let Some(alert) = alert {
            alert.set_text_content(message);
            if message.is_some() {
                let _ = alert.remove_attribute("hidden");
            } else {
                let _ = alert.set_attribute("hidden", "");
            }
        }
    }

    fn error_slot(field: &str) -> Option<Element> {
        window()
            .document()?
            .get_element_by_id(&format!("{field}-error"))
    }

    /// The field's control: the element with its id, or the first with its name.
    fn control(form: &HtmlFormElement, field: &str) -> Option<Element> {
        window()
            .document()?
            .get_element_by_id(field)
            .filter(|el| form.contains(Some(el)))
            .or_else(|| {
                form.query_selector(&format!("[name=\"{field}\"]"))
                    .ok()
                    .flatten()
            })
    }

    fn query_all(form: &HtmlFormElement, selector: &str) -> Vec<Element> {
        let Ok(list) = form.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn fields(errors: &[(String, String)]) -> Vec<&str> {
        errors.iter().map(|(f, _)| f.as_str()).collect()
    }

    #[test]
    fn a_new_password_needs_twelve_characters() {
        let checks = Checks::NewPassword("password".into());
        let short = checks.run(&pairs(&[("email", "a@b.co"), ("password", "eleven-char")]));
        assert_eq!(fields(&short), ["password"]);
        assert!(checks
            .run(&pairs(&[("password", "twelve-chars")]))
            .is_empty());
    }

    #[test]
    fn an_onboarding_step_is_checked_with_the_servers_rules() {
        let checks = Checks::Onboarding {
            step: Step::Identity,
            today: (2026, 12, 4),
        };
        let form = [
            ("step", "identity"),
            ("first_name", "Ada"),
            ("last_name", "Tester"),
            ("date_of_birth", "2015-03-01"),
            ("citizenship", "US"),
            ("country_of_birth", "US"),
            ("tax_residence", "US"),
        ];
        let errors = checks.run(&pairs(&form));
        assert_eq!(fields(&errors), ["date_of_birth"]);
        assert!(errors[0].1.contains("18 or older"));

        let mut adult = form;
        adult[3] = ("date_of_birth", "1990-06-15");
        assert!(checks.run(&pairs(&adult)).is_empty());
    }

    #[test]
    fn the_last_step_checks_the_tax_id_and_the_agreements() {
        let checks = Checks::Onboarding {
            step: Step::Agreements,
            today: (2026, 12, 4),
        };
        let errors = checks.run(&pairs(&[
            ("tax_id_type", "SSN"),
            ("tax_id", "12-34"),
            ("agree_investor", "on"),
        ]));
        assert_eq!(fields(&errors), ["agree_margin", "tax_id"]);
    }

    #[test]
    fn the_trade_ticket_is_checked_with_the_servers_rules_against_the_pages_facts() {
        use rust_decimal::Decimal;
        let checks = Checks::Ticket {
            symbol: "AAPL".into(),
            facts: Facts {
                price: Decimal::new(20_000, 2),
                tradable: true,
                fractionable: true,
                held: Decimal::new(5, 1),
                buying_power: Decimal::new(100_000, 2),
            },
        };
        let sell_too_many = [
            ("side", "sell"),
            ("order_type", "stop"),
            ("amount_in", "shares"),
            ("amount", "2"),
            ("stop_price", "210"),
            ("time_in_force", "gtc"),
        ];
        let errors = checks.run(&pairs(&sell_too_many));
        assert_eq!(fields(&errors), ["stop_price"]);
        assert!(errors[0].1.contains("below the current price of $200.00"));
        let mut fine = sell_too_many;
        fine[4] = ("stop_price", "190");
        let errors = checks.run(&pairs(&fine));
        assert_eq!(fields(&errors), ["amount"]);
        fine[3] = ("amount", "0.5");
        fine[1] = ("order_type", "market");
        fine[5] = ("time_in_force", "day");
        assert!(
            checks.run(&pairs(&fine)).is_empty(),
            "{:?}",
            checks.run(&pairs(&fine))
        );
    }
}

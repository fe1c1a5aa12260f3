//! Small design-system components. Plain classes (`btn`, `card`, `input`, `table`, `badge`)
//! are in `style/tailwind.css`; components here add structure and accessibility.

use leptos::prelude::*;

/// Page title with an optional one-line description.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
) -> impl IntoView {
    view! {
        <div class="mb-8">
            <h1>{title}</h1>
            {subtitle.map(|s| view! { <p class="mt-2 text-slate-600 dark:text-slate-400">{s}</p> })}
        </div>
    }
}

/// A labelled input with an optional hint and an error shown right below it. The error is
/// linked with `aria-describedby`, and the input is marked `aria-invalid` while it shows.
///
/// `value` is rendered as the HTML `value` attribute, so a prefilled form shows (and submits)
/// its values before hydration and without JavaScript; after hydration the live property
/// follows the signal too.
#[component]
pub fn TextField(
    /// The form field name (also the `id`).
    #[prop(into)]
    name: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] input_type: Option<String>,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    /// `inputmode` hint for phone keyboards (`numeric`, `tel`, `email`, …).
    #[prop(optional, into)]
    inputmode: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    /// For dates: the latest allowed value (`YYYY-MM-DD`).
    #[prop(optional, into)]
    max: Option<String>,
    #[prop(optional, into)] maxlength: Option<u32>,
) -> impl IntoView {
    let described_by = describe(&name, hint.is_some(), error);
    let notes_name = name.clone();
    view! {
        <div class="field">
            <label class="label" for=name.clone()>{label}</label>
            <input
                class="input"
                id=name.clone()
                name=name
                type=input_type.unwrap_or_else(|| "text".into())
                autocomplete=autocomplete
                required=required
                inputmode=inputmode
                placeholder=placeholder
                max=max
                maxlength=maxlength
                value=move || value.get()
                prop:value=move || value.get()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            <FieldNotes name=notes_name hint=hint error=error/>
        </div>
    }
}

/// A grey placeholder block shown while data loads.
#[component]
pub fn Skeleton(#[prop(optional, into)] class: String) -> impl IntoView {
    view! { <div class=format!("skeleton {class}") aria-hidden="true"></div> }
}

/// Placeholder rows for a table or list that is loading.
#[component]
pub fn SkeletonRows(#[prop(default = 3)] rows: usize) -> impl IntoView {
    view! {
        <div class="space-y-3" role="status" aria-label="Loading">
            {(0..rows).map(|_| view! { <Skeleton class="h-10 w-full"/> }).collect_view()}
        </div>
    }
}

/// What to show when a list has nothing in it yet, with the next step to take.
#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="flex flex-col items-center gap-3 rounded-2xl border border-dashed border-slate-300 px-6 py-12 text-center dark:border-slate-700">
            <h3>{title}</h3>
            <p class="max-w-md text-sm text-slate-600 dark:text-slate-400">{message}</p>
            {children.map(|c| c())}
        </div>
    }
}

/// The `aria-describedby` value for a field with an optional hint and an error that may show.
fn describe(
    name: &str,
    has_hint: bool,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let (hint_id, error_id) = (format!("{name}-hint"), format!("{name}-error"));
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The hint and the error below a field. The error's paragraph is always there (hidden while
/// empty), so the form's island can show a message in it.
#[component]
fn FieldNotes(name: String, hint: Option<String>, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        {hint.map(|h| view! { <p id=format!("{name}-hint") class="hint">{h}</p> })}
        <ErrorSlot id=format!("{name}-error") error=error/>
    }
}

/// `<p id="{field}-error">`: a field's message, hidden while there is none.
#[component]
fn ErrorSlot(id: String, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=id class="field-error" hidden=move || error.get().is_none()>{move || error.get()}</p>
    }
}

/// A labelled drop-down. `options` are `(value, label)` pairs; the one equal to `value` is
/// selected in the HTML itself, so it shows before hydration.
#[component]
pub fn SelectField(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    options: Vec<(String, String)>,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] autocomplete: Option<String>,
    /// Shown first with an empty value, e.g. "Choose…".
    #[prop(optional, into)]
    placeholder: Option<String>,
) -> impl IntoView {
    let described_by = describe(&name, hint.is_some(), error);
    let current = value.get_untracked();
    view! {
        <div class="field">
            <label class="label" for=name.clone()>{label}</label>
            <select
                class="input"
                id=name.clone()
                name=name.clone()
                required=required
                autocomplete=autocomplete
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            >
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{l}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldNotes name=name hint=hint error=error/>
        </div>
    }
}

/// A yes/no question as two radio buttons in a fieldset (`value` is `"yes"`, `"no"` or empty).
#[component]
pub fn YesNoField(
    #[prop(into)] name: String,
    /// The question, as the fieldset's legend.
    #[prop(into)]
    legend: String,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let described_by = describe(&name, hint.is_some(), error);
    let current = value.get_untracked();
    let radio = |answer: &'static str, text: &'static str| {
        let id = format!("{name}-{answer}");
        view! {
            <label class="flex items-center gap-2" for=id.clone()>
                <input
                    type="radio"
                    id=id.clone()
                    name=name.clone()
                    value=answer
                    required=true
                    checked=current == answer
                    class="h-4 w-4 accent-brand-600"
                />
                {text}
            </label>
        }
    };
    view! {
        <fieldset
            class="field"
            aria-invalid=move || error.get().is_some().then_some("true")
            aria-describedby=described_by
        >
            <legend class="label">{legend}</legend>
            <div class="flex gap-6">{radio("yes", "Yes")} {radio("no", "No")}</div>
            <FieldNotes name=name.clone() hint=hint error=error/>
        </fieldset>
    }
}

/// A labelled checkbox that submits `value` when ticked.
#[component]
pub fn CheckboxField(
    #[prop(into)] name: String,
    /// The `id` (several checkboxes can share a `name`).
    #[prop(into)]
    id: String,
    #[prop(into)] value: String,
    #[prop(into)] label: String,
    #[prop(optional)] checked: bool,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div>
            <label class="flex items-start gap-2" for=id.clone()>
                <input
                    type="checkbox"
                    id=id.clone()
                    name=name
                    value=value
                    checked=checked
                    required=required
                    class="mt-1 h-4 w-4 accent-brand-600"
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=move || error.get().is_some().then(|| error_id.clone())
                />
                <span>{label}</span>
            </label>
            <ErrorSlot id=format!("{id}-error") error=error/>
        </div>
    }
}

/// Label and value pairs as a definition list (a review, an order's details).
#[component]
pub fn DetailList(rows: Vec<(String, String)>) -> impl IntoView {
    view! {
        <dl class="divide-y divide-slate-200 dark:divide-slate-700">
            {rows.into_iter().map(|(label, value)| view! {
                <div class="flex justify-between gap-4 py-2">
                    <dt class="text-slate-500 dark:text-slate-400">{label}</dt>
                    <dd class="tabular break-all text-right font-medium">{value}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

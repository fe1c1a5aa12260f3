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
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let described_by = {
        let (error_id, hint_id, has_hint) = (error_id.clone(), hint_id.clone(), hint.is_some());
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
    };
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
                prop:value=move || value.get()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|h| view! { <p id=hint_id class="hint">{h}</p> })}
            <Show when=move || error.get().is_some()>
                <p id=error_id.clone() class="field-error">{move || error.get()}</p>
            </Show>
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

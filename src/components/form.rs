//! Form plumbing shared by every page: the error a server action returned, shown next to the
//! field it names or above the form.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;

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

/// A form-level error, announced to screen readers.
#[component]
pub fn FormAlert(error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.get().is_some()>
            <div role="alert" class="alert alert-error">{move || error.get()}</div>
        </Show>
    }
}

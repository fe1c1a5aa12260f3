//! Toasts: short, self-dismissing messages after an action ("Deposit started").
//!
//! Toasts live in the browser, so they belong to an island: `provide_toasts()` at its top,
//! `use_toasts().success(..)` anywhere below, and `<ToastHost/>` renders them in a polite live
//! region for screen readers. (After a form post the next page says what happened instead.)

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, Debug)]
pub struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
}

/// Handle to the toast list. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

/// How long a toast stays before it dismisses itself.
const TOAST_MS: u64 = 5_000;

impl Toasts {
    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message.into());
    }

    pub fn error(&self, message: impl Into<String>) {
        self.push(ToastKind::Error, message.into());
    }

    fn push(&self, kind: ToastKind, message: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items
            .update(|items| items.push(Toast { id, kind, message }));
        let this = *self;
        set_timeout(
            move || this.dismiss(id),
            std::time::Duration::from_millis(TOAST_MS),
        );
    }

    pub fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    });
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div
            aria-live="polite"
            class="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end"
        >
            <For each=move || toasts.items.get() key=|t| t.id let:toast>
                <div
                    role="status"
                    class="toast"
                    class:toast-success=toast.kind == ToastKind::Success
                    class:toast-error=toast.kind == ToastKind::Error
                >
                    <p class="flex-1">{toast.message.clone()}</p>
                    <button
                        type="button"
                        class="text-slate-500 hover:text-slate-700 dark:hover:text-slate-200"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}

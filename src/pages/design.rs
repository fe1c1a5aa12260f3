//! `/design`: the design system on one page, for partners adapting the look and for checking
//! light and dark mode at a glance.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::toast::{provide_toasts, use_toasts, ToastHost};
use crate::components::ui::{EmptyState, PageHeader, SkeletonRows, TextField};

#[component]
pub fn DesignSystemPage() -> impl IntoView {
    view! {
        <Title text="Design system"/>
        <PageHeader title="Design system" subtitle="The pieces every page is built from."/>
        <div class="grid gap-6 lg:grid-cols-2">
            <section class="card space-y-4">
                <h2>"Buttons"</h2>
                <div class="flex flex-wrap gap-3">
                    <ToastButtons/>
                    <button class="btn btn-ghost">"Ghost"</button>
                    <button class="btn btn-danger">"Danger"</button>
                    <button class="btn btn-primary" disabled=true>"Disabled"</button>
                </div>
                <h2>"Badges"</h2>
                <div class="flex flex-wrap gap-2">
                    <span class="badge badge-success">"Filled"</span>
                    <span class="badge badge-warning">"Pending"</span>
                    <span class="badge badge-danger">"Failed"</span>
                    <span class="badge badge-neutral">"Cancelled"</span>
                </div>
            </section>
            <section class="card space-y-4">
                <h2>"Inputs"</h2>
                <TextField name="email" label="Email" input_type="email" hint="We'll never share it."/>
                <AmountField/>
            </section>
            <section class="card">
                <h2 class="mb-4">"Table"</h2>
                <div class="table-wrap">
                    <table class="table">
                        <thead><tr><th>"Symbol"</th><th class="num">"Shares"</th><th class="num">"Value"</th><th class="num">"Gain"</th></tr></thead>
                        <tbody>
                            <tr><td>"AAPL"</td><td class="num">"3.5"</td><td class="num">"$812.35"</td><td class="num gain">"+$41.20"</td></tr>
                            <tr><td>"VTI"</td><td class="num">"10"</td><td class="num">"$2,871.00"</td><td class="num loss">"−$12.40"</td></tr>
                        </tbody>
                    </table>
                </div>
            </section>
            <section class="card space-y-4">
                <h2>"Loading and empty"</h2>
                <SkeletonRows rows=2/>
                <EmptyState title="No orders yet" message="When you place an order it shows up here."/>
                <div class="alert alert-info">"An informational alert."</div>
                <div class="alert alert-error">"An error alert."</div>
            </section>
        </div>
    }
}

/// Two buttons that show toasts: an island, as toasts live in the browser.
#[island]
fn ToastButtons() -> impl IntoView {
    provide_toasts();
    let toasts = use_toasts();
    view! {
        <button class="btn btn-primary" on:click=move |_| toasts.success("Saved. This is a success toast.")>
            "Show a toast"
        </button>
        <button class="btn btn-secondary" on:click=move |_| toasts.error("That didn't work. This is an error toast.")>
            "Show an error"
        </button>
        <ToastHost/>
    }
}

/// A field checked as the user types: an island.
#[island]
fn AmountField() -> impl IntoView {
    let amount = RwSignal::new(String::new());
    let amount_error = Signal::derive(move || {
        let value = amount.get();
        (!value.is_empty() && value.parse::<f64>().is_err())
            .then(|| "Enter an amount in dollars, like 25.00".to_owned())
    });
    view! {
        <div on:input=move |ev| amount.set(event_target_value(&ev))>
            <TextField name="amount" label="Amount (USD)" value=amount error=amount_error/>
        </div>
    }
}

//! `/onboarding` and `/onboarding/:step`: the wizard that opens an investing account, then the
//! KYC review's status (with documents when Bluum asks for them).
//!
//! Every step is a plain form posted to `save_step`, so the wizard works before hydration and
//! without JavaScript; answers are saved at each step, so a reload, another tab or a return next
//! week resumes where the user left off.

mod status;
mod steps;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::onboarding::{onboarding_state, Onboarding, SaveStep, SubmitApplication};
use crate::components::ui::{PageHeader, SkeletonRows};
use crate::pages::errors::LoadError;

use crate::onboarding::Step;

pub use status::KycStatusView;

#[component]
pub fn OnboardingPage() -> impl IntoView {
    let save = ServerAction::<SaveStep>::new();
    let submit = ServerAction::<SubmitApplication>::new();
    let params = use_params_map();
    let state = Resource::new(|| (), |_| onboarding_state());
    view! {
        <Title text="Open your investing account"/>
        <Transition fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(Onboarding::Applied(status)) => view! { <KycStatusView initial=*status/> }.into_any(),
                    Ok(Onboarding::Wizard(wizard)) => {
                        // The step in the URL, if the user has reached it; else where they left off.
                        let asked = params.read().get("step").and_then(|s| Step::from_slug(&s));
                        let step = asked
                            .filter(|s| *s <= wizard.furthest)
                            .unwrap_or(wizard.furthest);
                        view! { <steps::Wizard wizard=wizard step=step save=save submit=submit/> }
                            .into_any()
                    }
                    Err(e) => view! {
                        <PageHeader title="Open your investing account"/>
                        <LoadError error=e/>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

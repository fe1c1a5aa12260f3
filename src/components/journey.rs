//! [`JourneyGate`]: what every invest page (banks, money, trading) wraps its content in. Until
//! the user's investor is approved it shows where they stand and the one thing to do next;
//! once approved it shows the page.

use leptos::prelude::*;

use crate::api::onboarding::{get_kyc_status, KycStage};
use crate::components::ui::SkeletonRows;
use crate::error::AppError;
use crate::pages::errors::LoadError;

#[component]
pub fn JourneyGate(children: ChildrenFn) -> impl IntoView {
    let status = Resource::new(|| (), |_| get_kyc_status());
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
            {move || Suspend::new(async move {
                let (title, text, link, action) = match status.await {
                    Ok(s) if s.stage == KycStage::Approved => {
                        return children.with_value(|c| c()).into_any();
                    }
                    Ok(s) => match s.stage {
                        KycStage::InReview => ("Your application is being reviewed", "You can use this page as soon as Bluum approves your investing account.", "/onboarding", "See its status"),
                        KycStage::AwaitingDocuments => ("We need a document from you", "Upload a document so Bluum can finish verifying your identity.", "/onboarding", "Upload a document"),
                        KycStage::Missing => ("Your application needs to be sent again", "Bluum no longer has your investing account.", "/onboarding", "Send it again"),
                        _ => ("Your investing account is not active", "See its status for what you can do.", "/onboarding", "See its status"),
                    },
                    Err(AppError::NotOnboarded) => ("Open your investing account first", "A few questions, about five minutes. Then you can link a bank and invest.", "/onboarding", "Open your account"),
                    Err(e) => return view! { <LoadError error=e/> }.into_any(),
                };
                view! {
                    <section class="card space-y-3">
                        <h2>{title}</h2>
                        <p class="text-slate-600 dark:text-slate-400">{text}</p>
                        <a class="btn btn-primary" href=link>{action}</a>
                    </section>
                }
                .into_any()
            })}
        </Transition>
    }
}

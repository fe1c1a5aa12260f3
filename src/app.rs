//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::brand::use_brand;
use crate::components::layout::AppLayout;
use crate::pages::account::AccountPage;
use crate::pages::activity::ActivityPage;
use crate::pages::auth::forgot::ForgotPasswordPage;
use crate::pages::auth::reset::ResetPasswordPage;
use crate::pages::auth::sign_in::SignInPage;
use crate::pages::auth::sign_up::SignUpPage;
use crate::pages::auth::two_factor::TwoFactorPage;
use crate::pages::banks::{BanksPage, DisconnectBankPage, LinkBankPage, ManualBankPage};
use crate::pages::design::DesignSystemPage;
use crate::pages::errors::NotFoundPage;
use crate::pages::home::HomePage;
use crate::pages::money::{DepositPage, TransferPage, TransfersPage, WithdrawPage};
use crate::pages::onboarding::OnboardingPage;
use crate::pages::outbox::OutboxPage;
use crate::pages::portfolio::PortfolioPage;
use crate::pages::trade::{OrderPage, OrdersPage, TicketPage, TradePage};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The hydration script is inline: it carries this response's CSP nonce.
    #[cfg(feature = "ssr")]
    if let Some(nonce) = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::server::security::CspNonce>()
            .cloned()
    }) {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    // The brand's colours, when they are not the stylesheet's own: every `brand-*` class
    // reads these variables.
    let brand_colours = use_brand().css_variables();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // `/pkg/bluum_invest.css`, under its hashed name when cargo-leptos hashed it.
                <HashedStylesheet options=options.clone() id="leptos"/>
                {(!brand_colours.is_empty()).then(|| view! { <style id="brand">{brand_colours}</style> })}
                <AutoReload options=options.clone()/>
                // Islands: only the `#[island]` components hydrate; the rest of the page is server HTML.
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let brand = use_brand();
    let theme_colour = brand.shade(600).to_owned();
    let product = brand.name.clone();

    view! {
        <Link rel="icon" href=brand.logo/>
        <Meta name="description" content="Open an investing account, fund it from your bank and trade US stocks and ETFs."/>
        <Meta name="theme-color" content=theme_colour/>
        <Title formatter=move |title: String| format!("{title} · {product}")/>
        <Router>
            <AppLayout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/design") view=DesignSystemPage/>
                    <Route path=path!("/sign-up") view=SignUpPage/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/sign-in/two-factor") view=TwoFactorPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage/>
                    // Pages that load data render it into the HTML before sending (`Async`), so
                    // they work without JavaScript: streamed content needs a script to show.
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/onboarding") view=OnboardingPage ssr=SsrMode::Async/>
                    <Route path=path!("/onboarding/:step") view=OnboardingPage ssr=SsrMode::Async/>
                    <Route path=path!("/banks") view=BanksPage ssr=SsrMode::Async/>
                    <Route path=path!("/banks/link") view=LinkBankPage ssr=SsrMode::Async/>
                    <Route path=path!("/banks/manual") view=ManualBankPage ssr=SsrMode::Async/>
                    <Route path=path!("/banks/disconnect") view=DisconnectBankPage ssr=SsrMode::Async/>
                    <Route path=path!("/transfers") view=TransfersPage ssr=SsrMode::Async/>
                    <Route path=path!("/transfers/:id") view=TransferPage ssr=SsrMode::Async/>
                    <Route path=path!("/deposit") view=DepositPage ssr=SsrMode::Async/>
                    <Route path=path!("/withdraw") view=WithdrawPage ssr=SsrMode::Async/>
                    <Route path=path!("/portfolio") view=PortfolioPage ssr=SsrMode::Async/>
                    <Route path=path!("/activity") view=ActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/trade") view=TradePage ssr=SsrMode::Async/>
                    <Route path=path!("/trade/:symbol") view=TicketPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders") view=OrdersPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:id") view=OrderPage ssr=SsrMode::Async/>
                    // Async: the 404 status must be set before the page is sent.
                    <Route path=path!("/dev/outbox") view=OutboxPage ssr=SsrMode::Async/>
                </Routes>
            </AppLayout>
        </Router>
    }
}

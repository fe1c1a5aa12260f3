//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::AppLayout;
use crate::components::toast::provide_toasts;
use crate::pages::design::DesignSystemPage;
use crate::pages::errors::NotFoundPage;
use crate::pages::home::HomePage;

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
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
    provide_toasts();

    view! {
        <Stylesheet id="leptos" href="/pkg/bluum_invest.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content="Open an investing account, fund it from your bank and trade US stocks and ETFs."/>
        <Meta name="theme-color" content="#05966c"/>
        <Title formatter=|title: String| format!("{title} · Bluum Invest")/>
        <Router>
            <AppLayout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("/design") view=DesignSystemPage/>
                </Routes>
            </AppLayout>
        </Router>
    }
}

//! Bluum Invest: an embedded-investing reference app on the Bluum API.
//!
//! Module map (what lives where):
//! - [`app`]: the HTML shell, the root component and the route table.
//! - [`pages`]: one module per route.
//! - [`components`]: UI building blocks shared by every page (layout, design system).
//! - [`api`]: `#[server]` functions, the only door from the browser to the server.
//! - [`error`]: [`error::AppError`], the one error type server functions return.
//! - [`onboarding`]: the onboarding wizard's steps and rules, shared by server and browser.
//! - [`money`]: amounts as typed and as shown, shared by server and browser.
//! - [`text`]: the rules for names and free text every form applies.
//! - [`brand`]: the product name, logo, colours and support contact (`brand.toml`).
//! - [`trading`], [`portfolio`], [`market`]: the ticket's rules, the portfolio's figures and an
//!   asset's price figures, worked out with exact decimals, shared by server and browser.
//! - `server` (ssr only): configuration, database, telemetry, HTTP router and start-up.
//! - `bluum` (ssr only): the typed Bluum API client.
//! - `bluum_sim` (ssr only): the Bluum sandbox simulator, the embedded default.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod brand;
pub mod components;
pub mod error;
pub mod market;
pub mod money;
pub mod onboarding;
pub mod pages;
pub mod portfolio;
pub mod text;
pub mod trading;

#[cfg(feature = "ssr")]
pub mod bluum;
#[cfg(feature = "ssr")]
pub mod bluum_sim;
#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point. Pages are rendered on the server; only the [`#[island]`](leptos::island)
/// components (forms, live status, the simulated Plaid Link…) hydrate, right after this returns.
/// Then `<html data-hydrated>` is set, so end-to-end tests (and CSS) know handlers are attached.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Leptos' loader hydrates the islands as soon as this returns, without waiting on anything
    // but promises; a zero-delay timeout runs after all of them.
    leptos::prelude::set_timeout(
        || {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

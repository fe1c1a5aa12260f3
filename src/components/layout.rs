//! The app frame: skip link, header with navigation and the account slot, main area, footer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use super::form::Form;
use crate::api::auth::{whoami, Me, SignOut};
use crate::brand::use_brand;
use crate::error::AppError;
use crate::money::usd;

/// One entry of the main navigation.
struct NavItem {
    href: &'static str,
    label: &'static str,
}

/// The main navigation. Later stages of the journey add their pages here.
const NAV: &[NavItem] = &[
    NavItem {
        href: "/",
        label: "Home",
    },
    NavItem {
        href: "/portfolio",
        label: "Portfolio",
    },
    NavItem {
        href: "/trade",
        label: "Trade",
    },
    NavItem {
        href: "/orders",
        label: "Orders",
    },
    NavItem {
        href: "/activity",
        label: "Activity",
    },
    NavItem {
        href: "/transfers",
        label: "Transfers",
    },
    NavItem {
        href: "/banks",
        label: "Banks",
    },
];

#[component]
pub fn AppLayout(children: Children) -> impl IntoView {
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 btn btn-secondary">
            "Skip to content"
        </a>
        <div class="flex min-h-screen flex-col">
            <Header/>
            <main id="main" class="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6 lg:py-12">
                {children()}
            </main>
            <Footer/>
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    let brand = use_brand();
    // Asked once per page for both account slots (wide screens and the phone menu).
    let location = use_location();
    let me = Resource::new(move || location.pathname.get(), |_| whoami());
    let nav_links = move |extra: &'static str| {
        NAV.iter()
            .map(|item| {
                view! {
                    <A href=item.href attr:class=format!(
                        "rounded-lg px-3 py-2 text-sm font-medium text-slate-700 no-underline hover:bg-slate-100 hover:no-underline aria-[current=page]:text-brand-700 aria-[current=page]:bg-brand-50 dark:text-slate-200 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-slate-800 dark:aria-[current=page]:text-brand-300 {extra}"
                    )>
                        {item.label}
                    </A>
                }
            })
            .collect_view()
    };

    view! {
        <header class="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
            <PhoneMenu>
                <a href="/" class="flex items-center gap-2 text-slate-900 no-underline hover:no-underline dark:text-white">
                    <img src=brand.logo alt="" class="h-8 w-8" width="32" height="32"/>
                    <span class="whitespace-nowrap text-lg font-bold tracking-tight" data-testid="brand-name">{brand.name}</span>
                </a>
                <nav aria-label="Main" class="ml-6 hidden items-center gap-1 lg:flex">
                    {nav_links("")}
                </nav>
                <div class="ml-auto hidden shrink-0 items-center gap-2 whitespace-nowrap lg:flex">
                    <AccountSlot me/>
                </div>
                <div
                    id="mobile-menu"
                    class="order-2 hidden w-full basis-full border-t border-slate-200 py-3 lg:hidden dark:border-slate-800"
                >
                    <nav aria-label="Main (mobile)" class="flex flex-col gap-1">
                        {nav_links("block")}
                    </nav>
                    <div class="mt-3 flex gap-2 border-t border-slate-200 pt-3 dark:border-slate-800">
                        <AccountSlot me/>
                    </div>
                </div>
            </PhoneMenu>
        </header>
    }
}

/// The header's row with the phone menu's button, an island: the button shows and hides
/// `#mobile-menu` (in `children`, rendered on the server).
#[island]
fn PhoneMenu(children: Children) -> impl IntoView {
    let open = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let open = open.get();
        if let Some(menu) = document().get_element_by_id("mobile-menu") {
            let _ = menu.class_list().toggle_with_force("hidden", !open);
        }
    });
    view! {
        <div class="mx-auto flex min-h-16 max-w-6xl flex-wrap items-center gap-x-4 px-4 sm:px-6 lg:flex-nowrap">
            <button
                id="menu-button"
                type="button"
                class="btn btn-ghost order-1 my-3 ml-auto lg:hidden"
                aria-controls="mobile-menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="sr-only">"Menu"</span>
                <svg aria-hidden="true" class="h-6 w-6" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
                    <path d="M4 7h16M4 12h16M4 17h16"/>
                </svg>
            </button>
            {children()}
        </div>
    }
}

/// The signed-in state slot: the buying power (once the account is approved), who is signed
/// in (with the account link and sign out), or the ways in. `me` is asked again at every
/// navigation, so signing in or out shows at once.
#[component]
fn AccountSlot(me: Resource<Result<Option<Me>, AppError>>) -> impl IntoView {
    let signed_out = || {
        view! {
            <a href="/sign-in" class="btn btn-ghost">"Sign in"</a>
            <a href="/sign-up" class="btn btn-primary">"Get started"</a>
        }
    };
    view! {
        <Transition fallback=signed_out>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! {
                        {me.buying_power.map(|power| view! {
                            <a href="/transfers" class="btn btn-ghost flex-col items-start gap-0 py-1 text-left leading-tight" data-testid="header-buying-power">
                                <span class="text-xs font-normal text-slate-500 dark:text-slate-400">"Buying power"</span>
                                <span class="tabular text-sm">{usd(power)}</span>
                            </a>
                        })}
                        <a href="/account" class="btn btn-ghost" title=me.email.clone()>
                            <span class="sr-only">"Account: "</span>
                            <span data-testid="account-name">{me.name.clone()}</span>
                        </a>
                        <SignOutForm/>
                    }
                    .into_any(),
                    _ => signed_out().into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Footer() -> impl IntoView {
    let brand = use_brand();
    let mailto = format!("mailto:{}", brand.support_email);
    view! {
        <footer class="border-t border-slate-200 py-8 text-sm text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <div class="mx-auto flex max-w-6xl flex-col gap-2 px-4 sm:flex-row sm:justify-between sm:px-6">
                <p>{brand.name} ": " {brand.tagline}</p>
                <p>"Help: " <a href=mailto>{brand.support_email}</a></p>
                <p>"Investing involves risk, including loss of principal."</p>
            </div>
            {crate::api::demo::demo_credentials().map(|_| view! { <DemoBar/> })}
        </footer>
    }
}

/// A sign-out button. A form, so it works before hydration; the session ends on the server.
#[component]
pub fn SignOutForm() -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <Form action=action>
            <button type="submit" class="btn btn-secondary">"Sign out"</button>
        </Form>
    }
}

/// Demo mode only: says so, and offers the reset on every page.
#[component]
fn DemoBar() -> impl IntoView {
    let reset = ServerAction::<crate::api::demo::ResetDemo>::new();
    view! {
        <div class="mx-auto mt-4 flex max-w-6xl flex-wrap items-center gap-3 px-4 sm:px-6" data-testid="demo-bar">
            <p>"Demo mode: simulated market and money, nothing is real."</p>
            <Form action=reset>
                <button type="submit" class="btn btn-secondary">"Reset the demo"</button>
            </Form>
        </div>
    }
}

//! Live updates in an island: [`subscribe`] opens the signed-in user's event stream
//! (`GET /events`, see `api::live`) and calls back when an event about one object arrives, and
//! [`keep_asking`] asks the server again on such an event or, failing one, after a while — so a
//! page showing something that moves (a transfer, an order, a KYC review) updates as soon as
//! Bluum says so, and a missed event never leaves it stuck.
//!
//! The stream lives as long as the page (islands are not unmounted; a navigation loads a new
//! page), and the browser's `EventSource` reconnects by itself.

use std::time::Duration;

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::api::live::{LiveEvent, EVENTS_PATH};

/// Without a live stream, how often a moving object is asked about.
pub const POLL_WITHOUT_STREAM: Duration = Duration::from_secs(2);
/// With the stream open, how often it is asked anyway, in case an event went missing.
pub const POLL_WITH_STREAM: Duration = Duration::from_secs(10);

/// Calls `on_event` whenever the stream reports a change to `about` (`dep_…`, `ord_…`, …), or
/// to anything of the user's investor when `about` is `None`. Returns whether the stream is
/// open now. Does nothing on the server.
pub fn subscribe(about: Option<String>, on_event: impl Fn() + 'static) -> ReadSignal<bool> {
    let (open, set_open) = signal(false);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;

        let Ok(source) = web_sys::EventSource::new(EVENTS_PATH) else {
            return open;
        };
        let on_open = Closure::<dyn Fn()>::new(move || set_open.set(true));
        // The browser retries by itself; until then the page polls at the faster pace.
        let on_error = Closure::<dyn Fn()>::new(move || set_open.set(false));
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
                let event = message
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str::<LiveEvent>(&text).ok());
                let wanted = |e: &LiveEvent| about.is_none() || e.object_id == about;
                if event.is_some_and(|e| wanted(&e)) {
                    on_event();
                }
            });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let _ =
            source.add_event_listener_with_callback("bluum", on_message.as_ref().unchecked_ref());
        // They live as long as the page does.
        on_open.forget();
        on_error.forget();
        on_message.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (about, on_event, set_open);
    open
}

/// Keeps asking about a moving object: `ask` runs on each live event about `about` (see
/// [`subscribe`]) and,
/// while its last answer said the object is still moving (`true`), again after
/// [`POLL_WITH_STREAM`] (stream open) or [`POLL_WITHOUT_STREAM`] without news. An `ask` that
/// fails should answer `true`, so it is tried again. Only one question is ever pending. Does
/// nothing on the server.
pub fn keep_asking<F, Fut>(about: Option<String>, moving: bool, ask: F)
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = bool> + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use std::rc::Rc;
        let asker = Rc::new(asker::Asker::new(ask));
        let stream_open = subscribe(about, {
            let asker = Rc::clone(&asker);
            move || Rc::clone(&asker).run()
        });
        asker.stream_open.set(Some(stream_open));
        if moving {
            asker.schedule();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (about, moving, ask);
}

/// How long a refreshed page region waits after an event before asking (events come in bursts:
/// an order's fill, then its transaction).
pub const REFRESH_SETTLE: Duration = Duration::from_millis(600);
/// How often a live region is refreshed anyway (prices move; a lost event is made up for).
pub const REFRESH_EVERY: Duration = Duration::from_secs(30);

/// Keeps the server-rendered element `#{region}` of this page current without a reload: on
/// each of the investor's live events (and every [`REFRESH_EVERY`]) it fetches the page's own
/// address again and swaps in the new content of that element. For pages that are read, not
/// typed into (the portfolio, the activity feed, the dashboard): the region must hold no
/// islands. Without JavaScript the page is what the server rendered.
#[island]
pub fn LiveRegion(#[prop(into)] region: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        use std::rc::Rc;
        let busy = Rc::new(Cell::new(false));
        let refresh = {
            let region = region.clone();
            move || {
                if busy.replace(true) {
                    return;
                }
                let (busy, region) = (Rc::clone(&busy), region.clone());
                set_timeout(
                    move || {
                        leptos::task::spawn_local(async move {
                            let _ = refresh::swap(&region).await;
                            busy.set(false);
                        })
                    },
                    REFRESH_SETTLE,
                );
            }
        };
        let refresh = Rc::new(refresh);
        subscribe(None, {
            let refresh = Rc::clone(&refresh);
            move || refresh()
        });
        let _ = set_interval_with_handle(move || refresh(), REFRESH_EVERY);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = region;
}

#[cfg(feature = "hydrate")]
mod refresh {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    /// Fetches this page again and replaces `#region`'s content with the fresh one.
    pub async fn swap(region: &str) -> Option<()> {
        let window = web_sys::window()?;
        let document = window.document()?;
        let href = window.location().href().ok()?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&href))
            .await
            .ok()?
            .unchecked_into();
        // A signed-out session or a failing page leaves what is shown alone.
        if !response.ok() || response.redirected() {
            return None;
        }
        let html = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        // Parsed as a document of its own: nothing in it runs, loads or shows.
        let parsed = web_sys::DomParser::new()
            .ok()?
            .parse_from_string(&html, web_sys::SupportedType::TextHtml)
            .ok()?;
        let fresh = parsed.get_element_by_id(region)?;
        let shown = document.get_element_by_id(region)?;
        if shown.inner_html() != fresh.inner_html() {
            shown.set_inner_html(&fresh.inner_html());
        }
        Some(())
    }
}

#[cfg(feature = "hydrate")]
mod asker {
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;

    use leptos::leptos_dom::helpers::TimeoutHandle;
    use leptos::prelude::*;

    type Ask = Box<dyn Fn() -> Pin<Box<dyn Future<Output = bool>>>>;

    pub struct Asker {
        ask: Ask,
        pending: Cell<Option<TimeoutHandle>>,
        pub stream_open: Cell<Option<ReadSignal<bool>>>,
    }

    impl Asker {
        pub fn new<F, Fut>(ask: F) -> Self
        where
            F: Fn() -> Fut + 'static,
            Fut: Future<Output = bool> + 'static,
        {
            Self {
                ask: Box::new(move || Box::pin(ask())),
                pending: Cell::new(None),
                stream_open: Cell::new(None),
            }
        }

        /// Asks now (the pending question is dropped), then schedules the next one if the
        /// answer says it is still moving.
        pub fn run(self: Rc<Self>) {
            if let Some(handle) = self.pending.take() {
                handle.clear();
            }
            leptos::task::spawn_local(async move {
                if (self.ask)().await {
                    self.schedule();
                }
            });
        }

        /// Asks again after the wait that fits: longer while the stream is open.
        pub fn schedule(self: &Rc<Self>) {
            if let Some(handle) = self.pending.take() {
                handle.clear();
            }
            let open = self
                .stream_open
                .get()
                .is_some_and(|open| open.get_untracked());
            let wait = if open {
                super::POLL_WITH_STREAM
            } else {
                super::POLL_WITHOUT_STREAM
            };
            let me = Rc::clone(self);
            if let Ok(handle) = set_timeout_with_handle(move || me.run(), wait) {
                self.pending.set(Some(handle));
            }
        }
    }
}

//! HTTP-level protections: security headers, the cross-site request check, the client address,
//! and the sign-in gate in front of protected pages.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use http::{header, HeaderValue, Method, StatusCode};
use rand::RngCore;
use tower::ServiceExt;

use super::AppState;

/// Pages anyone may see, signed in or not. Every other page and server function of the app
/// needs a signed-in user ([`sign_in_gate`]): a new page is protected unless it is listed here.
pub const PUBLIC_PAGES: &[&str] = &[
    "/",
    "/design",
    "/sign-up",
    "/sign-in",
    "/sign-in/two-factor",
    "/forgot-password",
    "/reset-password",
    "/dev/outbox",
];
/// Server function path prefixes anyone may call (signing up and in; they check for themselves).
pub const PUBLIC_SERVER_FNS: &[&str] = &["/api/auth/", "/api/dev/", "/api/demo/"];

/// Paths that receive server-to-server POSTs (signed otherwise), exempt from the origin check.
pub const ORIGIN_CHECK_EXEMPT: &[&str] = &["/webhooks/"];

/// Largest request body accepted by default: every form of the app is a few short fields.
pub const MAX_FORM_BYTES: usize = 16 * 1024;
/// Paths that take larger bodies, and how large: Bluum's webhook deliveries, and KYC document
/// uploads (Bluum takes files up to 10 MB; the form around the file adds a little).
pub const LARGE_BODY_PATHS: &[(&str, usize)] = &[
    ("/webhooks/", 256 * 1024),
    (crate::api::onboarding::UPLOAD_PATH, 11 * 1024 * 1024),
];

/// The per-response CSP nonce, for inline scripts the page renders (Leptos hydration).
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The address of the client, as far as we can tell (see `TRUST_PROXY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The client address of the request a server function is serving, as text ("unknown" when
/// the server was started without connection info). Used for throttling, the audit log and
/// the IP Bluum asks for when an investor accepts agreements.
pub fn client_ip() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientIp>().copied())
        .map_or_else(|| "unknown".to_owned(), |ip| ip.0.to_string())
}

/// The page that opens Plaid's Link: the one page whose CSP allows Plaid's hosts.
pub const PLAID_LINK_PAGE: &str = "/banks/link";

/// Whether the response to `path` may load Plaid Link: only the bank-linking page, and only
/// when the app talks to Bluum (with the simulator, Link is simulated and Plaid never loads).
pub fn allows_plaid(path: &str, simulator: bool) -> bool {
    !simulator && path == PLAID_LINK_PAGE
}

fn content_security_policy(nonce: &str, production: bool, plaid: bool) -> String {
    // Styles: our stylesheet plus inline style attributes (no script can run from those).
    // Scripts: ours, the nonce'd hydration snippet, and compiling our WebAssembly; on the
    // bank-linking page also Plaid's Link script, its iframe and the Plaid API it calls.
    let mut connect = if production {
        "'self'".to_owned()
    } else {
        "'self' ws: wss:".to_owned()
    };
    let (mut script_extra, mut frame) = ("", "");
    if plaid {
        script_extra = " https://cdn.plaid.com";
        frame = " frame-src https://cdn.plaid.com;";
        connect.push_str(" https://production.plaid.com https://sandbox.plaid.com");
    }
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{script_extra}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
         connect-src {connect};{frame} frame-ancestors 'none'; base-uri 'self'; \
         form-action 'self'; object-src 'none'"
    )
}

/// Adds the security headers to every response, and a fresh CSP nonce to every request.
pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let nonce = URL_SAFE_NO_PAD.encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let simulator = matches!(
        state.config.bluum,
        super::config::BluumMode::Simulator { .. }
    );
    let plaid = allows_plaid(req.uri().path(), simulator);
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(
        &nonce,
        state.config.is_production(),
        plaid,
    )) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if state.config.secure_cookies() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}

/// Whether `origin` (an `Origin` value, or the scheme://host:port part of a `Referer`) is ours.
/// When the app is served on this machine (`PUBLIC_URL` on a loopback host, as in development
/// and demos), `localhost`, `127.0.0.1` and `[::1]` on the same scheme and port count as one
/// origin, so a person who types either address can use the app.
fn same_origin(candidate: &str, public_url: &str) -> bool {
    let candidate = candidate.trim_end_matches('/');
    if candidate.eq_ignore_ascii_case(public_url) {
        return true;
    }
    match (loopback_parts(candidate), loopback_parts(public_url)) {
        (Some(ours), Some(theirs)) => ours == theirs,
        _ => false,
    }
}

/// `(scheme, port)` of an origin whose host is a loopback name, else `None`.
fn loopback_parts(origin: &str) -> Option<(String, String)> {
    let (scheme, authority) = origin.split_once("://")?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port),
        _ => (authority, if scheme == "https" { "443" } else { "80" }),
    };
    let loopback = ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .any(|h| host.eq_ignore_ascii_case(h));
    loopback.then(|| (scheme.to_ascii_lowercase(), port.to_owned()))
}

/// The scheme://host[:port] part of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let host_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..scheme.len() + 3 + host_len])
}

/// Refuses state-changing requests (anything but GET, HEAD, OPTIONS) that do not come from a
/// page of this site: `Origin` must be `PUBLIC_URL`, or, when a browser sends no `Origin`, the
/// `Referer` must be on it. Works with `SameSite=Lax` cookies as a second line of defence.
pub async fn origin_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.uri().path();
    if safe || ORIGIN_CHECK_EXEMPT.iter().any(|p| path.starts_with(p)) {
        return next.run(req).await;
    }
    let public_url = state.config.public_url.as_str();
    let headers = req.headers();
    let allowed = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => same_origin(origin, public_url),
        None => headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(origin_of)
            .is_some_and(|origin| same_origin(origin, public_url)),
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(%path, "cross-site request refused");
        (
            StatusCode::FORBIDDEN,
            "This request did not come from a page of this site.",
        )
            .into_response()
    }
}

/// The largest body a request to `path` may carry.
pub fn body_limit(path: &str) -> usize {
    LARGE_BODY_PATHS
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or(MAX_FORM_BYTES, |(_, limit)| *limit)
}

/// Refuses bodies larger than [`body_limit`] allows for the path (413).
pub async fn limit_body(req: Request, next: Next) -> Response {
    let limit = body_limit(req.uri().path());
    let limited = tower::ServiceBuilder::new()
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .map_request(|req: Request<_>| req.map(axum::body::Body::new))
        .service(next);
    match limited.oneshot(req).await {
        Ok(res) => res.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}

/// Works out the client address: the socket's peer, or with `TRUST_PROXY=true` the address
/// the proxy in front of us put last in `X-Forwarded-For`.
pub async fn client_address(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded = state
        .config
        .trust_proxy
        .then(|| {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    if let Some(ip) = forwarded.or(peer) {
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

/// Whether `path` (a page or server function of the app) may be used without signing in.
pub fn is_public(path: &str) -> bool {
    PUBLIC_PAGES.contains(&path) || PUBLIC_SERVER_FNS.iter().any(|p| path.starts_with(p))
}

/// Keeps anonymous visitors out of every page and server function not marked public: pages send
/// them to the sign-in page (remembering where they were going), server functions answer 401.
/// Applied as a route layer, so unknown paths still get the 404 page and static files are
/// served to anyone. Runs after [`crate::server::request::resolve_user`].
pub async fn sign_in_gate(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if is_public(path) {
        return next.run(req).await;
    }
    let signed_in = req
        .extensions()
        .get::<crate::server::request::CurrentUser>()
        .is_some_and(|user| user.0.is_some());
    if signed_in {
        return next.run(req).await;
    }
    if path.starts_with("/api/") {
        let body = serde_json::to_vec(&crate::error::AppError::NotSignedIn).unwrap_or_default();
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    let target = req
        .uri()
        .path_and_query()
        .map_or(path, |pq| pq.as_str())
        .to_owned();
    let next_param: String = target
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    Redirect::to(&format!("/sign-in?next={next_param}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let ours = "https://invest.example.com";
        assert!(same_origin("https://invest.example.com", ours));
        assert!(!same_origin("https://evil.example.com", ours));
        assert!(!same_origin("http://invest.example.com", ours));
        assert!(!same_origin("https://invest.example.com:8443", ours));

        // On this machine, the loopback names are one origin (same scheme and port only).
        let local = "http://127.0.0.1:3000";
        assert!(same_origin("http://localhost:3000", local));
        assert!(same_origin("http://[::1]:3000", local));
        assert!(!same_origin("http://localhost:3001", local));
        assert!(!same_origin("https://localhost:3000", local));
        assert!(!same_origin("http://localhost.evil.com:3000", local));
        assert!(!same_origin("http://localhost:3000", ours));
        assert_eq!(
            origin_of("https://invest.example.com/account?x=1"),
            Some("https://invest.example.com")
        );
        assert_eq!(
            origin_of("https://invest.example.com"),
            Some("https://invest.example.com")
        );
        assert_eq!(origin_of("not a url"), None);
    }

    #[test]
    fn pages_and_server_functions_are_protected_unless_listed() {
        assert!(is_public("/"));
        assert!(is_public("/sign-in"));
        assert!(is_public("/api/auth/sign_in"));
        assert!(!is_public("/account"));
        assert!(!is_public("/onboarding"));
        assert!(!is_public("/api/account/profile"));
        assert!(!is_public("/api/anything_new"));
        assert!(!is_public("/sign-in-elsewhere"));
    }

    #[test]
    fn bodies_are_small_unless_the_path_needs_more() {
        assert_eq!(body_limit("/api/account/profile"), MAX_FORM_BYTES);
        assert_eq!(body_limit("/api/anything_new"), MAX_FORM_BYTES);
        assert_eq!(body_limit("/webhooks/bluum"), 256 * 1024);
        assert!(body_limit(crate::api::onboarding::UPLOAD_PATH) > 10 * 1024 * 1024);
    }

    #[test]
    fn csp_blocks_framing_and_allows_the_app() {
        let csp = content_security_policy("abc", true, false);
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("'nonce-abc'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(!csp.contains("ws:"));
        assert!(!csp.contains("plaid"));
        assert!(!csp.contains("frame-src"));
    }

    #[test]
    fn plaid_is_allowed_on_the_bank_linking_page_only() {
        assert!(allows_plaid("/banks/link", false));
        for path in [
            "/banks",
            "/banks/link/x",
            "/banks/manual",
            "/",
            "/api/banks/list",
        ] {
            assert!(!allows_plaid(path, false), "{path}");
        }
        // With the simulator, Link is simulated: Plaid is never loaded.
        assert!(!allows_plaid("/banks/link", true));

        let csp = content_security_policy("abc", true, true);
        assert!(
            csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval' https://cdn.plaid.com;")
        );
        assert!(csp.contains("frame-src https://cdn.plaid.com;"));
        assert!(csp.contains(
            "connect-src 'self' https://production.plaid.com https://sandbox.plaid.com;"
        ));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("object-src 'none'"));
    }
}

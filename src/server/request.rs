//! What a server function (or a page render) knows about the request it serves: the app state,
//! the signed-in user, their Bluum investor and the client address.
//!
//! Every server function starts with one of these calls, never with arguments from the browser:
//!
//! ```ignore
//! #[server(endpoint = "banks/list")]
//! pub async fn list_banks() -> Result<Vec<Bank>, AppError> {
//!     let me = require_investor().await?;            // 401 signed out, 409 not onboarded
//!     let sources = state().bluum.list_funding_sources(&me.investor_id, None).await?;
//!     …
//! }
//! ```
//!
//! The user is looked up once per request, by [`resolve_user`] (a middleware inside the session
//! layer), and read from the request's extensions afterwards: a page that shows the user in
//! three places asks the database once. The same goes for the user's investor id.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

use super::auth::investor_link;
use super::auth::session::current_user;
use super::auth::users::User;
use super::AppState;
use crate::bluum::ids::InvestorId;
use crate::error::AppError;

/// The signed-in user of this request (`None` when signed out), resolved once by
/// [`resolve_user`].
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Option<User>);

/// The signed-in user's investor id for this request, looked up at most once (the first
/// [`require_investor`] asks the database; the others in the same request read it here).
#[derive(Debug, Clone, Default)]
struct InvestorLink(std::sync::Arc<tokio::sync::OnceCell<Option<String>>>);

/// The signed-in user acting on their own investor: what every journey server function needs.
#[derive(Debug, Clone)]
pub struct InvestorContext {
    pub user: User,
    /// From our `user_investors` table, never from the browser.
    pub investor_id: InvestorId,
    /// The client address, for the audit log and the agreements Bluum records.
    pub ip: String,
}

/// The app state (pool, config, Bluum client).
pub fn state() -> AppState {
    leptos::prelude::expect_context::<AppState>()
}

/// The client address of this request ("unknown" outside a request).
pub fn client_ip() -> String {
    super::security::client_ip()
}

/// The signed-in user, if any. Outside a real request (the render that lists the routes at
/// start-up) there is none.
pub async fn optional_user() -> Result<Option<User>, AppError> {
    let resolved = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned());
    if let Some(CurrentUser(user)) = resolved {
        return Ok(user);
    }
    // Not resolved by the middleware (a router without it, as some tests build): ask now.
    let Ok(session) = leptos_axum::extract::<Session>().await else {
        return Ok(None);
    };
    Ok(current_user(&session, &state().pool).await?)
}

/// The signed-in user, or [`AppError::NotSignedIn`] (401).
pub async fn require_user() -> Result<User, AppError> {
    optional_user().await?.ok_or(AppError::NotSignedIn)
}

/// The signed-in user with their investor: [`AppError::NotSignedIn`] (401) when signed out,
/// [`AppError::NotOnboarded`] (409) when they have not opened an investing account yet.
pub async fn require_investor() -> Result<InvestorContext, AppError> {
    let user = require_user().await?;
    let memo = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<InvestorLink>().cloned())
        .unwrap_or_default();
    let pool = state().pool;
    let id = memo
        .0
        .get_or_try_init(|| investor_link::investor_id_of(&pool, user.id))
        .await?;
    let Some(id) = id.clone() else {
        return Err(AppError::NotOnboarded);
    };
    let investor_id = InvestorId::parse(id).map_err(AppError::internal)?;
    Ok(InvestorContext {
        user,
        investor_id,
        ip: client_ip(),
    })
}

/// Looks the signed-in user up once per request and keeps the answer in the request's
/// extensions for [`optional_user`]. Runs inside the session layer.
pub async fn resolve_user(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    match current_user(&session, &state.pool).await {
        Ok(user) => {
            req.extensions_mut().insert(CurrentUser(user));
            req.extensions_mut().insert(InvestorLink::default());
        }
        // Left unresolved: `optional_user` asks again and reports the failure properly.
        Err(err) => tracing::error!(error = %err, "could not resolve the signed-in user"),
    }
    next.run(req).await
}

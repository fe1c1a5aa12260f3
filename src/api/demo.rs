//! Demo mode's one server function: put the demo account back as it was seeded
//! (`server::demo`). It exists only in demo mode (elsewhere it answers 404) and is public:
//! the sign-in page offers it before anyone signs in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The demo account's sign-in, provided as context on every page in demo mode only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoCredentials {
    pub email: String,
    pub password: String,
}

/// The demo account's sign-in when the app runs in demo mode (pages rendered on the server).
pub fn demo_credentials() -> Option<DemoCredentials> {
    use_context::<DemoCredentials>()
}

/// Restores the demo account (a few seconds), then shows the sign-in page with a notice, or
/// the dashboard (as it started) when the demo user pressed it.
#[server(endpoint = "demo/reset")]
pub async fn reset_demo() -> Result<(), AppError> {
    use crate::api::{optional_user, state};
    let state = state();
    let Some(demo) = state.demo.as_ref() else {
        return Err(AppError::NotFound);
    };
    let account = crate::server::demo::reset(&state, demo)
        .await
        .map_err(AppError::internal)?;
    let signed_in_as_demo = optional_user()
        .await?
        .is_some_and(|user| user.id == account.user_id);
    leptos_axum::redirect(if signed_in_as_demo {
        "/"
    } else {
        "/sign-in?demo=reset"
    });
    Ok(())
}

//! Helpers for the account tests: calling server functions as a browser form would, and
//! reading their answers.

use serde_json::Value;

use super::TestApp;

/// The password the helpers sign up with.
pub const PASSWORD: &str = "plum-harbor-gravel-42";

/// Posts a form to the server function at `/api/{endpoint}`.
pub async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/{endpoint}")))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Status and JSON body of a server function call.
pub async fn call_json(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let res = call(app, client, endpoint, form).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// The field and message of a `Validation` error body.
pub fn validation(body: &Value) -> (String, String) {
    let v = &body["Validation"];
    (
        v["field"].as_str().unwrap_or_default().to_owned(),
        v["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Signs up (and so signs in) `client`; panics unless it worked.
pub async fn sign_up(app: &TestApp, client: &reqwest::Client, email: &str) {
    let res = call(
        app,
        client,
        "auth/sign_up",
        &[
            ("name", "Jane Doe"),
            ("email", email),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(res.headers()["location"], "/onboarding");
}

pub async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    call(
        app,
        client,
        "auth/sign_in",
        &[("email", email), ("password", password)],
    )
    .await
}

/// The name of the signed-in user of `client`, if any.
pub async fn whoami(app: &TestApp, client: &reqwest::Client) -> Option<String> {
    let (status, body) = call_json(app, client, "auth/whoami", &[]).await;
    assert_eq!(status, 200, "{body}");
    body["name"].as_str().map(str::to_owned)
}

/// The value of the session cookie a response sets, if it sets one.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("bluum_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// The `Set-Cookie` header of the session cookie, attributes included.
pub fn session_set_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("bluum_session="))
        .map(str::to_owned)
}

/// The token of the newest reset link in the development outbox for `email`.
pub async fn reset_token_from_outbox(pool: &sqlx::PgPool, email: &str) -> Option<String> {
    let body = latest_outbox_body(pool, email).await?;
    token_in(&body)
}

/// The body of the newest outbox email to `email`. Emails go out from a task of their own, so
/// this waits up to five seconds for one to arrive.
pub async fn latest_outbox_body(pool: &sqlx::PgPool, email: &str) -> Option<String> {
    for _ in 0..50 {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM email_outbox WHERE to_address = $1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(email)
        .fetch_optional(pool)
        .await
        .unwrap();
        if body.is_some() {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    None
}

/// The reset token of the link in an email's text.
pub fn token_in(text: &str) -> Option<String> {
    let start = text.find("token=")? + "token=".len();
    Some(
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}

//! Request-level security against real Postgres: anonymous access, one user reaching another's
//! investor, cross-site posts, security headers, the outbox in production, the audit log.
#![cfg(feature = "ssr")]

mod common;

use bluum_invest::server::auth::{audit, investor_link};
use common::accounts::{call_json, sign_up, PASSWORD};
use common::{spawn_app, spawn_app_with};
use sqlx::PgPool;
use uuid::Uuid;

/// Every account server function, with a plausible form.
const ACCOUNT_FUNCTIONS: &[(&str, &[(&str, &str)])] = &[
    ("account/profile", &[]),
    (
        "account/update_profile",
        &[("name", "Mallory"), ("email", "mallory2@example.com")],
    ),
    (
        "account/change_password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "mallory-new-passphrase"),
        ],
    ),
    ("account/two_factor/start", &[]),
    ("account/two_factor/confirm", &[("setup_code", "123456")]),
    (
        "account/two_factor/disable",
        &[("password", PASSWORD), ("totp_code", "123456")],
    ),
];

#[sqlx::test]
async fn anonymous_requests_get_the_sign_in_page_or_401(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app.client.get(app.url("/account")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/sign-in?next=/account");
    let res = app
        .client
        .get(app.url("/account?tab=x%20y"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        "/sign-in?next=/account%3Ftab%3Dx%2520y"
    );

    for (endpoint, form) in ACCOUNT_FUNCTIONS {
        let (status, body) = call_json(&app, &app.client, endpoint, form).await;
        assert_eq!(status, 401, "{endpoint}: {body}");
        assert_eq!(body, "NotSignedIn", "{endpoint}");
    }
    let (status, body) = call_json(&app, &app.client, "auth/whoami", &[]).await;
    assert_eq!((status, body), (200, serde_json::Value::Null));
}

#[sqlx::test]
async fn a_second_user_cannot_read_or_act_on_the_first_users_investor(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let alice = app.new_client();
    let mallory = app.new_client();
    sign_up(&app, &alice, "alice@example.com").await;
    sign_up(&app, &mallory, "mallory@example.com").await;
    let alice_id: Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'alice@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let mallory_id: Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'mallory@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let alice_investor = "3f1c1f3e-alice-investor";
    assert!(investor_link::link(&pool, alice_id, alice_investor)
        .await
        .unwrap());

    // One investor per user and one user per investor.
    assert!(!investor_link::link(&pool, mallory_id, alice_investor)
        .await
        .unwrap());
    assert!(!investor_link::link(&pool, alice_id, "another-investor")
        .await
        .unwrap());
    assert_eq!(
        investor_link::investor_id_of(&pool, mallory_id)
            .await
            .unwrap(),
        None
    );

    // Every server function Mallory can call, even naming Alice's investor or user id in the
    // request, answers about Mallory only and never shows Alice's investor.
    for (endpoint, form) in ACCOUNT_FUNCTIONS
        .iter()
        .chain([("auth/whoami", &[][..])].iter())
    {
        let mut form = form.to_vec();
        let alice_user = alice_id.to_string();
        form.push(("investor_id", alice_investor));
        form.push(("user_id", &alice_user));
        let (status, body) = call_json(&app, &mallory, endpoint, &form).await;
        let text = body.to_string();
        assert!(!text.contains(alice_investor), "{endpoint} leaked: {text}");
        assert!(
            !text.contains("alice@example.com"),
            "{endpoint} leaked: {text}"
        );
        if status == 200 && *endpoint == "account/profile" {
            assert_eq!(body["email"], "mallory@example.com");
            assert_eq!(body["has_investor"], false);
        }
    }
    // Alice is untouched.
    let (_, profile) = call_json(&app, &alice, "account/profile", &[]).await;
    assert_eq!(profile["email"], "alice@example.com");
    assert_eq!(profile["name"], "Jane Doe");
    assert_eq!(profile["has_investor"], true);
    assert_eq!(
        investor_link::investor_id_of(&pool, alice_id)
            .await
            .unwrap()
            .as_deref(),
        Some(alice_investor)
    );
}

#[sqlx::test]
async fn cross_site_posts_are_refused(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let form = [
        ("name", "Eve"),
        ("email", "eve@example.com"),
        ("password", PASSWORD),
    ];
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let res = bare
        .post(app.url("/api/auth/sign_up"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let res = bare
        .post(app.url("/api/auth/sign_up"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no Origin and no Referer");

    let res = bare
        .post(app.url("/api/auth/sign_up"))
        .header("referer", "https://evil.example/page")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0);

    // A same-site form post (Referer on our site, no Origin) goes through.
    let res = bare
        .post(app.url("/api/auth/sign_up"))
        .header("referer", app.url("/sign-up"))
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Server-to-server webhooks are not browser posts: not refused by this check.
    let res = bare
        .post(app.url("/webhooks/bluum"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 403);
}

#[sqlx::test]
async fn pages_carry_security_headers_and_a_nonce_for_the_hydration_script(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app.client.get(app.url("/sign-in")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );

    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the inline script carries the nonce"
    );
    assert!(
        !html.contains("<script>"),
        "no inline script without a nonce"
    );

    let again = app.client.get(app.url("/sign-in")).send().await.unwrap();
    assert!(
        !again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(&nonce),
        "a new nonce per response"
    );
}

#[sqlx::test]
async fn the_outbox_is_a_development_tool_only(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let res = app.client.get(app.url("/dev/outbox")).send().await.unwrap();
    assert_eq!(res.status(), 200);

    let prod = spawn_app_with(
        pool,
        &[
            ("APP_ENV", "production"),
            ("DATABASE_URL", "postgres://unused@127.0.0.1/unused"),
            ("PUBLIC_URL", "https://invest.example.com"),
            (
                "SESSION_SECRET",
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            ),
            (
                "DATA_KEY",
                "8f3a0c6e2d9b47f1a5c3e7b9d1f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8",
            ),
            ("SMTP_URL", "smtp://127.0.0.1:2525"),
            ("EMAIL_FROM", "Bluum Invest <no-reply@invest.example.com>"),
        ],
    )
    .await;
    let res = prod
        .client
        .get(prod.url("/dev/outbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = prod.client.get(prod.url("/")).send().await.unwrap();
    assert!(res.headers().contains_key("strict-transport-security"));

    // Behind HTTPS the session cookie is Secure. (Origin is the public https address.)
    let res = prod
        .client
        .post(prod.url("/api/auth/sign_up"))
        .header("origin", "https://invest.example.com")
        .form(&[
            ("name", "Jane"),
            ("email", "jane@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = common::accounts::session_set_cookie(&res).unwrap();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    // The app's own (plain-HTTP test) origin is not the public one: refused.
    let res = prod
        .client
        .post(prod.url("/api/auth/sign_up"))
        .form(&[
            ("name", "Jane"),
            ("email", "jane2@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    user_id: Option<Uuid>,
    action: String,
    detail: serde_json::Value,
    idempotency_key: Option<String>,
    upstream_id: Option<String>,
    result: String,
    ip: Option<String>,
}

#[sqlx::test]
async fn audit_records_money_moving_requests_without_personal_data(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.client, "jane@example.com").await;
    let user_id: Uuid = sqlx::query_scalar("SELECT id FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    audit::record(
        &pool,
        audit::Entry::new("deposit", Some(user_id), audit::Outcome::Pending)
            .detail(serde_json::json!({ "amount": "25.00", "currency": "USD" }))
            .idempotency_key("idem-1")
            .upstream_id("tr_123")
            .ip("127.0.0.1"),
    )
    .await
    .unwrap();
    let row: AuditRow = sqlx::query_as(
        "SELECT user_id, action, detail, idempotency_key, upstream_id, result, ip FROM audit_log WHERE action = 'deposit'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row.user_id, Some(user_id));
    assert_eq!(row.action, "deposit");
    assert_eq!(row.detail["amount"], "25.00");
    assert_eq!(row.idempotency_key.as_deref(), Some("idem-1"));
    assert_eq!(row.upstream_id.as_deref(), Some("tr_123"));
    assert_eq!(row.result, "pending");
    assert_eq!(row.ip.as_deref(), Some("127.0.0.1"));

    // The sign-up was recorded with the client address; no password or hash in any record.
    let (ip, detail): (Option<String>, serde_json::Value) =
        sqlx::query_as("SELECT ip, detail FROM audit_log WHERE action = 'sign_up'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(ip.as_deref(), Some("127.0.0.1"));
    assert!(!detail.to_string().contains(PASSWORD));
}

#[sqlx::test]
async fn oversized_account_forms_are_refused(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let huge = "x".repeat(bluum_invest::server::security::MAX_FORM_BYTES);
    let res = app
        .client
        .post(app.url("/api/auth/sign_up"))
        .form(&[
            ("name", huge.as_str()),
            ("email", "big@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[sqlx::test]
async fn changing_the_email_needs_the_password(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.client, "jane@example.com").await;
    // The name alone changes freely.
    let (status, _) = call_json(
        &app,
        &app.client,
        "account/update_profile",
        &[("name", "Jane Q"), ("email", "jane@example.com")],
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = call_json(
        &app,
        &app.client,
        "account/update_profile",
        &[("name", "Jane Q"), ("email", "new@example.com")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(common::accounts::validation(&body).0, "confirm_password");
    let (status, body) = call_json(
        &app,
        &app.client,
        "account/update_profile",
        &[
            ("name", "Jane Q"),
            ("email", "new@example.com"),
            ("confirm_password", "wrong-password-123"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(common::accounts::validation(&body).0, "confirm_password");
    let (status, _) = call_json(
        &app,
        &app.client,
        "account/update_profile",
        &[
            ("name", "Jane Q"),
            ("email", "New@Example.com"),
            ("confirm_password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (_, profile) = call_json(&app, &app.client, "account/profile", &[]).await;
    assert_eq!(profile["email"], "new@example.com");
    assert_eq!(profile["name"], "Jane Q");
}

//! Accounts over HTTP against real Postgres: sign-up rules, password hashing, sign-in without
//! account enumeration, throttling, session rotation and invalidation, password resets and
//! two-factor sign-in.
#![cfg(feature = "ssr")]

mod common;

use bluum_invest::server::auth::totp;
use common::accounts::{
    call, call_json, reset_token_from_outbox, session_cookie, session_set_cookie, sign_in, sign_up,
    token_in, validation, whoami, PASSWORD,
};
use common::smtp_sink::SmtpSink;
use common::{spawn_app, spawn_app_with};
use sqlx::PgPool;

/// Asks for a reset link for `email`, as the forgot-password form does.
async fn forgot_password(
    app: &common::TestApp,
    client: &reqwest::Client,
    email: &str,
) -> (u16, serde_json::Value) {
    call_json(app, client, "auth/forgot_password", &[("email", email)]).await
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn audit_actions(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as("SELECT action, result FROM audit_log ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn passwords_are_hashed_with_argon2id_at_owasp_parameters(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.client, "jane@example.com").await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains(PASSWORD));
}

#[sqlx::test]
async fn sign_up_validates_each_field_and_keeps_emails_unique(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("name", "Jane"),
                ("email", "not-an-email"),
                ("password", PASSWORD),
            ],
            "email",
        ),
        (
            &[
                ("name", "  "),
                ("email", "j@example.com"),
                ("password", PASSWORD),
            ],
            "name",
        ),
        (
            &[
                ("name", "Jane"),
                ("email", "j@example.com"),
                ("password", "short"),
            ],
            "password",
        ),
        (
            &[
                ("name", "Jane"),
                ("email", "j@example.com"),
                ("password", "password1234"),
            ],
            "password",
        ),
    ];
    for (form, field) in cases {
        let (status, body) = call_json(&app, &app.client, "auth/sign_up", form).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(validation(&body).0, *field, "{body}");
    }
    let (_, body) = call_json(
        &app,
        &app.client,
        "auth/sign_up",
        &[
            ("name", "Jane"),
            ("email", "j@example.com"),
            ("password", "password1234"),
        ],
    )
    .await;
    assert!(validation(&body).1.contains("too common"), "{body}");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0, "nothing is written when input is refused");

    sign_up(&app, &app.client, " Jane.Doe@Example.COM ").await;
    let stored: String = sqlx::query_scalar("SELECT email FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, "jane.doe@example.com", "normalised");

    let other = app.new_client();
    let (status, body) = call_json(
        &app,
        &other,
        "auth/sign_up",
        &[
            ("name", "J"),
            ("email", "JANE.doe@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "email", "unique, case-insensitively");
}

#[sqlx::test]
async fn sign_in_errors_do_not_tell_whether_the_email_exists(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.new_client(), "jane@example.com").await;

    let wrong_password = sign_in(
        &app,
        &app.new_client(),
        "jane@example.com",
        "wrong-password-123",
    )
    .await;
    let unknown_email = sign_in(
        &app,
        &app.new_client(),
        "nobody@example.com",
        "wrong-password-123",
    )
    .await;
    assert_eq!(wrong_password.status(), unknown_email.status());
    assert_eq!(wrong_password.status(), 422);
    let a = wrong_password.text().await.unwrap();
    let b = unknown_email.text().await.unwrap();
    assert_eq!(a, b, "identical answers");
    assert!(a.contains("Email or password is incorrect."), "{a}");

    let ok = sign_in(&app, &app.client, "JANE@example.com", PASSWORD).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["location"], "/account");
    assert_eq!(whoami(&app, &app.client).await.as_deref(), Some("Jane Doe"));

    let actions = audit_actions(&pool).await;
    assert!(actions.contains(&("sign_in".into(), "failure".into())));
    assert!(actions.contains(&("sign_in".into(), "success".into())));
}

#[sqlx::test]
async fn repeated_failures_lock_the_account_with_a_clear_wait(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.new_client(), "jane@example.com").await;
    sign_up(&app, &app.new_client(), "john@example.com").await;
    let client = app.new_client();
    for _ in 0..5 {
        let res = sign_in(&app, &client, "jane@example.com", "wrong-password-123").await;
        assert_eq!(res.status(), 422);
    }
    // Now even the right password must wait.
    let (status, body) = call_json(
        &app,
        &client,
        "auth/sign_in",
        &[("email", "jane@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["TooManyAttempts"]["minutes"], 15);
    let message = bluum_invest::error::AppError::TooManyAttempts { minutes: 15 }.to_string();
    assert_eq!(message, "Too many attempts. Try again in 15 minutes.");

    // The same answer for an email that has no account, once it has failed as often.
    for _ in 0..5 {
        sign_in(&app, &client, "ghost@example.com", "wrong-password-123").await;
    }
    let (status, _) = call_json(
        &app,
        &client,
        "auth/sign_in",
        &[("email", "ghost@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 429);

    // Other accounts from the same address are not locked.
    let res = sign_in(&app, &app.new_client(), "john@example.com", PASSWORD).await;
    assert_eq!(res.status(), 200);
}

#[sqlx::test]
async fn sign_ups_are_throttled_per_email_and_per_address(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let attempt = |email: String| {
        let app = &app;
        async move {
            call_json(
                app,
                &app.new_client(),
                "auth/sign_up",
                &[("name", "Jane"), ("email", &email), ("password", PASSWORD)],
            )
            .await
        }
    };
    // Probing one email: the sixth try within the window waits, whatever the answer was.
    sign_up(&app, &app.new_client(), "taken@example.com").await;
    for _ in 0..4 {
        let (status, body) = attempt("taken@example.com".into()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(validation(&body).0, "email");
    }
    let (status, body) = attempt("taken@example.com".into()).await;
    assert_eq!(status, 429, "{body}");
    assert!(body["TooManyAttempts"]["minutes"].as_u64().unwrap() >= 14);

    // Many emails from one address: 20 attempts (5 above), then a wait.
    for i in 0..15 {
        let (status, body) = attempt(format!("new{i}@example.com")).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = attempt("one-more@example.com".into()).await;
    assert_eq!(status, 429, "{body}");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 16, "nothing is created while throttled");
}

#[sqlx::test]
async fn repeated_failures_from_one_address_are_throttled(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.new_client(), "jane@example.com").await;
    for i in 0..20 {
        let res = sign_in(
            &app,
            &app.new_client(),
            &format!("user{i}@example.com"),
            "wrong-password-123",
        )
        .await;
        assert_eq!(res.status(), 422);
    }
    let (status, body) = call_json(
        &app,
        &app.new_client(),
        "auth/sign_in",
        &[("email", "jane@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert!(body["TooManyAttempts"]["minutes"].as_u64().unwrap() >= 14);
}

#[sqlx::test]
async fn session_cookie_is_hardened_and_rotated_at_sign_in(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.new_client(), "jane@example.com").await;
    let client = app.cookieless_client();

    let first = sign_in(&app, &client, "jane@example.com", PASSWORD).await;
    let set_cookie = session_set_cookie(&first).expect("a session cookie");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let first_id = session_cookie(&first).unwrap();

    // Signing in again from that session gives a new id, and the old one is gone.
    let second = client
        .post(app.url("/api/auth/sign_in"))
        .header("cookie", format!("bluum_session={first_id}"))
        .form(&[("email", "jane@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    let second_id = session_cookie(&second).expect("a new cookie");
    assert_ne!(first_id, second_id);

    let with = |id: String| {
        let client = client.clone();
        let url = app.url("/api/auth/whoami");
        async move {
            client
                .post(url)
                .header("cookie", format!("bluum_session={id}"))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        with(first_id).await,
        serde_json::Value::Null,
        "old id is dead"
    );
    assert_eq!(with(second_id).await["name"], "Jane Doe");
}

#[sqlx::test]
async fn sign_out_ends_the_session_on_the_server(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.new_client(), "jane@example.com").await;
    let client = app.cookieless_client();
    let res = sign_in(&app, &client, "jane@example.com", PASSWORD).await;
    let id = session_cookie(&res).unwrap();

    let res = client
        .post(app.url("/api/auth/sign_out"))
        .header("cookie", format!("bluum_session={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/");

    // Replaying the old cookie gets nothing: the session row is gone.
    let res = client
        .post(app.url("/api/account/profile"))
        .header("cookie", format!("bluum_session={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.text().await.unwrap(), "\"NotSignedIn\"");
}

#[sqlx::test]
async fn changing_the_password_ends_every_other_session(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let laptop = app.new_client();
    let phone = app.new_client();
    sign_up(&app, &laptop, "jane@example.com").await;
    assert_eq!(
        sign_in(&app, &phone, "jane@example.com", PASSWORD)
            .await
            .status(),
        200
    );

    let (status, body) = call_json(
        &app,
        &laptop,
        "account/change_password",
        &[
            ("current_password", "not-my-password-1"),
            ("new_password", "a-brand-new-passphrase"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "current_password");

    let res = call(
        &app,
        &laptop,
        "account/change_password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "a-brand-new-passphrase"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(session_cookie(&res).is_some(), "this session got a new id");

    assert_eq!(
        whoami(&app, &laptop).await.as_deref(),
        Some("Jane Doe"),
        "this session stays"
    );
    assert_eq!(whoami(&app, &phone).await, None, "the other session ended");
    let (status, _) = call_json(&app, &phone, "account/profile", &[]).await;
    assert_eq!(status, 401);

    assert_eq!(
        sign_in(&app, &app.new_client(), "jane@example.com", PASSWORD)
            .await
            .status(),
        422
    );
    assert_eq!(
        sign_in(
            &app,
            &app.new_client(),
            "jane@example.com",
            "a-brand-new-passphrase"
        )
        .await
        .status(),
        200
    );
    assert!(audit_actions(&pool)
        .await
        .contains(&("password_changed".into(), "success".into())));
}

#[sqlx::test]
async fn reset_links_work_once_and_end_every_session(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let old_session = app.new_client();
    sign_up(&app, &old_session, "jane@example.com").await;

    // Unknown and known emails get the same answer; only the known one gets mail.
    let anon = app.new_client();
    let unknown = forgot_password(&app, &anon, "ghost@example.com").await;
    let known = forgot_password(&app, &anon, "Jane@example.com").await;
    assert_eq!(unknown, known);
    assert_eq!(known.0, 200);
    let token = reset_token_from_outbox(&pool, "jane@example.com")
        .await
        .unwrap();
    let mails: i64 = sqlx::query_scalar("SELECT count(*) FROM email_outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mails, 1);
    assert!(token.len() >= 40, "{token}");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM password_resets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_ne!(stored, token, "only a hash is stored");

    // A weak password is refused without using up the link.
    let (status, body) = call_json(
        &app,
        &anon,
        "auth/reset_password",
        &[("token", &token), ("password", "short")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "password");

    let res = call(
        &app,
        &anon,
        "auth/reset_password",
        &[("token", &token), ("password", "a-brand-new-passphrase")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/sign-in?reset=1");

    // Single use.
    let (status, body) = call_json(
        &app,
        &anon,
        "auth/reset_password",
        &[("token", &token), ("password", "another-new-passphrase")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "token");

    assert_eq!(
        whoami(&app, &old_session).await,
        None,
        "sessions from before the reset ended"
    );
    assert_eq!(
        sign_in(
            &app,
            &app.new_client(),
            "jane@example.com",
            "a-brand-new-passphrase"
        )
        .await
        .status(),
        200
    );
    assert!(audit_actions(&pool)
        .await
        .contains(&("password_reset".into(), "success".into())));
}

#[sqlx::test]
async fn reset_links_expire(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.new_client(), "jane@example.com").await;
    call(
        &app,
        &app.client,
        "auth/forgot_password",
        &[("email", "jane@example.com")],
    )
    .await;
    let token = reset_token_from_outbox(&pool, "jane@example.com")
        .await
        .unwrap();
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, body) = call_json(
        &app,
        &app.client,
        "auth/reset_password",
        &[("token", &token), ("password", "a-brand-new-passphrase")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "token");
    let (status, body) = call_json(
        &app,
        &app.client,
        "auth/reset_password",
        &[
            ("token", "made-up-token"),
            ("password", "a-brand-new-passphrase"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "token");
    assert_eq!(
        sign_in(&app, &app.new_client(), "jane@example.com", PASSWORD)
            .await
            .status(),
        200,
        "password unchanged"
    );
}

#[sqlx::test]
async fn two_factor_enrolment_sign_in_recovery_and_turning_it_off(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let client = app.new_client();
    sign_up(&app, &client, "jane@example.com").await;

    let (status, setup) = call_json(&app, &client, "account/two_factor/start", &[]).await;
    assert_eq!(status, 200, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let uri = setup["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Bluum%20Invest:jane%40example.com?"),
        "{setup}"
    );
    assert!(uri.contains(&format!("secret={secret}")), "{setup}");
    // The QR code is the crate's rendering of exactly this link, as inline SVG.
    let qr_svg = setup["qr_svg"].as_str().unwrap();
    assert!(qr_svg.starts_with("<svg "), "{qr_svg}");
    assert_eq!(qr_svg, totp::qr_svg(uri).unwrap());
    // The account page, rendered on the server, shows the pending set-up with its QR code
    // (a reload, or the form posted without JavaScript, keeps it).
    let account_page = || async {
        client
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let html = account_page().await;
    assert!(
        html.contains(r#"aria-label="QR code for your authenticator app""#),
        "{html}"
    );
    assert!(html.contains(qr_svg), "the page inlines the same QR code");
    assert!(html.contains(&secret), "the key stays as the fallback");
    // The pending set-up is in the session, sealed.
    let sessions: Vec<String> =
        sqlx::query_scalar("SELECT encode(data, 'escape') FROM tower_sessions.session")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(!sessions.is_empty());
    assert!(
        sessions.iter().all(|data| !data.contains(&secret)),
        "the pending key is not in a session in plain text"
    );
    assert!(sessions
        .iter()
        .any(|data| data.contains("auth.totp_enrolment")));

    let (status, body) = call_json(
        &app,
        &client,
        "account/two_factor/confirm",
        &[("setup_code", "000000")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "setup_code");

    let code = totp::code_at(&secret, unix_now()).unwrap();
    let (status, codes) = call_json(
        &app,
        &client,
        "account/two_factor/confirm",
        &[("setup_code", &code)],
    )
    .await;
    assert_eq!(status, 200, "{codes}");
    let codes: Vec<String> = serde_json::from_value(codes).unwrap();
    assert_eq!(codes.len(), 10);
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        !stored.contains(&codes[0]),
        "recovery codes are stored hashed"
    );
    // The confirmation redirects to the account page, which shows the codes once: they wait
    // in the session, sealed, and are gone after that render.
    let sessions: Vec<String> =
        sqlx::query_scalar("SELECT encode(data, 'escape') FROM tower_sessions.session")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(sessions.iter().all(|data| !data.contains(&codes[0])));
    let html = account_page().await;
    assert!(
        codes.iter().all(|code| html.contains(code.as_str())),
        "{html}"
    );
    let html = account_page().await;
    assert!(!html.contains(codes[0].as_str()), "shown once only");
    let sealed: String = sqlx::query_scalar("SELECT totp_secret FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        sealed.starts_with("v1.") && !sealed.contains(&secret),
        "the authenticator key is stored sealed: {sealed}"
    );

    // Password alone no longer signs in: it asks for the code.
    let browser = app.new_client();
    let res = sign_in(&app, &browser, "jane@example.com", PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/sign-in/two-factor");
    assert_eq!(whoami(&app, &browser).await, None);
    let (status, _) = call_json(&app, &browser, "account/profile", &[]).await;
    assert_eq!(status, 401, "half signed in is not signed in");

    let (status, body) = call_json(&app, &browser, "auth/two_factor", &[("code", "123456")]).await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "code");
    // The code used for enrolment cannot be used again.
    let (status, _) = call_json(&app, &browser, "auth/two_factor", &[("code", &code)]).await;
    assert_eq!(status, 422, "no replay");

    let next_code = totp::code_at(&secret, unix_now() + 30).unwrap();
    let res = call(&app, &browser, "auth/two_factor", &[("code", &next_code)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/account");
    assert_eq!(whoami(&app, &browser).await.as_deref(), Some("Jane Doe"));

    // A recovery code works once.
    let other = app.new_client();
    sign_in(&app, &other, "jane@example.com", PASSWORD).await;
    let res = call(
        &app,
        &other,
        "auth/two_factor",
        &[("code", &codes[0].to_uppercase())],
    )
    .await;
    assert_eq!(res.status(), 200);
    let third = app.new_client();
    sign_in(&app, &third, "jane@example.com", PASSWORD).await;
    let (status, _) = call_json(&app, &third, "auth/two_factor", &[("code", &codes[0])]).await;
    assert_eq!(status, 422);

    // Changing the password now asks for a code too.
    let (status, body) = call_json(
        &app,
        &browser,
        "account/change_password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "a-brand-new-passphrase"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "code");

    // Turning it off asks for the password and a code.
    let (status, body) = call_json(
        &app,
        &browser,
        "account/two_factor/disable",
        &[("password", PASSWORD), ("totp_code", "000000")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "totp_code");
    let (status, body) = call_json(
        &app,
        &browser,
        "account/two_factor/disable",
        &[("password", "wrong-password-123"), ("totp_code", &codes[1])],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "password");
    let (status, body) = call_json(
        &app,
        &browser,
        "account/two_factor/disable",
        &[("password", PASSWORD), ("totp_code", &codes[1])],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, profile) = call_json(&app, &browser, "account/profile", &[]).await;
    assert_eq!(profile["two_factor_enabled"], false);

    let actions = audit_actions(&pool).await;
    assert!(actions.contains(&("two_factor_enabled".into(), "success".into())));
    assert!(actions.contains(&("two_factor_disabled".into(), "success".into())));
}

#[sqlx::test]
async fn idle_sessions_expire_in_the_store(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.client, "jane@example.com").await;
    assert!(whoami(&app, &app.client).await.is_some());
    // What 30 minutes without a request does: the store's expiry date passes.
    sqlx::query("UPDATE tower_sessions.session SET expiry_date = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(whoami(&app, &app.client).await, None);
}

#[sqlx::test]
async fn forms_work_without_javascript(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.new_client(), "jane@example.com").await;
    // A plain HTML form post: the browser accepts HTML and sends the page as Referer.
    let browser = app.new_client();
    let post = |password: &'static str| {
        browser
            .post(app.url("/api/auth/sign_in"))
            .header("accept", "text/html")
            .header("referer", app.url("/sign-in"))
            .form(&[
                ("email", "jane@example.com"),
                ("password", password),
                ("next", ""),
            ])
            .send()
    };

    // A refused form comes back to the page, which shows the message.
    let res = post("wrong-password-123").await.unwrap();
    assert_eq!(res.status(), 302);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with(&app.url("/sign-in")), "{back}");
    let html = browser
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Email or password is incorrect."), "{html}");

    let res = post(PASSWORD).await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/account");
    let res = browser.get(app.url("/account")).send().await.unwrap();
    assert_eq!(res.status(), 200, "signed in, the account page renders");
}

/// The app sending email through `smtp_url`, with jane@example.com signed up.
async fn app_with_jane_mailing_through(pool: PgPool, smtp_url: &str) -> common::TestApp {
    let app = spawn_app_with(
        pool,
        &[
            ("SMTP_URL", smtp_url),
            ("EMAIL_FROM", "Bluum Invest <no-reply@bluum.test>"),
        ],
    )
    .await;
    sign_up(&app, &app.new_client(), "jane@example.com").await;
    app
}

#[sqlx::test]
async fn with_smtp_configured_reset_links_go_out_by_smtp(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let smtp_url = sink.url();
    let app = app_with_jane_mailing_through(pool.clone(), &smtp_url).await;

    let anon = app.new_client();
    let started = std::time::Instant::now();
    let (status, body) = forgot_password(&app, &anon, "jane@example.com").await;
    assert_eq!(status, 200);
    assert_eq!(body["outbox"], false, "no outbox link when mail is real");
    let mut messages = sink.messages();
    while messages.is_empty() && started.elapsed() < std::time::Duration::from_secs(10) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        messages = sink.messages();
    }
    assert_eq!(messages.len(), 1, "one email reached the SMTP server");
    let mail = &messages[0];
    assert_eq!(mail.mail_from, "<no-reply@bluum.test>");
    assert_eq!(mail.rcpt_to, vec!["<jane@example.com>".to_owned()]);
    let text = mail.decoded();
    assert!(
        text.contains("Subject: Reset your Bluum Invest password"),
        "{text}"
    );
    assert!(text.contains("To: jane@example.com"), "{text}");
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM email_outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(outbox, 0, "nothing goes to the development outbox");

    // The link in the email works.
    let token = token_in(&text).expect("a reset link");
    let res = call(
        &app,
        &anon,
        "auth/reset_password",
        &[("token", &token), ("password", "a-brand-new-passphrase")],
    )
    .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(
        sign_in(
            &app,
            &app.new_client(),
            "jane@example.com",
            "a-brand-new-passphrase"
        )
        .await
        .status(),
        200
    );
}

#[sqlx::test]
async fn a_failing_mail_server_does_not_tell_whether_the_email_exists(pool: PgPool) {
    // Nothing listens on this port: every send fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = app_with_jane_mailing_through(pool.clone(), &smtp_url).await;
    let anon = app.new_client();
    let unknown = forgot_password(&app, &anon, "ghost@example.com").await;
    let known = forgot_password(&app, &anon, "jane@example.com").await;
    assert_eq!(known.0, 200);
    assert_eq!(unknown, known);
}

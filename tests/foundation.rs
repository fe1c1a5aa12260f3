//! The foundation, end to end over HTTP: probes, pages, 404s and request ids.
#![cfg(feature = "ssr")]

mod common;

use common::spawn_app;
use sqlx::PgPool;

#[sqlx::test]
async fn healthz_and_readyz_answer_json(pool: PgPool) {
    let app = spawn_app(pool).await;

    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "status": "ok" }));

    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "status": "ready", "database": "ok" })
    );
}

#[sqlx::test]
async fn readyz_reports_a_database_that_is_gone(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    pool.close().await;
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
}

#[sqlx::test]
async fn every_response_carries_a_request_id(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    // A well-formed id from the caller (a load balancer, say) is kept end to end...
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-1234")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "lb-1234");

    // ...and a malformed one is replaced.
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "two words")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "two words");
}

#[sqlx::test]
async fn home_page_is_server_rendered(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Invest in what you believe in."), "{html}");
    assert!(html.contains("<title>Invest in what you believe in · Bluum Invest</title>"));
    assert!(html.contains("/pkg/bluum_invest.css"));
}

#[sqlx::test]
async fn unknown_paths_get_the_app_404_page(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app
        .client
        .get(app.url("/definitely/not/here"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("We can&#x27;t find that page") || html.contains("We can't find that page")
    );
    assert!(
        html.contains("Bluum Invest"),
        "rendered inside the app frame"
    );
}

#[sqlx::test]
async fn bodies_are_small_by_default(pool: PgPool) {
    use bluum_invest::server::security::{body_limit, MAX_FORM_BYTES};
    let app = spawn_app(pool).await;
    // Any path, known or not, that is not listed as taking more: a form's worth at most.
    for path in ["/api/anything_new", "/api/account/profile", "/sign-in"] {
        let res = app
            .client
            .post(app.url(path))
            .body(vec![b'a'; MAX_FORM_BYTES + 1])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413, "{path}");
    }
    // The document upload takes a 10 MB file, and no more.
    let upload = bluum_invest::api::onboarding::UPLOAD_PATH;
    let res = app
        .client
        .post(app.url(upload))
        .body(vec![b'a'; body_limit(upload) + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

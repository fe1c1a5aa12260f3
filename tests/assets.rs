//! Page weight over HTTP: compressed responses.
#![cfg(feature = "ssr")]

mod common;

use common::spawn_app;
use sqlx::PgPool;

#[sqlx::test]
async fn pages_are_compressed_for_browsers_that_accept_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let page = |encoding: &'static str| {
        app.client
            .get(app.url("/sign-in"))
            .header("accept-encoding", encoding)
            .send()
    };

    let plain = page("identity").await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let html = plain.bytes().await.unwrap();
    assert!(String::from_utf8_lossy(&html).contains("<html"));

    // Brotli is preferred when both are accepted.
    let br = page("gzip, deflate, br").await.unwrap();
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert!(br
        .headers()
        .get_all("vary")
        .iter()
        .any(|v| v.to_str().unwrap().contains("accept-encoding")));
    let body = br.bytes().await.unwrap();
    assert!(
        body.len() * 2 < html.len(),
        "{} bytes compressed from {}",
        body.len(),
        html.len()
    );

    let gzip = page("gzip").await.unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    let body = gzip.bytes().await.unwrap();
    assert_eq!(&body[..2], &[0x1f, 0x8b], "gzip magic number");
}

#[sqlx::test]
async fn tiny_responses_are_left_alone(pool: PgPool) {
    let app = spawn_app(pool).await;
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

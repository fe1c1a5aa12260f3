//! Page weight over HTTP: compressed responses, and the files under /pkg under their hashed
//! names, precompressed and cached.
#![cfg(feature = "ssr")]

mod common;

use std::path::PathBuf;

use bluum_invest::server::assets::{CACHE_IMMUTABLE, CACHE_REVALIDATE};
use common::{spawn_app, spawn_app_with_options};
use leptos::config::LeptosOptions;
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

/// A site like the one `cargo leptos build` writes with `hash-files = true`, in a folder of its
/// own, and its hash file where Leptos looks: next to the running executable (this test).
struct HashedSite {
    root: PathBuf,
    hash_file: PathBuf,
}

const JS_HASH: &str = "Js0123456789abcdefghij";
const WASM_HASH: &str = "Wasm_-6789abcdefghijkl";
const CSS_HASH: &str = "Css123456789abcdefghij";

impl HashedSite {
    fn new() -> Self {
        let id = uuid::Uuid::new_v4();
        let root = std::env::temp_dir().join(format!("bluum-assets-{id}"));
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(
            pkg.join(format!("bluum_invest.{JS_HASH}.js")),
            "export {};\n",
        )
        .unwrap();
        // Compressible, and a brotli copy beside it that is recognisably the one sent.
        std::fs::write(
            pkg.join(format!("bluum_invest.{WASM_HASH}.wasm")),
            b"\0asm".repeat(1000),
        )
        .unwrap();
        std::fs::write(
            pkg.join(format!("bluum_invest.{WASM_HASH}.wasm.br")),
            b"precompressed",
        )
        .unwrap();
        std::fs::write(
            pkg.join("bluum_invest.css"),
            "body { margin: 0 }\n".repeat(100),
        )
        .unwrap();
        let exe_dir = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .to_owned();
        let hash_file = exe_dir.join(format!("bluum-assets-{id}.txt"));
        std::fs::write(
            &hash_file,
            format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"),
        )
        .unwrap();
        Self { root, hash_file }
    }

    fn options(&self, mut options: LeptosOptions) -> LeptosOptions {
        options.site_root = self.root.to_str().unwrap().into();
        options.hash_files = true;
        options.hash_file = self.hash_file.file_name().unwrap().to_str().unwrap().into();
        options
    }
}

impl Drop for HashedSite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
        let _ = std::fs::remove_file(&self.hash_file);
    }
}

#[sqlx::test]
async fn hashed_files_are_linked_precompressed_and_cached_for_a_year(pool: PgPool) {
    let site = HashedSite::new();
    let app = spawn_app_with_options(pool, &[], |options| site.options(options)).await;
    let get = |path: String, encoding: &'static str| {
        app.client
            .get(app.url(&path))
            .header("accept-encoding", encoding)
            .send()
    };

    // Pages name the hashed stylesheet, script and WebAssembly.
    let html = get("/sign-in".into(), "identity")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for name in [
        format!("/pkg/bluum_invest.{CSS_HASH}.css"),
        format!("/pkg/bluum_invest.{JS_HASH}.js"),
        format!("/pkg/bluum_invest.{WASM_HASH}.wasm"),
    ] {
        assert!(html.contains(&name), "{name} in {html}");
    }

    // The brotli copy is sent as it is, and kept for a year.
    let wasm = format!("/pkg/bluum_invest.{WASM_HASH}.wasm");
    let res = get(wasm.clone(), "gzip, br").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["cache-control"], CACHE_IMMUTABLE);
    assert_eq!(res.headers()["vary"], "accept-encoding");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"precompressed");

    // Without a copy for the encoding asked for, the file is compressed on the way out.
    let res = get(wasm.clone(), "gzip").await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["cache-control"], CACHE_IMMUTABLE);
    let res = get(wasm, "identity").await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.bytes().await.unwrap().len(), 4000);

    // A file without a hash in its name is checked with the server before each use.
    let res = get("/pkg/bluum_invest.css".into(), "br").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], CACHE_REVALIDATE);
    assert_eq!(res.headers()["content-encoding"], "br");

    // A missing file is not cached.
    let res = get(format!("/pkg/bluum_invest.{JS_HASH}.css"), "br")
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.headers().get("cache-control").is_none());
}

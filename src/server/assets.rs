//! Page weight: response compression, and the files under `/pkg` (the WebAssembly, its JS glue
//! and the stylesheet cargo-leptos writes) with cache headers.
//!
//! cargo-leptos puts a content hash in those file names (`hash-files = true` in `Cargo.toml`)
//! and writes the hashes to `hash.txt` next to the server binary, where Leptos reads them to
//! name the files in each page. A hashed name never changes content, so browsers may keep it
//! for a year without asking again; anything else under `/pkg` is revalidated on every use. A
//! release build made with `--precompress` leaves `.br` and `.gz` copies beside each file,
//! sent as they are to browsers that accept them; otherwise responses are compressed as they go.

use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use http::{header, HeaderValue, StatusCode};
use leptos::config::LeptosOptions;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use super::config::ConfigError;

/// `Cache-Control` for a file whose name carries its content hash.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` for other files under `/pkg`: kept, but checked with the server before use.
pub const CACHE_REVALIDATE: &str = "no-cache";

/// Length of a cargo-leptos file hash: an MD5 digest in unpadded URL-safe base64.
const HASH_LEN: usize = 22;

/// Compresses responses with brotli or gzip, whichever the request accepts (brotli first).
/// Skips what is already compressed (precompressed files, images other than SVG), bodies of
/// 32 bytes or less, and server-sent events (`text/event-stream`), which must not be held back.
///
/// Pages are compressed as they are sent, so at a quality that is quick: [`DYNAMIC_QUALITY`].
/// (The library's default for brotli is its slowest, 11, which cost more CPU than rendering the
/// page; the site's static files are precompressed at 11 once, at build time.)
pub fn compression() -> CompressionLayer {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(tower_http::CompressionLevel::Precise(DYNAMIC_QUALITY))
}

/// Brotli and gzip quality for responses compressed on the fly: 4 is within a few percent of
/// the best size for a page of HTML at a fraction of the time.
pub const DYNAMIC_QUALITY: i32 = 4;

/// Whether `file_name` has the shape cargo-leptos gives hashed files: `<name>.<hash>.<ext>`.
pub fn is_hashed(file_name: &str) -> bool {
    let mut parts = file_name.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == HASH_LEN
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The `Cache-Control` value for a file under `/pkg`, by its path.
pub fn cache_control(path: &str) -> &'static str {
    let file_name = path.rsplit('/').next().unwrap_or_default();
    if is_hashed(file_name) {
        CACHE_IMMUTABLE
    } else {
        CACHE_REVALIDATE
    }
}

/// Routes for `/<site-pkg-dir>/…`: the files cargo-leptos built, precompressed copies preferred,
/// with [`cache_control`] on every file sent (or found unchanged). A missing file is a bare 404.
pub fn pkg_routes<S>(options: &LeptosOptions) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let pkg_dir = options.site_pkg_dir.trim_matches('/');
    let files = ServeDir::new(Path::new(options.site_root.as_ref()).join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{pkg_dir}"), files)
        .layer(axum::middleware::from_fn(cache_headers))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let policy = cache_control(req.uri().path());
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        // Which copy is sent (brotli, gzip or plain) depends on Accept-Encoding.
        if !headers.contains_key(header::VARY) {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    res
}

/// Where Leptos looks for the hash file: next to the running executable.
pub fn hash_file_path(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// With file hashing on, Leptos reads the hashed file names from the hash file on every page,
/// and cannot render a page without it: refuse to start instead.
pub fn check_hash_file(options: &LeptosOptions) -> Result<(), ConfigError> {
    if !options.hash_files {
        return Ok(());
    }
    match hash_file_path(options) {
        Some(path) if path.is_file() => Ok(()),
        path => Err(ConfigError {
            var: "LEPTOS_HASH_FILES",
            problem: format!(
                "is true but the hash file {} is missing",
                path.map_or_else(
                    || options.hash_file.to_string(),
                    |p| p.display().to_string()
                )
            ),
            fix: "copy the hash.txt that `cargo leptos build` writes next to the server binary, \
                  with the site it describes, or set LEPTOS_HASH_FILES=false for a site built \
                  without hashing"
                .into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 22 characters of unpadded URL-safe base64, like an MD5 digest.
    const HASH: &str = "Ab3_-defghijklmnopqrst";

    #[test]
    fn hashed_names_are_recognised() {
        assert_eq!(HASH.len(), HASH_LEN);
        assert!(is_hashed(&format!("bluum_invest.{HASH}.wasm")));
        assert!(is_hashed(&format!("bluum_invest.{HASH}.js")));
        assert!(is_hashed(&format!("__wasm_split.{HASH}.js")));
        assert!(!is_hashed("bluum_invest.wasm"));
        assert!(!is_hashed("bluum_invest.css"));
        // One character short, one too many, a character outside base64url.
        assert!(!is_hashed(&format!("bluum_invest.{}.js", &HASH[1..])));
        assert!(!is_hashed(&format!("bluum_invest.{HASH}x.js")));
        assert!(!is_hashed(&format!("bluum_invest.{}=.js", &HASH[1..])));
        // A hash alone is not a hashed name.
        assert!(!is_hashed(&format!(".{HASH}.js")));
        assert!(!is_hashed(&format!("{HASH}.js")));
    }

    #[test]
    fn hashed_files_are_cached_for_a_year_and_others_revalidated() {
        assert_eq!(
            cache_control(&format!("/pkg/bluum_invest.{HASH}.css")),
            CACHE_IMMUTABLE
        );
        assert_eq!(cache_control("/pkg/bluum_invest.css"), CACHE_REVALIDATE);
        assert_eq!(
            cache_control("/pkg/snippets/x-1/inline0.js"),
            CACHE_REVALIDATE
        );
        // The hash must be in the file's own name, not a folder's.
        assert_eq!(
            cache_control(&format!("/pkg/a.{HASH}.d/x.js")),
            CACHE_REVALIDATE
        );
    }

    #[test]
    fn hashing_off_needs_no_hash_file() {
        let options = LeptosOptions::builder().output_name("bluum_invest").build();
        assert!(check_hash_file(&options).is_ok());
    }

    #[test]
    fn hashing_on_without_a_hash_file_names_the_fix() {
        let options = LeptosOptions::builder()
            .output_name("bluum_invest")
            .hash_files(true)
            .hash_file("no-such-hash-file.txt".into())
            .build();
        let err = check_hash_file(&options).unwrap_err();
        assert_eq!(err.var, "LEPTOS_HASH_FILES");
        assert!(err.problem.contains("no-such-hash-file.txt"), "{err}");
    }
}

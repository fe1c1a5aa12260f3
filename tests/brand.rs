//! The brand: the app rendered under a second brand configuration (`brands/acme.toml`) shows
//! that brand's name, logo, colours and support contact on its pages, and nothing of the
//! default brand's.

mod common;

use common::{spawn_app, spawn_app_with};
use sqlx::PgPool;

async fn page(app: &common::TestApp, path: &str) -> String {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

#[sqlx::test]
async fn a_second_brand_is_applied_to_every_page(pool: PgPool) {
    let app = spawn_app_with(pool, &[("BRAND_FILE", "brands/acme.toml")]).await;
    for path in ["/", "/sign-in", "/sign-up", "/forgot-password"] {
        let html = page(&app, path).await;
        assert!(
            html.contains(r#"data-testid="brand-name" class="whitespace-nowrap text-lg font-bold tracking-tight">Acme Wealth</span>"#),
            "{path}: header"
        );
        assert!(html.contains(" · Acme Wealth</title>"), "{path}: title");
        assert!(html.contains(r#"src="/brands/acme.svg""#), "{path}: logo");
        assert!(html.contains("help@acme-wealth.example"), "{path}: support");
        // The colours: the brand's shades replace the stylesheet's brand-* variables.
        assert!(
            html.contains("<style id=\"brand\">:root{--color-brand-50:#"),
            "{path}: colours"
        );
        assert!(html.contains("--color-brand-600:#4338ca;"), "{path}");
        assert!(
            html.contains(r##"name="theme-color" content="#4338ca""##),
            "{path}"
        );
        assert!(
            !html.contains("Bluum Invest"),
            "{path}: the default brand leaks"
        );
    }
}

#[sqlx::test]
async fn the_default_brand_needs_no_colour_overrides(pool: PgPool) {
    let app = spawn_app(pool).await;
    let html = page(&app, "/").await;
    assert!(html.contains(
        r#"data-testid="brand-name" class="whitespace-nowrap text-lg font-bold tracking-tight">Bluum Invest</span>"#
    ));
    assert!(html.contains(" · Bluum Invest</title>"));
    assert!(!html.contains("<style id=\"brand\">"));
}

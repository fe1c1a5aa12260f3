//! The product's brand: its name, logo, colours and support contact, in one place.
//!
//! A partner rebrands the app by editing `brand.toml` at the project root (or pointing
//! `BRAND_FILE` at another file) and, where a deployment needs it, overriding single values
//! with `BRAND_NAME`, `BRAND_LOGO`, `BRAND_SUPPORT_EMAIL` and `BRAND_ACCENT`. No component
//! names the product: the server reads the brand once at start-up ([`Brand::load`], called by
//! `server::Config`), pages read it with [`use_brand`], and the shell turns its colours into
//! the CSS variables every `brand-*` Tailwind class uses ([`Brand::css_variables`]).
//!
//! Colours: `accent` is the brand's main colour (the `brand-600` shade); the other shades
//! (50–900) are mixed from it with white and black, and any shade can be set exactly under
//! `[colors]`. Buttons and links use `brand-700` on white, so loading refuses an accent whose
//! `brand-700` would give white text less than WCAG AA's 4.5:1 contrast.

#[cfg(feature = "ssr")]
mod load;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use load::BrandError;

/// The Tailwind shades the stylesheet defines for `brand-*`.
pub const SHADES: [u16; 10] = [50, 100, 200, 300, 400, 500, 600, 700, 800, 900];

/// What the app calls itself and how it looks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    /// The product name, shown in the header, page titles, emails and agreements.
    pub name: String,
    /// One line under the name on the landing page and in the footer.
    pub tagline: String,
    /// The logo's address (an image in `public/`, e.g. `/logo.svg`, or an absolute URL).
    pub logo: String,
    /// Where users write for help; shown in the footer and on error pages.
    pub support_email: String,
    /// Every `brand-*` shade as `#rrggbb`, from 50 (lightest) to 900 (darkest).
    pub palette: BTreeMap<u16, String>,
}

/// The stylesheet's own `brand-*` colours (`style/tailwind.css`), shade by shade.
const DEFAULT_PALETTE: [&str; 10] = [
    "#ecfdf7", "#d1faea", "#a7f3d6", "#6ee7bd", "#34d39f", "#10b985", "#05966c", "#04785a",
    "#065f49", "#064e3d",
];

impl Default for Brand {
    /// Bluum Invest, as the stylesheet ships it.
    fn default() -> Self {
        let palette = SHADES
            .iter()
            .zip(DEFAULT_PALETTE)
            .map(|(shade, hex)| (*shade, hex.to_owned()))
            .collect();
        Self {
            name: "Bluum Invest".to_owned(),
            tagline: "An open-source reference app built on the Bluum API.".to_owned(),
            logo: "/favicon.svg".to_owned(),
            support_email: "support@bluum-invest.example".to_owned(),
            palette,
        }
    }
}

impl Brand {
    /// A shade of the palette (`#rrggbb`), e.g. `shade(600)` for the theme colour.
    pub fn shade(&self, shade: u16) -> &str {
        self.palette
            .get(&shade)
            .map(String::as_str)
            .unwrap_or("#05966c")
    }

    /// The `:root` rule that points every `brand-*` class at this palette. Empty for the
    /// default brand (the stylesheet already has its colours).
    pub fn css_variables(&self) -> String {
        let stylesheet_colours = SHADES.iter().copied().zip(DEFAULT_PALETTE);
        if self
            .palette
            .iter()
            .map(|(shade, hex)| (*shade, hex.as_str()))
            .eq(stylesheet_colours)
        {
            return String::new();
        }
        let vars: String = self
            .palette
            .iter()
            .map(|(shade, hex)| format!("--color-brand-{shade}:{hex};"))
            .collect();
        format!(":root{{{vars}}}")
    }
}

/// The brand of this app, for any component rendered on the server (the shell provides it;
/// the browser build, which renders only islands, falls back to the default).
pub fn use_brand() -> Brand {
    leptos::prelude::use_context::<Brand>().unwrap_or_default()
}

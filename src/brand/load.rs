//! Loading the brand from `brand.toml` and the `BRAND_*` variables (server only).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Brand, SHADES};

/// The `brand.toml` file's shape. Every field is optional; what is missing keeps the default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandFile {
    name: Option<String>,
    tagline: Option<String>,
    logo: Option<String>,
    support_email: Option<String>,
    accent: Option<String>,
    #[serde(default)]
    colors: BTreeMap<String, String>,
}

/// Why the brand could not be loaded: the setting (file or variable) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting} {problem}")]
pub struct BrandError {
    pub setting: String,
    pub problem: String,
}

fn error(setting: impl Into<String>, problem: impl Into<String>) -> BrandError {
    BrandError {
        setting: setting.into(),
        problem: problem.into(),
    }
}

impl Brand {
    /// Builds the brand from the text of a `brand.toml` (if any) and the `BRAND_*` variables
    /// (`lookup` returns a variable's value; empty counts as unset).
    pub fn load(
        file: Option<(&str, &str)>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, BrandError> {
        let parsed = match file {
            Some((path, text)) => toml_file(path, text)?,
            None => BrandFile::default(),
        };
        let env = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut brand = Brand::default();
        let file_name = file.map(|(path, _)| path).unwrap_or("brand.toml");

        if let Some(name) = env("BRAND_NAME").or(parsed.name) {
            brand.name = plain_text("name (BRAND_NAME)", &name, 40)?;
        }
        if let Some(tagline) = parsed.tagline {
            brand.tagline = plain_text(&format!("{file_name}: tagline"), &tagline, 120)?;
        }
        if let Some(logo) = env("BRAND_LOGO").or(parsed.logo) {
            let ok = (logo.starts_with('/') && !logo.starts_with("//") && !logo.contains(".."))
                || logo.starts_with("https://");
            if !ok
                || logo
                    .chars()
                    .any(|c| c.is_whitespace() || c == '"' || c == '<')
            {
                return Err(error(
                    "logo (BRAND_LOGO)",
                    format!("is {logo:?}: use a path in public/ such as /logo.svg, or an https:// address"),
                ));
            }
            brand.logo = logo;
        }
        if let Some(email) = env("BRAND_SUPPORT_EMAIL").or(parsed.support_email) {
            let valid = email.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && email
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "@.+-_".contains(c))
            });
            if !valid {
                return Err(error(
                    "support_email (BRAND_SUPPORT_EMAIL)",
                    format!("is {email:?}, not an email address"),
                ));
            }
            brand.support_email = email;
        }
        if let Some(accent) = env("BRAND_ACCENT").or(parsed.accent) {
            let rgb = parse_hex(&accent).ok_or_else(|| {
                error(
                    "accent (BRAND_ACCENT)",
                    format!("is {accent:?}, not a colour like #1d4ed8"),
                )
            })?;
            brand.palette = palette_from(rgb);
        }
        for (shade, hex) in parsed.colors {
            let key = format!("{file_name}: colors.{shade}");
            let shade: u16 = shade
                .parse()
                .ok()
                .filter(|s| SHADES.contains(s))
                .ok_or_else(|| error(&key, "is not a shade (50, 100, 200 … 900)"))?;
            let rgb = parse_hex(&hex)
                .ok_or_else(|| error(&key, format!("is {hex:?}, not a colour like #1d4ed8")))?;
            brand.palette.insert(shade, to_hex(rgb));
        }
        let button = parse_hex(brand.shade(700)).unwrap_or_default();
        let ratio = contrast(button, [255, 255, 255]);
        if ratio < 4.5 {
            return Err(error(
                "accent (BRAND_ACCENT)",
                format!(
                    "is too light: white text on its button shade (brand-700, {}) has a contrast of {ratio:.2}:1, below the 4.5:1 accessible text needs; choose a darker colour or set colors.700",
                    brand.shade(700)
                ),
            ));
        }
        Ok(brand)
    }
}

fn toml_file(path: &str, text: &str) -> Result<BrandFile, BrandError> {
    toml::from_str(text).map_err(|err| {
        error(
            path,
            format!(
                "could not be read: {}",
                err.message().trim_end_matches('\n')
            ),
        )
    })
}

/// Short, single-line text without markup (it is shown in titles and emails).
fn plain_text(setting: &str, value: &str, max: usize) -> Result<String, BrandError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(error(setting, format!("must be 1 to {max} characters")));
    }
    if value.chars().any(|c| c.is_control() || "<>{}".contains(c)) {
        return Err(error(
            setting,
            "must be plain text (no markup or line breaks)",
        ));
    }
    Ok(value.to_owned())
}

fn parse_hex(value: &str) -> Option<[u8; 3]> {
    let hex = value.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

fn to_hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The ten shades from one accent: lighter shades mix it with white, darker ones with black
/// (`600` is the accent itself).
fn palette_from(accent: [u8; 3]) -> BTreeMap<u16, String> {
    // (shade, share of white or black in per cent; negative = black)
    const MIX: [(u16, i32); 10] = [
        (50, 92),
        (100, 84),
        (200, 68),
        (300, 48),
        (400, 28),
        (500, 12),
        (600, 0),
        (700, -20),
        (800, -38),
        (900, -52),
    ];
    MIX.iter()
        .map(|(shade, mix)| {
            let target = if *mix >= 0 { 255 } else { 0 };
            let share = mix.abs();
            let channel = |c: u8| {
                let mixed = (i32::from(c) * (100 - share) + target * share + 50) / 100;
                u8::try_from(mixed.clamp(0, 255)).unwrap_or(u8::MAX)
            };
            (*shade, to_hex(accent.map(channel)))
        })
        .collect()
}

/// WCAG 2 contrast ratio between two sRGB colours.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    fn luminance(rgb: [u8; 3]) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
    }
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn without_a_file_or_variables_it_is_the_default() {
        assert_eq!(Brand::load(None, none).unwrap(), Brand::default());
        assert_eq!(Brand::default().css_variables(), "");
    }

    #[test]
    fn the_file_sets_and_the_environment_overrides() {
        let text = r##"
            name = "Acme Wealth"
            tagline = "Investing, the Acme way."
            support_email = "help@acme.example"
            accent = "#1d4ed8"
            [colors]
            900 = "#0B1F4B"
        "##;
        let env = |name: &str| (name == "BRAND_NAME").then(|| "Acme Invest".to_owned());
        let brand = Brand::load(Some(("acme.toml", text)), env).unwrap();
        assert_eq!(brand.name, "Acme Invest");
        assert_eq!(brand.tagline, "Investing, the Acme way.");
        assert_eq!(brand.support_email, "help@acme.example");
        assert_eq!(brand.shade(600), "#1d4ed8");
        assert_eq!(brand.shade(900), "#0b1f4b");
        assert_eq!(brand.palette.len(), 10);
        let css = brand.css_variables();
        assert!(css.starts_with(":root{--color-brand-50:#"), "{css}");
        assert!(css.contains("--color-brand-600:#1d4ed8;"), "{css}");
    }

    #[test]
    fn the_default_palette_passes_its_own_contrast_rule() {
        let button = parse_hex(Brand::default().shade(700)).unwrap();
        assert!(contrast(button, [255, 255, 255]) >= 4.5);
        // The mixed palette is ordered from light to dark.
        let mixed = palette_from([0x1d, 0x4e, 0xd8]);
        let sums: Vec<u32> = mixed
            .values()
            .map(|hex| parse_hex(hex).unwrap().iter().map(|c| u32::from(*c)).sum())
            .collect();
        assert!(sums.windows(2).all(|w| w[0] > w[1]), "{mixed:?}");
    }

    #[test]
    fn bad_values_are_refused_with_the_setting_named() {
        let load = |text: &str| Brand::load(Some(("brand.toml", text)), none).unwrap_err();
        assert!(load("accent = \"blue\"").problem.contains("not a colour"));
        assert!(load("accent = \"#fde047\"").problem.contains("too light"));
        assert_eq!(
            load("[colors]\n750 = \"#000000\"").setting,
            "brand.toml: colors.750"
        );
        assert!(load("name = \"<script>\"").problem.contains("plain text"));
        assert!(load("logo = \"javascript:alert(1)\"")
            .problem
            .contains("public/"));
        assert!(load("support_email = \"nobody\"")
            .problem
            .contains("not an email"));
        assert!(load("colour = \"#000000\"")
            .problem
            .contains("could not be read"));
        assert!(load("name = ").setting == "brand.toml");
    }
}

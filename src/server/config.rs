//! Configuration: read once at start-up from the environment (and an optional `.env`).
//!
//! Every setting the app knows is in [`Config`]. A missing or malformed value is a
//! [`ConfigError`] that names the variable and the fix, printed as one line before exit.
//! Production mode ([`Environment::Production`]) refuses settings that are only fine on a
//! developer's machine.

use std::net::SocketAddr;

use secrecy::{ExposeSecret, SecretString};

use crate::bluum_sim::MarketHours;
use crate::brand::Brand;
use crate::server::auth::sealed::DataKey;

/// Where the app runs. `APP_ENV=production` turns on the production checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// How the app reaches Bluum.
#[derive(Debug, Clone)]
pub enum BluumMode {
    /// No `BLUUM_API_KEY`: the built-in sandbox simulator, started in-process on loopback.
    Simulator {
        /// `BLUUM_SIM_MARKET_HOURS`: `always` (the demo default) or `nyse`.
        market_hours: MarketHours,
    },
    /// Real Bluum (sandbox or production), with the key pair from the environment.
    Remote {
        base_url: String,
        api_key: String,
        api_secret: SecretString,
        /// `BLUUM_RATE_LIMIT`: requests per second for this key pair (Bluum allows 10 in the
        /// sandbox and 25 in production; the default follows the base URL).
        requests_per_second: u32,
        /// `BLUUM_TIMEOUT_SECS`: how long one attempt may take before it counts as failed
        /// (default 15).
        timeout: std::time::Duration,
    },
}

/// All of the app's settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub database_url: SecretString,
    pub site_addr: SocketAddr,
    /// The address users reach the app at (scheme, host, port), for links and origin checks.
    pub public_url: String,
    pub bluum: BluumMode,
    /// Secret for verifying Bluum webhook signatures. Optional in development.
    pub webhook_secret: Option<SecretString>,
    /// Key for signing session cookies (at least 64 bytes). Required in production.
    pub session_secret: Option<SecretString>,
    /// SMTP server for outgoing email (`smtp://` or `smtps://`, credentials in the URL).
    /// Unset in development: email goes to the outbox at `/dev/outbox`. Required in production.
    pub smtp_url: Option<SecretString>,
    /// The sender of outgoing email, e.g. `Bluum Invest <no-reply@invest.example.com>`.
    pub email_from: String,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// Seals secrets stored in the database (two-factor keys). Required in production; a fixed,
    /// public key in development and demos.
    pub data_key: DataKey,
    /// The product's name, logo, colours and support contact (`brand.toml`, `BRAND_*`).
    pub brand: Brand,
    /// `DEMO_MODE`: seed a demo investor with a year of history and show its sign-in on the
    /// sign-in page (`server::demo`). Only with the built-in simulator.
    pub demo: bool,
}

/// A setting that is missing, malformed or unsafe. Its `Display` is the one line users see.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {var} {problem}. Fix: {fix}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
    pub fix: String,
}

impl ConfigError {
    fn new(var: &'static str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            var,
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// Default when `DATABASE_URL` is not set (development only): the local server the run
/// script provides.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/bluum_invest";
/// Bluum's sandbox, used when keys are given without `BLUUM_BASE_URL`.
pub const BLUUM_SANDBOX_URL: &str = "https://sandbox.api.bluumfinance.com/v1";
/// Bluum's production API.
pub const BLUUM_PRODUCTION_URL: &str = "https://api.bluumfinance.com/v1";
const DEFAULT_SITE_ADDR: &str = "127.0.0.1:3000";
/// How long one call to Bluum may take by default.
const DEFAULT_BLUUM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

impl Config {
    /// Reads `.env` (if present) and then the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is reported.
        if let Err(err) = dotenvy::dotenv() {
            if !err.not_found() {
                return Err(ConfigError::new(
                    ".env",
                    format!("could not be read ({err})"),
                    "correct the line it names, or remove the file",
                ));
            }
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the config from any lookup function, so tests need not touch the process
    /// environment. Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let environment = match get("APP_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::new(
                    "APP_ENV",
                    format!("is {other:?}"),
                    "set it to \"development\" or \"production\"",
                ))
            }
        };
        let production = environment == Environment::Production;

        let database_url = match get("DATABASE_URL") {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => url,
            Some(_) => {
                return Err(ConfigError::new(
                    "DATABASE_URL",
                    "is not a Postgres URL",
                    "use the form postgres://USER[:PASSWORD]@HOST:PORT/DATABASE",
                ))
            }
            None if production => {
                return Err(ConfigError::new(
                    "DATABASE_URL",
                    "is missing",
                    "set it to your Postgres URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)",
                ))
            }
            None => DEFAULT_DATABASE_URL.to_owned(),
        };

        let site_addr_raw = get("LEPTOS_SITE_ADDR").unwrap_or_else(|| DEFAULT_SITE_ADDR.to_owned());
        let site_addr: SocketAddr = site_addr_raw.parse().map_err(|_| {
            ConfigError::new(
                "LEPTOS_SITE_ADDR",
                format!("is {site_addr_raw:?}, not an IP address and port"),
                "use the form 127.0.0.1:3000 (or 0.0.0.0:3000 in a container)",
            )
        })?;

        let public_url = match get("PUBLIC_URL") {
            Some(url) => {
                let url = url.trim_end_matches('/').to_owned();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(ConfigError::new(
                        "PUBLIC_URL",
                        format!("is {url:?}, not an http(s) URL"),
                        "use the address users type, e.g. https://invest.example.com",
                    ));
                }
                url
            }
            None if production => {
                return Err(ConfigError::new(
                    "PUBLIC_URL",
                    "is missing",
                    "set it to the https:// address users reach the app at",
                ))
            }
            None => format!("http://{site_addr}"),
        };
        if production && !public_url.starts_with("https://") {
            return Err(ConfigError::new(
                "PUBLIC_URL",
                "is plain HTTP in production, so session cookies would travel unencrypted",
                "serve the app over HTTPS and set PUBLIC_URL to its https:// address",
            ));
        }

        let bluum = match (get("BLUUM_API_KEY"), get("BLUUM_API_SECRET")) {
            (None, None) => BluumMode::Simulator {
                market_hours: match get("BLUUM_SIM_MARKET_HOURS").as_deref() {
                    None | Some("always") => MarketHours::AlwaysOpen,
                    Some("nyse") => MarketHours::Nyse,
                    Some(other) => {
                        return Err(ConfigError::new(
                            "BLUUM_SIM_MARKET_HOURS",
                            format!("is {other:?}"),
                            "set it to \"always\" (open around the clock) or \"nyse\" (the NYSE calendar)",
                        ))
                    }
                },
            },
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "BLUUM_API_SECRET",
                    "is missing while BLUUM_API_KEY is set",
                    "set BLUUM_API_SECRET to the secret of that key pair, or unset BLUUM_API_KEY to use the built-in simulator",
                ))
            }
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    "BLUUM_API_KEY",
                    "is missing while BLUUM_API_SECRET is set",
                    "set BLUUM_API_KEY too, or unset BLUUM_API_SECRET to use the built-in simulator",
                ))
            }
            (Some(api_key), Some(api_secret)) => {
                let base_url = get("BLUUM_BASE_URL")
                    .unwrap_or_else(|| BLUUM_SANDBOX_URL.to_owned())
                    .trim_end_matches('/')
                    .to_owned();
                if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
                    return Err(ConfigError::new(
                        "BLUUM_BASE_URL",
                        format!("is {base_url:?}, not an http(s) URL"),
                        format!("use {BLUUM_SANDBOX_URL} or https://api.bluumfinance.com/v1"),
                    ));
                }
                if production && !base_url.starts_with("https://") {
                    return Err(ConfigError::new(
                        "BLUUM_BASE_URL",
                        "is plain HTTP in production, so API keys would travel unencrypted",
                        "use https://api.bluumfinance.com/v1",
                    ));
                }
                let default_rate = if base_url == BLUUM_PRODUCTION_URL { 25 } else { 10 };
                let requests_per_second = match get("BLUUM_RATE_LIMIT") {
                    None => default_rate,
                    Some(raw) => raw.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        ConfigError::new(
                            "BLUUM_RATE_LIMIT",
                            format!("is {raw:?}, not a positive whole number"),
                            "set it to your key pair's requests per second (10 in Bluum's sandbox, 25 in production)",
                        )
                    })?,
                };
                let timeout = match get("BLUUM_TIMEOUT_SECS") {
                    None => DEFAULT_BLUUM_TIMEOUT,
                    Some(raw) => raw
                        .parse::<f64>()
                        .ok()
                        .filter(|s| (0.05..=300.0).contains(s))
                        .map(std::time::Duration::from_secs_f64)
                        .ok_or_else(|| {
                            ConfigError::new(
                                "BLUUM_TIMEOUT_SECS",
                                format!("is {raw:?}, not a number of seconds"),
                                "set it to how long one call to Bluum may take, e.g. 15",
                            )
                        })?,
                };
                BluumMode::Remote {
                    base_url,
                    api_key,
                    api_secret: SecretString::from(api_secret),
                    requests_per_second,
                    timeout,
                }
            }
        };

        let webhook_secret = get("BLUUM_WEBHOOK_SECRET").map(SecretString::from);

        let session_secret = get("SESSION_SECRET").map(SecretString::from);
        match &session_secret {
            Some(secret) if secret.expose_secret().len() < 64 => {
                return Err(ConfigError::new(
                    "SESSION_SECRET",
                    "is shorter than 64 characters",
                    "generate one with: openssl rand -base64 64 | tr -d '\\n'",
                ))
            }
            None if production => {
                return Err(ConfigError::new(
                    "SESSION_SECRET",
                    "is missing in production",
                    "generate one with: openssl rand -base64 64 | tr -d '\\n'",
                ))
            }
            _ => {}
        }

        let data_key = match get("DATA_KEY") {
            Some(value) => DataKey::from_hex(&value).ok_or_else(|| {
                ConfigError::new(
                    "DATA_KEY",
                    "is not 64 hex digits",
                    "generate one with: openssl rand -hex 32",
                )
            })?,
            None if production => {
                return Err(ConfigError::new(
                    "DATA_KEY",
                    "is missing in production",
                    "generate one with: openssl rand -hex 32 (and keep it: two-factor keys stored under it cannot be read without it)",
                ))
            }
            None => DataKey::development(),
        };

        let smtp_url = match get("SMTP_URL") {
            Some(url) if url.starts_with("smtp://") || url.starts_with("smtps://") => {
                Some(SecretString::from(url))
            }
            Some(_) => return Err(ConfigError::new(
                "SMTP_URL",
                "is not an smtp:// or smtps:// URL",
                "use the form smtps://USER:PASSWORD@HOST:465 (or smtp://HOST:25 for a local relay)",
            )),
            None if production => return Err(ConfigError::new(
                "SMTP_URL",
                "is missing in production, so password reset emails could not be sent",
                "set SMTP_URL to your mail server, e.g. smtps://USER:PASSWORD@smtp.example.com:465",
            )),
            None => None,
        };
        if let Some(url) = &smtp_url {
            if let Err(err) =
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url.expose_secret())
            {
                return Err(ConfigError::new(
                    "SMTP_URL",
                    format!("cannot be used ({err})"),
                    "use the form smtps://USER:PASSWORD@HOST:465",
                ));
            }
        }
        let brand = load_brand(&get)?;
        let email_from = get("EMAIL_FROM").unwrap_or_else(|| {
            format!(
                "{} <no-reply@localhost>",
                brand.name.replace(['<', '>', '"', ','], "")
            )
        });
        if email_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::new(
                "EMAIL_FROM",
                format!("is {email_from:?}, not an email address"),
                "use the form Bluum Invest <no-reply@invest.example.com>",
            ));
        }
        if production && get("EMAIL_FROM").is_none() {
            return Err(ConfigError::new(
                "EMAIL_FROM",
                "is missing in production",
                "set it to the sender address, e.g. Bluum Invest <no-reply@invest.example.com>",
            ));
        }
        let trust_proxy = flag(
            &get,
            "TRUST_PROXY",
            "set it to true (behind a proxy that sets X-Forwarded-For) or false",
        )?;
        let demo = flag(
            &get,
            "DEMO_MODE",
            "set it to true (a seeded demo investor, simulator only) or false",
        )?;
        if demo && matches!(bluum, BluumMode::Remote { .. }) {
            return Err(ConfigError::new(
                "DEMO_MODE",
                "is on while BLUUM_API_KEY is set: the demo seeds its investor inside the built-in simulator, and its password is public",
                "unset BLUUM_API_KEY and BLUUM_API_SECRET to run the demo, or unset DEMO_MODE",
            ));
        }

        Ok(Self {
            environment,
            database_url: SecretString::from(database_url),
            site_addr,
            public_url,
            bluum,
            webhook_secret,
            session_secret,
            smtp_url,
            data_key,
            email_from,
            trust_proxy,
            brand,
            demo,
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Cookies get `Secure` whenever users reach the app over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// A yes/no setting: `true`/`1` or `false`/`0`, unset meaning false.
fn flag(
    get: &dyn Fn(&str) -> Option<String>,
    var: &'static str,
    fix: &str,
) -> Result<bool, ConfigError> {
    match get(var).as_deref() {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(ConfigError::new(var, format!("is {other:?}"), fix)),
    }
}

/// The brand from `BRAND_FILE` (or `brand.toml` in the working directory, if there is one)
/// and the `BRAND_*` overrides.
fn load_brand(get: &dyn Fn(&str) -> Option<String>) -> Result<Brand, ConfigError> {
    let (path, required) = match get("BRAND_FILE") {
        Some(path) => (path, true),
        None => ("brand.toml".to_owned(), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(err) if required || err.kind() != std::io::ErrorKind::NotFound => {
            return Err(ConfigError::new(
                "BRAND_FILE",
                format!("{path:?} could not be read ({err})"),
                "point BRAND_FILE at a brand file such as brands/acme.toml, or unset it",
            ))
        }
        Err(_) => None,
    };
    Brand::load(text.as_deref().map(|text| (path.as_str(), text)), get).map_err(|err| {
        ConfigError::new(
            "BRAND_FILE",
            format!("(brand) {err}"),
            "correct that setting (README, \"Rebrand it\")",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn empty_environment_is_a_working_demo() {
        let c = config(&[]).unwrap();
        assert_eq!(c.environment, Environment::Development);
        assert_eq!(c.database_url.expose_secret(), DEFAULT_DATABASE_URL);
        assert!(matches!(
            c.bluum,
            BluumMode::Simulator {
                market_hours: MarketHours::AlwaysOpen
            }
        ));
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert!(!c.secure_cookies());
    }

    #[test]
    fn keys_switch_to_remote_sandbox() {
        let c = config(&[("BLUUM_API_KEY", "k"), ("BLUUM_API_SECRET", "s")]).unwrap();
        match c.bluum {
            BluumMode::Remote {
                base_url, api_key, ..
            } => {
                assert_eq!(base_url, BLUUM_SANDBOX_URL);
                assert_eq!(api_key, "k");
            }
            BluumMode::Simulator { .. } => panic!("expected remote"),
        }
    }

    #[test]
    fn production_keys_get_production_rate_limit_unless_told() {
        let rate = |vars: &[(&str, &str)]| match config(vars).unwrap().bluum {
            BluumMode::Remote {
                requests_per_second,
                ..
            } => requests_per_second,
            BluumMode::Simulator { .. } => panic!("expected remote"),
        };
        let keys = [("BLUUM_API_KEY", "k"), ("BLUUM_API_SECRET", "s")];
        let mut prod = keys.to_vec();
        prod.push(("BLUUM_BASE_URL", BLUUM_PRODUCTION_URL));
        assert_eq!(rate(&prod), 25);
        prod.push(("BLUUM_RATE_LIMIT", "5"));
        assert_eq!(rate(&prod), 5);
        let mut bad = keys.to_vec();
        bad.push(("BLUUM_RATE_LIMIT", "0"));
        assert_eq!(config(&bad).unwrap_err().var, "BLUUM_RATE_LIMIT");
    }

    #[test]
    fn simulator_market_hours_are_configurable() {
        let c = config(&[("BLUUM_SIM_MARKET_HOURS", "nyse")]).unwrap();
        assert!(matches!(
            c.bluum,
            BluumMode::Simulator {
                market_hours: MarketHours::Nyse
            }
        ));
        let err = config(&[("BLUUM_SIM_MARKET_HOURS", "weekends")]).unwrap_err();
        assert_eq!(err.var, "BLUUM_SIM_MARKET_HOURS");
    }

    #[test]
    fn half_a_key_pair_names_the_missing_variable() {
        let err = config(&[("BLUUM_API_KEY", "k")]).unwrap_err();
        assert_eq!(err.var, "BLUUM_API_SECRET");
        let err = config(&[("BLUUM_API_SECRET", "s")]).unwrap_err();
        assert_eq!(err.var, "BLUUM_API_KEY");
    }

    #[test]
    fn malformed_values_get_one_clear_line() {
        let err = config(&[("LEPTOS_SITE_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.var, "LEPTOS_SITE_ADDR");
        let line = err.to_string();
        assert!(
            line.contains("LEPTOS_SITE_ADDR") && line.contains("Fix:"),
            "{line}"
        );
        assert!(!line.contains('\n'));

        assert_eq!(
            config(&[("DATABASE_URL", "mysql://x")]).unwrap_err().var,
            "DATABASE_URL"
        );
        assert_eq!(
            config(&[("APP_ENV", "staging")]).unwrap_err().var,
            "APP_ENV"
        );
        assert_eq!(
            config(&[("SESSION_SECRET", "short")]).unwrap_err().var,
            "SESSION_SECRET"
        );
    }

    #[test]
    fn demo_mode_needs_the_simulator() {
        assert!(!config(&[]).unwrap().demo);
        assert!(config(&[("DEMO_MODE", "true")]).unwrap().demo);
        let err = config(&[
            ("DEMO_MODE", "true"),
            ("BLUUM_API_KEY", "k"),
            ("BLUUM_API_SECRET", "s"),
        ])
        .unwrap_err();
        assert_eq!(err.var, "DEMO_MODE");
        assert_eq!(
            config(&[("DEMO_MODE", "yes")]).unwrap_err().var,
            "DEMO_MODE"
        );
    }

    #[test]
    fn the_brand_comes_from_its_file_and_the_brand_variables() {
        // Tests run in the project root, so the default is the shipped brand.toml.
        let c = config(&[]).unwrap();
        assert_eq!(c.brand, Brand::default());
        assert_eq!(c.email_from, "Bluum Invest <no-reply@localhost>");

        let acme = config(&[("BRAND_FILE", "brands/acme.toml")]).unwrap();
        assert_eq!(acme.brand.name, "Acme Wealth");
        assert_eq!(acme.brand.shade(600), "#4338ca");
        assert_eq!(acme.email_from, "Acme Wealth <no-reply@localhost>");
        let renamed =
            config(&[("BRAND_FILE", "brands/acme.toml"), ("BRAND_NAME", "Acme")]).unwrap();
        assert_eq!(renamed.brand.name, "Acme");

        let err = config(&[("BRAND_FILE", "brands/missing.toml")]).unwrap_err();
        assert_eq!(err.var, "BRAND_FILE");
        let err = config(&[("BRAND_ACCENT", "#ffff00")]).unwrap_err();
        assert!(err.to_string().contains("too light"), "{err}");
    }

    #[test]
    fn production_refuses_insecure_settings() {
        let base = [
            ("APP_ENV", "production"),
            ("DATABASE_URL", "postgres://u@db/app"),
            ("PUBLIC_URL", "https://invest.example.com"),
            ("SESSION_SECRET", SECRET),
            (
                "DATA_KEY",
                "8f3a0c6e2d9b47f1a5c3e7b9d1f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8",
            ),
            ("SMTP_URL", "smtps://user:pw@smtp.example.com:465"),
            ("EMAIL_FROM", "Bluum Invest <no-reply@invest.example.com>"),
        ];
        assert!(config(&base).unwrap().secure_cookies());

        let without = |var: &str| -> Vec<(&str, &str)> {
            base.iter().copied().filter(|(k, _)| *k != var).collect()
        };
        assert_eq!(
            config(&without("SESSION_SECRET")).unwrap_err().var,
            "SESSION_SECRET"
        );
        assert_eq!(
            config(&without("DATABASE_URL")).unwrap_err().var,
            "DATABASE_URL"
        );
        assert_eq!(
            config(&without("PUBLIC_URL")).unwrap_err().var,
            "PUBLIC_URL"
        );

        assert_eq!(config(&without("DATA_KEY")).unwrap_err().var, "DATA_KEY");
        let mut short_key = without("DATA_KEY");
        short_key.push(("DATA_KEY", "8f3a0c6e"));
        assert_eq!(config(&short_key).unwrap_err().var, "DATA_KEY");
        assert_eq!(config(&without("SMTP_URL")).unwrap_err().var, "SMTP_URL");
        assert_eq!(
            config(&without("EMAIL_FROM")).unwrap_err().var,
            "EMAIL_FROM"
        );

        let mut plain_http = without("PUBLIC_URL");
        plain_http.push(("PUBLIC_URL", "http://invest.example.com"));
        assert_eq!(config(&plain_http).unwrap_err().var, "PUBLIC_URL");

        let mut plain_bluum = base.to_vec();
        plain_bluum.extend([
            ("BLUUM_API_KEY", "k"),
            ("BLUUM_API_SECRET", "s"),
            ("BLUUM_BASE_URL", "http://api.bluumfinance.com/v1"),
        ]);
        assert_eq!(config(&plain_bluum).unwrap_err().var, "BLUUM_BASE_URL");
    }

    #[test]
    fn email_and_proxy_settings() {
        let c = config(&[]).unwrap();
        assert!(c.smtp_url.is_none(), "development uses the outbox");
        assert!(!c.trust_proxy);
        assert_eq!(
            config(&[("SMTP_URL", "mail.example.com")]).unwrap_err().var,
            "SMTP_URL"
        );
        assert_eq!(
            config(&[("TRUST_PROXY", "maybe")]).unwrap_err().var,
            "TRUST_PROXY"
        );
        let c = config(&[("SMTP_URL", "smtp://127.0.0.1:25"), ("TRUST_PROXY", "true")]).unwrap();
        assert!(c.smtp_url.is_some() && c.trust_proxy);
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let c = config(&[("BLUUM_API_KEY", "k"), ("BLUUM_API_SECRET", "very-secret")]).unwrap();
        assert!(!format!("{c:?}").contains("very-secret"));
    }

    /// `.env.example` with every setting uncommented, as `(name, value)` pairs.
    fn env_example() -> Vec<(String, String)> {
        let uncommented: String = include_str!("../../.env.example")
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with(|c: char| c.is_ascii_uppercase()) && rest.contains('=') =>
                {
                    rest
                }
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        dotenvy::from_read_iter(uncommented.as_bytes())
            .collect::<Result<_, _>>()
            .expect(".env.example parses once uncommented")
    }

    #[test]
    fn env_example_lists_every_setting_and_works_uncommented() {
        let example = env_example();
        let listed: Vec<&str> = example.iter().map(|(name, _)| name.as_str()).collect();
        // Record every name the config asks for, with and without a Bluum key pair (each mode
        // reads settings the other ignores).
        let asked = std::sync::Mutex::new(Vec::<String>::new());
        for keys in [false, true] {
            Config::from_lookup(|name| {
                asked.lock().unwrap().push(name.to_owned());
                keys.then(|| "k".to_owned())
                    .filter(|_| name.starts_with("BLUUM_API_"))
            })
            .unwrap();
        }
        let mut asked = asked.into_inner().unwrap();
        asked.push("RUST_LOG".into()); // read by `telemetry`
        for name in &asked {
            assert!(
                listed.contains(&name.as_str()),
                "{name} is missing from .env.example"
            );
        }
        // The example's values are valid as they stand.
        let map: HashMap<String, String> = example.into_iter().collect();
        let c = Config::from_lookup(|name| map.get(name).cloned()).unwrap();
        assert_eq!(c.email_from, "Bluum Invest <no-reply@localhost>");
        assert!(!c.trust_proxy);
    }
}

//! Two-factor sign-in with an authenticator app (RFC 6238 TOTP: SHA-1, 6 digits, 30 s), and
//! single-use recovery codes for when the phone is lost.
//!
//! A code is accepted for the current step and one step either side (clock drift), and never
//! twice: the last accepted step is kept in the user row. Recovery codes are stored as SHA-256
//! hashes; they have 60 bits of entropy, so a fast hash is enough.
//!
//! Enrolment shows the `otpauth://` URI as a QR code, rendered here as SVG markup so the page
//! needs no script or image request for it.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use super::sealed::DataKey;
use super::users::User;
use super::AuthError;

/// The issuer of codes made without a brand at hand (only the tests' URIs show it).
#[cfg(test)]
const ISSUER: &str = "Bluum Invest";
/// Recovery codes given when two-factor sign-in is turned on.
pub const RECOVERY_CODES: usize = 10;
const STEP_SECONDS: u64 = 30;

/// A fresh random secret (160 bits), base32-encoded.
pub fn new_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(bytes) => Secret::Raw(bytes).to_encoded().to_string(),
    }
}

fn totp(secret_b32: &str, account: &str) -> Result<TOTP, AuthError> {
    let bytes = Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|e| AuthError::Totp(format!("secret: {e:?}")))?;
    // The label may not contain ':'; emails do not, but be safe.
    let account = account.replace(':', "");
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECONDS, bytes, None, account)
        .map_err(|e| AuthError::Totp(e.to_string()))
}

/// The `otpauth://` URI an authenticator app imports (as a QR code or a link).
/// `issuer` is the name the authenticator app shows (the brand's name).
pub fn provisioning_uri(
    secret_b32: &str,
    account: &str,
    issuer: &str,
) -> Result<String, AuthError> {
    let mut totp = totp(secret_b32, account)?;
    // Like the account label, the issuer may not contain ':'.
    totp.issuer = Some(issuer.replace(':', ""));
    Ok(totp.get_url())
}

/// The `otpauth://` URI as a QR code: SVG markup to inline in the page (black on white, with
/// the quiet zone, so it scans whatever the page theme).
pub fn qr_svg(uri: &str) -> Result<String, AuthError> {
    // Level M survives a little glare or a scratched screen and keeps the code small.
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M)
        .map_err(|e| AuthError::Totp(format!("QR code: {e}")))?;
    let markup = code
        .render::<svg::Color<'_>>()
        .min_dimensions(192, 192)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The XML prolog belongs to standalone files, not to markup inside an HTML page.
    match markup.find("<svg") {
        Some(start) => Ok(markup[start..].to_owned()),
        None => Err(AuthError::Totp("QR code: no SVG produced".into())),
    }
}

/// The code for `secret_b32` at `unix_time` (tests and the enrolment check use it).
pub fn code_at(secret_b32: &str, unix_time: u64) -> Result<String, AuthError> {
    Ok(totp(secret_b32, "user")?.generate(unix_time))
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// The step `code` is valid for (now, or one step either side), if it is newer than
/// `after_step`.
pub fn matching_step(
    secret_b32: &str,
    code: &str,
    after_step: Option<i64>,
) -> Result<Option<i64>, AuthError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let totp = totp(secret_b32, "user")?;
    let now_step = unix_now() / STEP_SECONDS;
    for step in [now_step.saturating_sub(1), now_step, now_step + 1] {
        let step_i = i64::try_from(step).unwrap_or(i64::MAX);
        if after_step.is_some_and(|last| step_i <= last) {
            continue;
        }
        let expected = totp.generate(step * STEP_SECONDS);
        // Constant-time comparison of two 6-digit strings.
        let same = expected
            .bytes()
            .zip(code.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same {
            return Ok(Some(step_i));
        }
    }
    Ok(None)
}

fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

fn recovery_hash(code: &str) -> String {
    hex::encode(Sha256::digest(normalise_recovery(code).as_bytes()))
}

/// Generates a readable recovery code: three groups of four from an unambiguous alphabet.
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!(
        "{}-{}-{}",
        chars[0..4].iter().collect::<String>(),
        chars[4..8].iter().collect::<String>(),
        chars[8..12].iter().collect::<String>()
    )
}

/// Turns two-factor sign-in on with `secret_b32` and returns new recovery codes (shown once).
/// `accepted_step` is the step of the code that confirmed the enrolment.
/// The secret is stored sealed with `key` (see [`super::sealed`]).
pub async fn enable(
    tx: &mut PgConnection,
    key: &DataKey,
    user_id: Uuid,
    secret_b32: &str,
    accepted_step: i64,
) -> Result<Vec<String>, AuthError> {
    sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_last_step = $3, updated_at = now() WHERE id = $1",
    )
    .bind(user_id)
    .bind(key.seal(secret_b32, user_id.as_bytes())?)
    .bind(accepted_step)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    for code in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(recovery_hash(code))
            .execute(&mut *tx)
            .await?;
    }
    Ok(codes)
}

/// Turns two-factor sign-in off and drops the recovery codes.
pub async fn disable(tx: &mut PgConnection, user_id: Uuid) -> Result<(), AuthError> {
    sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = NULL, updated_at = now() WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Checks a second-factor code for `user`: a current authenticator code (each used once) or an
/// unused recovery code (then used up). False when two-factor is off.
pub async fn accept_code(
    db: &mut PgConnection,
    key: &DataKey,
    user: &User,
    code: &str,
) -> Result<bool, AuthError> {
    let Some(sealed) = &user.totp_secret else {
        return Ok(false);
    };
    let secret = key.open(sealed, user.id.as_bytes())?;
    if let Some(step) = matching_step(&secret, code, user.totp_last_step)? {
        // Conditional update: two requests racing with the same code cannot both win.
        let updated = sqlx::query(
            "UPDATE users SET totp_last_step = $2
             WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(user.id)
        .bind(step)
        .execute(&mut *db)
        .await?;
        return Ok(updated.rows_affected() == 1);
    }
    let normalised = normalise_recovery(code);
    if normalised.len() != 12 {
        return Ok(false);
    }
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at = now()
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user.id)
    .bind(recovery_hash(code))
    .execute(&mut *db)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// How many recovery codes are still unused.
pub async fn recovery_codes_left(db: &mut PgConnection, user_id: Uuid) -> Result<i64, AuthError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&mut *db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_once() {
        let secret = new_secret();
        let now = unix_now();
        let code = code_at(&secret, now).unwrap();
        let step = matching_step(&secret, &code, None)
            .unwrap()
            .expect("current code works");
        assert_eq!(
            matching_step(&secret, &code, Some(step)).unwrap(),
            None,
            "no replay"
        );
        assert_eq!(matching_step(&secret, "12345", None).unwrap(), None);
        let old = code_at(&secret, now - 300).unwrap();
        if old != code {
            assert_eq!(
                matching_step(&secret, &old, None).unwrap(),
                None,
                "expired code"
            );
        }
        assert!(provisioning_uri(&secret, "a@b.co", ISSUER)
            .unwrap()
            .starts_with("otpauth://totp/"));
    }

    #[test]
    fn qr_code_is_inline_svg_that_depends_on_the_uri() {
        let secret = new_secret();
        let uri = provisioning_uri(&secret, "a@b.co", ISSUER).unwrap();
        let svg = qr_svg(&uri).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
        assert_eq!(svg, qr_svg(&uri).unwrap(), "rendering is deterministic");
        let other = provisioning_uri(&new_secret(), "a@b.co", ISSUER).unwrap();
        assert_ne!(svg, qr_svg(&other).unwrap());
    }

    #[test]
    fn recovery_codes_are_readable_and_normalised() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 14);
        assert_eq!(
            recovery_hash(&code),
            recovery_hash(&code.to_uppercase().replace('-', " "))
        );
    }
}

//! Passwords: the rules a new password must meet, and argon2id hashing.
//!
//! Parameters follow OWASP's password storage cheat sheet for argon2id: m = 19 MiB
//! (19456 KiB), t = 2 iterations, p = 1. Hashing takes tens of milliseconds of CPU, so it runs on
//! the blocking pool, never on the async workers. Unknown emails are verified against a dummy
//! hash so a sign-in takes as long whether or not the account exists.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

use super::AuthError;

/// OWASP-recommended argon2id memory cost, in KiB.
pub const MEMORY_KIB: u32 = 19_456;
/// OWASP-recommended argon2id iterations.
pub const ITERATIONS: u32 = 2;
/// OWASP-recommended argon2id parallelism.
pub const PARALLELISM: u32 = 1;
/// Shortest password accepted (NIST SP 800-63B allows 8; brokerages ask for more).
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted, so hashing cost stays bounded.
pub const MAX_LENGTH: usize = 128;

/// Passwords that are long enough but among the most used (and so the first guessed).
const COMMON_PASSWORDS: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456123456",
    "qwertyuiopasdf",
    "qwertyuiop123",
    "qwerty123456",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "iloveyou1234",
    "letmein12345",
    "welcome12345",
    "administrator",
    "adminadmin123",
    "changeme1234",
    "football1234",
    "baseball1234",
    "sunshine1234",
    "princess1234",
    "trustno1trustno1",
    "abcdefghijkl",
    "abc123abc123",
    "aaaaaaaaaaaa",
    "111111111111",
    "000000000000",
    "monkey123456",
    "dragon123456",
    "superman1234",
    "starwars1234",
    "michael12345",
    "correcthorsebatterystaple",
    "bluuminvest123",
    "bluuminvest2026",
    "investing1234",
    "moneymoney123",
];

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .expect("OWASP argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a new password is refused; the message is shown next to the field.
pub fn check_new_password(password: &str, email: &str, name: &str) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err("Use at least 12 characters.");
    }
    if chars > MAX_LENGTH {
        return Err("Use at most 128 characters.");
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err("That password is too common. Choose one that is harder to guess.");
    }
    let local_part = email.split('@').next().unwrap_or_default();
    if (!local_part.is_empty() && lower == local_part.to_lowercase())
        || lower == email.to_lowercase()
        || (!name.is_empty() && lower == name.to_lowercase())
    {
        return Err("Don't use your email or name as your password.");
    }
    Ok(())
}

/// Hashes on the blocking pool; returns the PHC string (parameters and salt included).
pub async fn hash(password: SecretString) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        hasher()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AuthError::Hash(e.to_string()))
    })
    .await
    .map_err(|e| AuthError::Hash(e.to_string()))?
}

/// A hash of a random password, computed once, to verify against when the email is unknown.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher()
        .hash_password(uuid::Uuid::new_v4().to_string().as_bytes(), &salt)
        .map(|h| h.to_string())
        .expect("hashing a random password works")
});

/// Verifies on the blocking pool. `None` for `stored` (unknown account) verifies against the
/// dummy hash and returns false, taking the same time as a real check.
pub async fn verify(password: SecretString, stored: Option<String>) -> Result<bool, AuthError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&stored).map_err(|e| AuthError::Hash(e.to_string()))?;
        let ok = hasher()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        Ok(ok && known)
    })
    .await
    .map_err(|e| AuthError::Hash(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_new_passwords() {
        assert!(check_new_password("short", "a@b.co", "A").is_err());
        assert!(check_new_password("Password1234", "a@b.co", "A").is_err());
        assert!(check_new_password("jane.doe.2026", "jane.doe.2026@x.io", "Jane").is_err());
        assert!(check_new_password(&"x".repeat(129), "a@b.co", "A").is_err());
        assert!(check_new_password("plum-harbor-gravel-42", "a@b.co", "A").is_ok());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash(SecretString::from("plum-harbor-gravel-42"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify(
            SecretString::from("plum-harbor-gravel-42"),
            Some(hash.clone())
        )
        .await
        .unwrap());
        assert!(
            !verify(SecretString::from("plum-harbor-gravel-43"), Some(hash))
                .await
                .unwrap()
        );
        assert!(!verify(SecretString::from("anything"), None).await.unwrap());
    }
}

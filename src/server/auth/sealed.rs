//! Secrets we must be able to read back (two-factor keys) are stored sealed: encrypted and
//! authenticated with XChaCha20-Poly1305 under `DATA_KEY`, and bound to the row they belong to,
//! so a database dump alone does not give them away, and a sealed value copied to another user's
//! row does not open.
//!
//! Sealed text is `v1.<base64url(24-byte nonce ‖ ciphertext ‖ tag)>`; the version leaves room for
//! a new key or algorithm.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use super::AuthError;

const PREFIX: &str = "v1.";
const NONCE_BYTES: usize = 24;

/// The key that seals stored secrets. Its `Debug` output never shows the key.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// From `DATA_KEY`: 64 hex digits (32 random bytes).
    pub fn from_hex(value: &str) -> Option<Self> {
        let bytes = hex::decode(value.trim()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// The fixed key of development and demo set-ups without `DATA_KEY`. It is in this source
    /// file, so it protects nothing: production refuses to start without a key of its own.
    pub fn development() -> Self {
        Self(Sha256::digest(b"bluum-invest development data key: not a secret").into())
    }

    /// Seals `plaintext` for the record named by `context` (e.g. the user id).
    pub fn seal(&self, plaintext: &str, context: &[u8]) -> Result<String, AuthError> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context,
                },
            )
            .map_err(|_| AuthError::Sealed("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// Opens what [`DataKey::seal`] made for the same `context`. Fails on another key, another
    /// context, or any change to the text.
    pub fn open(&self, sealed: &str, context: &[u8]) -> Result<String, AuthError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b64| URL_SAFE_NO_PAD.decode(b64).ok())
            .filter(|bytes| bytes.len() > NONCE_BYTES)
            .ok_or(AuthError::Sealed("not a sealed value"))?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let plain = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| AuthError::Sealed("wrong key, wrong record or altered value"))?;
        String::from_utf8(plain).map_err(|_| AuthError::Sealed("not text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> DataKey {
        DataKey([byte; 32])
    }

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_context() {
        let k = key(7);
        let sealed = k.seal("JBSWY3DPEHPK3PXP", b"user-1").unwrap();
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(k.open(&sealed, b"user-1").unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(k.open(&sealed, b"user-2").is_err(), "bound to its record");
        assert!(key(8).open(&sealed, b"user-1").is_err(), "bound to its key");
        // Fresh nonce each time.
        assert_ne!(sealed, k.seal("JBSWY3DPEHPK3PXP", b"user-1").unwrap());
    }

    #[test]
    fn altered_or_foreign_text_does_not_open() {
        let k = key(1);
        let sealed = k.seal("secret", b"ctx").unwrap();
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert!(k.open(&altered, b"ctx").is_err());
        assert!(k.open("JBSWY3DPEHPK3PXP", b"ctx").is_err(), "plain text");
        assert!(k.open("v1.", b"ctx").is_err());
    }

    #[test]
    fn keys_parse_from_64_hex_digits() {
        assert!(DataKey::from_hex(&"ab".repeat(32)).is_some());
        assert!(DataKey::from_hex(&"ab".repeat(31)).is_none());
        assert!(DataKey::from_hex(&"zz".repeat(32)).is_none());
        assert_eq!(format!("{:?}", key(9)), "DataKey(..)");
    }
}

//! The webhook signature scheme, in one place: the simulator signs with [`sign`], the app's
//! receiver (`POST /webhooks/bluum`) checks with [`verify`].
//!
//! Bluum says every delivery is signed but has not published the header, algorithm or signed
//! string (fact sheet §7.1), so this scheme is the simulator's, modelled on Stripe's:
//!
//! ```text
//! X-Bluum-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//! ```
//!
//! The timestamp is signed with the body so a captured delivery cannot be replayed later than
//! the tolerance allows. Several `v1=` entries may appear (e.g. during secret rotation); one
//! match is enough. Comparison is constant-time (`Mac::verify_slice`).

use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// The header carrying the signature.
pub const HEADER: &str = "X-Bluum-Signature";

/// How old a delivery may be by default before [`verify`] refuses it.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

type HmacSha256 = Hmac<Sha256>;

/// Why a signature was refused. Deliberately says nothing about the expected value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature header is malformed (expected t=<unix seconds>,v1=<hex>)")]
    Malformed,
    #[error("signature timestamp is outside the accepted window")]
    TimestampOutOfTolerance,
    #[error("signature does not match the payload")]
    Mismatch,
}

fn mac(secret: &SecretString, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value for `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &SecretString, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(digest))
}

/// Checks `header_value` against `body`: well-formed, signed with `secret`, and with a
/// timestamp no further than `tolerance` from `now` (Unix seconds) in either direction.
pub fn verify(
    secret: &SecretString,
    header_value: &str,
    body: &[u8],
    now: i64,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header_value.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                )
            }
            "v1" => candidates.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            // Unknown schemes are ignored so a future v2 can be added alongside v1.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    if now.abs_diff(timestamp) > tolerance.unsigned_abs() {
        return Err(SignatureError::TimestampOutOfTolerance);
    }
    let expected = mac(secret, timestamp, body);
    if candidates
        .iter()
        .any(|candidate| expected.clone().verify_slice(candidate).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    const BODY: &[u8] = br#"{"id":"evt_1","event":"order.filled","data":{}}"#;
    const NOW: i64 = 1_750_000_000;

    #[test]
    fn a_signed_body_verifies() {
        let header = sign(&secret("whsec_a"), NOW, BODY);
        assert!(header.starts_with(&format!("t={NOW},v1=")));
        assert_eq!(header.len(), format!("t={NOW},v1=").len() + 64);
        assert_eq!(
            verify(
                &secret("whsec_a"),
                &header,
                BODY,
                NOW + 10,
                DEFAULT_TOLERANCE
            ),
            Ok(())
        );
    }

    #[test]
    fn matches_an_independent_hmac_of_t_dot_body() {
        // Known-answer check, so the format cannot drift silently.
        let mut mac = HmacSha256::new_from_slice(b"key").unwrap();
        mac.update(b"42.hello");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(
            sign(&secret("key"), 42, b"hello"),
            format!("t=42,v1={expected}")
        );
    }

    #[test]
    fn a_tampered_body_is_refused() {
        let header = sign(&secret("whsec_a"), NOW, BODY);
        let tampered = br#"{"id":"evt_1","event":"order.filled","data":{"x":1}}"#;
        assert_eq!(
            verify(
                &secret("whsec_a"),
                &header,
                tampered,
                NOW,
                DEFAULT_TOLERANCE
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn the_wrong_secret_is_refused() {
        let header = sign(&secret("whsec_a"), NOW, BODY);
        assert_eq!(
            verify(&secret("whsec_b"), &header, BODY, NOW, DEFAULT_TOLERANCE),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn an_old_or_future_timestamp_is_refused() {
        let header = sign(&secret("whsec_a"), NOW, BODY);
        assert_eq!(
            verify(
                &secret("whsec_a"),
                &header,
                BODY,
                NOW + 301,
                DEFAULT_TOLERANCE
            ),
            Err(SignatureError::TimestampOutOfTolerance)
        );
        assert_eq!(
            verify(
                &secret("whsec_a"),
                &header,
                BODY,
                NOW - 301,
                DEFAULT_TOLERANCE
            ),
            Err(SignatureError::TimestampOutOfTolerance)
        );
    }

    #[test]
    fn a_changed_timestamp_breaks_the_signature() {
        let header = sign(&secret("whsec_a"), NOW, BODY);
        let moved = header.replace(&format!("t={NOW}"), &format!("t={}", NOW + 1));
        assert_eq!(
            verify(&secret("whsec_a"), &moved, BODY, NOW, DEFAULT_TOLERANCE),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        for header in ["", "t=1", "v1=abcd", "t=x,v1=ab", "t=1,v1=zz", "garbage"] {
            assert_eq!(
                verify(&secret("s"), header, BODY, 1, DEFAULT_TOLERANCE),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
    }

    #[test]
    fn any_of_several_v1_entries_may_match() {
        let good = sign(&secret("new"), NOW, BODY);
        let v1 = good.split_once(",v1=").unwrap().1;
        let header = format!("t={NOW},v1={},v1={v1}", "00".repeat(32));
        assert_eq!(
            verify(&secret("new"), &header, BODY, NOW, DEFAULT_TOLERANCE),
            Ok(())
        );
    }
}

//! Prefixed ids as Bluum issues them (fact sheet §1.3): `inv_` + 26 lower-case Crockford
//! base32 characters, ULID-like. The body encodes a UUID v7, so ids sort by creation time
//! and the raw UUID (which some fields such as a document's `owner_id` carry) can be recovered.
//!
//! [`new_id`] stamps the clock's time; [`new_id_at`] a given instant, for records made with an
//! explicit `now` (the ledger, positions, the demo seed's past). Both sort by their instant
//! (to the millisecond), and ids one function makes for the same millisecond sort in the order
//! they were made.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;

use time::OffsetDateTime;
use uuid::Uuid;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const BODY_LEN: usize = 26;

/// A fresh id with `prefix` (without the underscore), e.g. `new_id("inv")`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", encode(Uuid::now_v7().as_u128()))
}

/// Bits of the counter in a v7 UUID made by [`new_id_at`] (as the `uuid` crate's own v7
/// context uses).
const COUNTER_BITS: u8 = 42;

/// The counter of [`new_id_at`]: one sequence for the process, from a random start below
/// 2^41, so it cannot wrap in practice.
static COUNTER: LazyLock<AtomicU64> =
    LazyLock::new(|| AtomicU64::new(Uuid::new_v4().as_u64_pair().0 >> 23));

/// An id with `prefix` whose time part is `at` (millisecond precision), e.g.
/// `new_id_at("txn", now)`. Its counter comes from one sequence for the process, so ids for
/// the same millisecond sort in the order they were made.
pub fn new_id_at(prefix: &str, at: OffsetDateTime) -> String {
    let millis = at.unix_timestamp_nanos().div_euclid(1_000_000);
    let counter = COUNTER.fetch_add(1, Ordering::Relaxed) & ((1 << COUNTER_BITS) - 1);
    // UUID v7 holds 48 bits of Unix milliseconds: instants before 1970 are clamped to it.
    let millis = u64::try_from(millis).unwrap_or(0);
    let timestamp = uuid::Timestamp::from_unix_time(
        millis / 1_000,
        u32::try_from(millis % 1_000).unwrap_or(0) * 1_000_000,
        u128::from(counter),
        COUNTER_BITS,
    );
    format!("{prefix}_{}", encode(Uuid::new_v7(timestamp).as_u128()))
}

fn encode(mut value: u128) -> String {
    let mut out = [0u8; BODY_LEN];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(value & 31) as usize];
        value >>= 5;
    }
    // Only ASCII from ALPHABET was written.
    String::from_utf8_lossy(&out).into_owned()
}

fn decode(body: &str) -> Option<u128> {
    if body.len() != BODY_LEN {
        return None;
    }
    let mut value: u128 = 0;
    for (i, byte) in body.bytes().enumerate() {
        let digit = ALPHABET.iter().position(|&c| c == byte)? as u128;
        // 26 × 5 = 130 bits: the first character may only carry the top 3.
        if i == 0 && digit > 7 {
            return None;
        }
        value = (value << 5) | digit;
    }
    Some(value)
}

/// The UUID inside `id` when it has the given prefix and a well-formed body.
pub fn uuid_of(prefix: &str, id: &str) -> Option<Uuid> {
    let body = id.strip_prefix(prefix)?.strip_prefix('_')?;
    decode(body).map(Uuid::from_u128)
}

/// Whether `raw` looks like a bare UUID, which the external surface rejects (§1.3).
pub fn is_raw_uuid(raw: &str) -> bool {
    Uuid::try_parse(raw).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_documented_shape_and_round_trip() {
        let id = new_id("inv");
        let body = id.strip_prefix("inv_").unwrap();
        assert_eq!(body.len(), 26);
        assert!(body
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()));
        let uuid = uuid_of("inv", &id).unwrap();
        assert_eq!(uuid.get_version_num(), 7);
        assert_eq!(format!("inv_{}", encode(uuid.as_u128())), id);
    }

    #[test]
    fn ids_sort_by_creation() {
        let a = new_id("ord");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_id("ord");
        assert!(a < b);
    }

    #[test]
    fn ids_at_an_instant_carry_it_and_sort_by_it() {
        use time::macros::datetime;
        let early = new_id_at("ord", datetime!(2025-01-02 15:00 UTC));
        let late = new_id_at("ord", datetime!(2025-06-02 15:00 UTC));
        assert!(early < late);
        assert!(late < new_id("ord"));
        let uuid = uuid_of("ord", &early).unwrap();
        assert_eq!(uuid.get_version_num(), 7);
        let (secs, _) = uuid.get_timestamp().unwrap().to_unix();
        assert_eq!(
            secs,
            datetime!(2025-01-02 15:00 UTC).unix_timestamp() as u64
        );
        // Same millisecond, one after the other: creation order.
        let at = datetime!(2025-03-04 10:30:00.123 UTC);
        let ids: Vec<String> = (0..50).map(|_| new_id_at("txn", at)).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn wrong_prefix_or_body_is_refused() {
        let id = new_id("inv");
        assert!(uuid_of("fs", &id).is_none());
        assert!(uuid_of("inv", "inv_short").is_none());
        assert!(uuid_of("inv", &format!("inv_{}", "z".repeat(26))).is_none());
        assert!(is_raw_uuid("0191d5c4-8a8e-7cc0-b2a6-6a2a9a0b0c0d"));
        assert!(!is_raw_uuid(&id));
    }
}

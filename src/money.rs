//! Money, shared by the server and the browser: reading an amount a user typed and writing one
//! for people. Exact decimals throughout, never floats.

use std::str::FromStr;

use rust_decimal::Decimal;

/// The smallest deposit or withdrawal the app asks Bluum for.
pub const MIN_TRANSFER: Decimal = Decimal::from_parts(1, 0, 0, false, 0);
/// The largest single deposit or withdrawal (the simulator's limit too; Bluum may set a lower
/// one, and its answer is shown as it comes).
pub const MAX_TRANSFER: Decimal = Decimal::from_parts(250_000, 0, 0, false, 0);

/// Reads a dollar amount as typed: `25`, `25.5`, `$1,250.00`. At most two decimals, at least
/// [`MIN_TRANSFER`], at most [`MAX_TRANSFER`]. The error is a message for the field.
pub fn parse_amount(input: &str) -> Result<Decimal, String> {
    let cleaned: String = input
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Err("Enter an amount.".into());
    }
    let valid_chars = cleaned.chars().all(|c| c.is_ascii_digit() || c == '.');
    let amount = Decimal::from_str(&cleaned)
        .ok()
        .filter(|_| valid_chars)
        .ok_or_else(|| "Enter an amount in dollars, like 250 or 99.50.".to_owned())?;
    if amount.normalize().scale() > 2 {
        return Err("Use at most two decimals (whole cents).".into());
    }
    if amount < MIN_TRANSFER {
        return Err(format!("The smallest amount is {}.", usd(MIN_TRANSFER)));
    }
    if amount > MAX_TRANSFER {
        return Err(format!(
            "The largest amount at a time is {}.",
            usd(MAX_TRANSFER)
        ));
    }
    Ok(amount.round_dp(2))
}

/// `$1,234.50`; negative amounts as `−$12.40` (a true minus sign).
pub fn usd(amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "−"
    } else {
        ""
    };
    let text = format!("{:.2}", rounded.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{cents}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(parse_amount("25"), Ok(dec("25")));
        assert_eq!(parse_amount(" $1,250.50 "), Ok(dec("1250.50")));
        assert_eq!(parse_amount("99.5"), Ok(dec("99.5")));
        assert_eq!(parse_amount("10.00"), Ok(dec("10.00")));
    }

    #[test]
    fn bad_amounts_get_a_message_for_the_field() {
        for bad in [
            "",
            "abc",
            "1e3",
            "-5",
            "12.345",
            "0.50",
            "250000.01",
            "1.2.3",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(
            parse_amount("12.345").unwrap_err(),
            "Use at most two decimals (whole cents)."
        );
    }

    #[test]
    fn dollars_are_written_with_separators_and_cents() {
        assert_eq!(usd(dec("0")), "$0.00");
        assert_eq!(usd(dec("5")), "$5.00");
        assert_eq!(usd(dec("1234.5")), "$1,234.50");
        assert_eq!(usd(dec("1234567.891")), "$1,234,567.89");
        assert_eq!(usd(dec("-12.4")), "−$12.40");
        assert_eq!(usd(dec("100000")), "$100,000.00");
    }
}

//! The rules for text people type, shared by every form (and, compiled into the wasm, by the
//! checks in the browser). Leptos escapes whatever it renders and every query is
//! parameterised, so nothing typed can run as markup or SQL; these rules refuse what has no
//! place in a name or an address in the first place, with a message next to the field.

/// Characters that belong in no name or address: markup and template delimiters.
const SPECIAL: &[char] = &['<', '>', '{', '}', '`', '\\', '|', '^', '~', '[', ']'];

/// Free text (an address line, an employer, a bank's name): no control characters and none of
/// `< > { } ` \ | ^ ~ [ ]`.
pub fn free_text(value: &str) -> Result<(), &'static str> {
    if value
        .chars()
        .any(|c| c.is_control() || SPECIAL.contains(&c))
    {
        Err("Remove the special characters, like < > { }.")
    } else {
        Ok(())
    }
}

/// A person's name: letters (any script), spaces, hyphens, apostrophes and periods.
pub fn person_name(value: &str) -> Result<(), &'static str> {
    if value
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | '’'))
    {
        Ok(())
    } else {
        Err("Use letters, spaces, hyphens and apostrophes only.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_take_letters_of_any_script_and_refuse_code() {
        for ok in [
            "Ada Lovelace",
            "Seán O'Brien",
            "Jean-Luc Picard",
            "Zoë Þórsdóttir",
            "李 小龙",
            "J. R. R. Tolkien",
        ] {
            assert_eq!(person_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "Robert'); DROP TABLE users;--",
            "<script>alert(1)</script>",
            "Ada\u{0}",
            "Ada 2",
        ] {
            assert!(person_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn free_text_keeps_addresses_and_refuses_markup() {
        for ok in [
            "1 Market St, Suite #400",
            "Apt. 5/B",
            "Analytical Engines & Co.",
        ] {
            assert_eq!(free_text(ok), Ok(()), "{ok}");
        }
        for bad in [
            "<img src=x onerror=alert(1)>",
            "{{7*7}}",
            "line\nbreak",
            "a\\b",
        ] {
            assert!(free_text(bad).is_err(), "{bad}");
        }
    }
}

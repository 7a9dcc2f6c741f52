//! Swedish personal identity numbers (personnummer and samordningsnummer) in free text, so that
//! reminders, hand-offs and stored questions never hold one: `YYMMDD-NNNC`, `YYMMDD+NNNC`,
//! `YYMMDDNNNC`, `YYYYMMDD-NNNC` and `YYYYMMDDNNNC`, with a valid date (day + 60 for a
//! samordningsnummer) and a valid check digit (Luhn over the ten-digit form).
//!
//! People type these in every typographic form, and a phone or a copy from a PDF adds its own.
//! So the text is first brought to one form: compatibility-normalised (NFKC: full-width and
//! other styled digits become ASCII, a no-break space a space), with invisible characters
//! (zero-width spaces and joiners, soft hyphens, byte-order marks) dropped. Between the date and
//! the last four digits, up to [`MAX_SEPARATOR`] characters of spaces, dashes of any kind, `+`,
//! `/`, `.` or `_` may stand.

use unicode_normalization::UnicodeNormalization;

/// The most characters that may stand between the date and the last four digits (` - `).
const MAX_SEPARATOR: usize = 3;

/// Whether `text` contains something that is a valid Swedish personal identity number.
pub fn contains_identity_number(text: &str) -> bool {
    let chars = normalised(text);
    (0..chars.len()).any(|i| {
        let starts_run = chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit());
        starts_run && candidates_at(&chars[i..]).iter().any(|d| is_valid(d))
    })
}

/// The text in one form: NFKC, invisible characters dropped, every dash a `-`.
fn normalised(text: &str) -> Vec<char> {
    text.nfkc()
        .filter(|&c| !is_invisible(c))
        .map(|c| if is_dash(c) { '-' } else { c })
        .collect()
}

/// Characters that show nothing but can split a number: zero-width space, non-joiner and
/// joiner, word joiner, soft hyphen, Mongolian vowel separator, byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{00AD}' | '\u{180E}' | '\u{FEFF}'
    )
}

/// Hyphens, dashes and minus signs of every kind (after NFKC).
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// What may stand between the date and the last four digits.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '+' | '/' | '.' | '_')
}

/// The digit strings (10 or 12 digits) that the text starting here could be.
fn candidates_at(s: &[char]) -> Vec<String> {
    let digits = |from: usize, n: usize| -> Option<String> {
        let d: String = s.iter().skip(from).take(n).collect();
        (d.chars().count() == n && d.chars().all(|c| c.is_ascii_digit())).then_some(d)
    };
    let ends = |at: usize| s.get(at).is_none_or(|c| !c.is_ascii_digit());
    let mut out = Vec::new();
    for date_len in [6, 8] {
        let Some(date) = digits(0, date_len) else {
            continue;
        };
        for gap in 0..=MAX_SEPARATOR {
            if !s[date_len..].iter().take(gap).all(|&c| is_separator(c)) {
                break;
            }
            let at = date_len + gap;
            if let Some(tail) = digits(at, 4)
                && ends(at + 4)
            {
                out.push(format!("{date}{tail}"));
            }
        }
    }
    out
}

/// 10 or 12 digits: a real date (or samordningsnummer day) and a valid check digit.
fn is_valid(digits: &str) -> bool {
    let ten = match digits.len() {
        10 => digits,
        12 => &digits[2..],
        _ => return false,
    };
    let d: Vec<u32> = ten.chars().filter_map(|c| c.to_digit(10)).collect();
    let month = d[2] * 10 + d[3];
    let mut day = d[4] * 10 + d[5];
    if day > 60 {
        day -= 60; // samordningsnummer
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let days_in_month = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days_in_month {
        return false;
    }
    check_digit(&d[..9]) == d[9]
}

/// The Luhn check digit of the first nine digits.
fn check_digit(nine: &[u32]) -> u32 {
    let sum: u32 = nine
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let v = if i % 2 == 0 { x * 2 } else { x };
            v / 10 + v % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_identity_numbers_in_every_written_form() {
        // 811218-9876 is the Swedish Tax Agency's textbook example (valid check digit).
        for text in [
            "Ring om 811218-9876 imorgon",
            "8112189876",
            "19811218-9876",
            "198112189876",
            "811218+9876",
            "811218 9876",
            "samordningsnummer 701063-2391",
        ] {
            assert!(contains_identity_number(text), "{text}");
        }
    }

    #[test]
    fn finds_identity_numbers_in_every_typographic_form() {
        for text in [
            "811218\u{2013}9876", // en dash
            "811218\u{2011}9876", // non-breaking hyphen
            "811218\u{2212}9876", // minus sign
            "811218\u{00A0}9876", // no-break space
            "811218\u{202F}9876", // narrow no-break space
            "811218 - 9876",      // spaced dash
            "811218/9876",
            "811218.9876",
            "811218_9876",
            "８１１２１８－９８７６", // full-width digits and dash
            "8112\u{200B}18-9876",    // a zero-width space inside the date
            "811218-98\u{200D}76",    // a zero-width joiner inside the number
            "19811218\u{2013}9876",
            "pnr:811218-9876.",
        ] {
            assert!(contains_identity_number(text), "{text:?}");
        }
    }

    #[test]
    fn leaves_other_numbers_alone() {
        for text in [
            "811218-9875",           // wrong check digit
            "811318-9876",           // month 13
            "ärende 2026-0142",      // a case reference
            "möte 2026-12-24 10:00", // a date and a time
            "ring 070-174 06 05",    // a phone number
            "8112189876123",         // too many digits
            "tid 09:30, rum 4",
            "811218 -- - 9876", // more than a separator between the parts
        ] {
            assert!(!contains_identity_number(text), "{text}");
        }
    }

    /// A valid ten-digit number from a date and three digits: the check digit computed.
    fn with_check_digit(yymmdd: &str, three: &str) -> String {
        let nine: Vec<u32> = format!("{yymmdd}{three}")
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect();
        format!("{yymmdd}{three}{}", check_digit(&nine))
    }

    /// Digits written as full-width characters, as some phones and PDFs do.
    fn full_width(digits: &str) -> String {
        digits
            .chars()
            .map(|c| char::from_u32(0xFF10 + c.to_digit(10).unwrap()).unwrap())
            .collect()
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// The ways a date and its four digits get joined.
        const SEPARATORS: &[&str] = &[
            "",
            "-",
            "+",
            " ",
            "\u{2013}",
            "\u{2014}",
            "\u{2011}",
            "\u{2212}",
            "\u{00A0}",
            " - ",
            " \u{2013} ",
            "/",
            ".",
            "_",
            "\u{200B}-",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn any_valid_number_in_any_form_is_found(
                year in 0u32..100, month in 1u32..=12, day in 1u32..=28,
                coordination in any::<bool>(), three in 0u32..1000,
                century in prop::option::of(prop::sample::select(vec!["19", "20"])),
                sep in prop::sample::select(SEPARATORS.to_vec()),
                wide in any::<bool>(),
                before in "[a-zåäö :]{0,12}", after in "[a-zåäö .,]{0,12}",
            ) {
                let day = if coordination { day + 60 } else { day };
                let ten = with_check_digit(&format!("{year:02}{month:02}{day:02}"), &format!("{three:03}"));
                let (date, last) = ten.split_at(6);
                let date = format!("{}{date}", century.unwrap_or(""));
                let (date, last) = if wide { (full_width(&date), full_width(last)) } else { (date, last.to_owned()) };
                let text = format!("{before}{date}{sep}{last}{after}");
                prop_assert!(contains_identity_number(&text), "{text:?}");
            }

            #[test]
            fn any_text_is_read_without_a_panic(text in any::<String>()) {
                let _ = contains_identity_number(&text);
            }
        }
    }
}

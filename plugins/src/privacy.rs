//! Swedish personal identity numbers (personnummer and samordningsnummer) in free text, so that
//! reminders and hand-offs never store one: `YYMMDD-NNNC`, `YYMMDD+NNNC`, `YYMMDDNNNC`,
//! `YYYYMMDD-NNNC` and `YYYYMMDDNNNC`, with a valid date (day + 60 for a samordningsnummer) and
//! a valid check digit (Luhn over the ten-digit form).

/// Whether `text` contains something that is a valid Swedish personal identity number.
pub fn contains_identity_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| {
        let starts_run = chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit());
        starts_run && candidates_at(&chars[i..]).iter().any(|d| is_valid(d))
    })
}

/// The digit strings (10 or 12 digits) that the text starting here could be.
fn candidates_at(s: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let digits_then = |n: usize| -> Option<(String, usize)> {
        let d: String = s.iter().take(n).collect();
        (d.len() == n && d.chars().all(|c| c.is_ascii_digit())).then_some((d, n))
    };
    let ends = |at: usize| s.get(at).is_none_or(|c| !c.is_ascii_digit());
    for date_len in [6, 8] {
        let Some((date, at)) = digits_then(date_len) else {
            continue;
        };
        // Without a separator.
        let tail: String = s[at..].iter().take(4).collect();
        if tail.len() == 4 && tail.chars().all(|c| c.is_ascii_digit()) && ends(at + 4) {
            out.push(format!("{date}{tail}"));
        }
        // With `-` or `+` (or a space) between date and number.
        if matches!(s.get(at), Some('-' | '+' | ' ')) {
            let tail: String = s[at + 1..].iter().take(4).collect();
            if tail.len() == 4 && tail.chars().all(|c| c.is_ascii_digit()) && ends(at + 5) {
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
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let v = if i % 2 == 0 { x * 2 } else { x };
            v / 10 + v % 10
        })
        .sum();
    (10 - sum % 10) % 10 == d[9]
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
    fn leaves_other_numbers_alone() {
        for text in [
            "811218-9875",           // wrong check digit
            "811318-9876",           // month 13
            "ärende 2026-0142",      // a case reference
            "möte 2026-12-24 10:00", // a date and a time
            "ring 070-174 06 05",    // a phone number
            "8112189876123",         // too many digits
            "tid 09:30, rum 4",
        ] {
            assert!(!contains_identity_number(text), "{text}");
        }
    }
}

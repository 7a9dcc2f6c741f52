//! Splitting text into words: runs of letters or digits, with their byte offsets.
//! Hyphens and punctuation separate words (`id-handlingar` → `id`, `handlingar`).

/// Yields `(byte offset, word)` for each run of alphanumeric characters in `text`.
pub fn split_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = rest.next()?;
            if c.is_alphanumeric() {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

/// A unit of time, lower-cased, Swedish or English (`dagar`, `dagars`, `months`): after a number
/// it makes a duration (`30 dagar`), after *hur många* it asks for one.
pub fn is_time_unit(word: &str) -> bool {
    const UNITS: &[&str] = &[
        "timme",
        "timmar",
        "timmars",
        "dygn",
        "dygns",
        "dag",
        "dagar",
        "dagars",
        "vecka",
        "veckor",
        "veckors",
        "månad",
        "månader",
        "månaders",
        "år",
        "års",
        "hour",
        "hours",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
    ];
    UNITS.contains(&word)
}

/// Whether `word` is a number: digits (`30`, `112`) or a number word (`sju`, `tolv`, `seven`).
/// *sex* is left out: in this field it is more often the word than the number.
pub fn is_number(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "två", "tre", "fyra", "fem", "sju", "åtta", "nio", "tio", "elva", "tolv", "tjugo",
        "trettio", "fyrtio", "femtio", "hundra", "tusen", "two", "three", "four", "five", "six",
        "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty",
        "hundred", "thousand",
    ];
    word.chars().all(|c| c.is_ascii_digit()) || WORDS.iter().any(|n| n.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_punctuation_and_keeps_offsets() {
        let text = "Id-handlingar, 114 14 – målsägandebiträde!";
        let words: Vec<_> = split_words(text).collect();
        assert_eq!(
            words,
            vec![
                (0, "Id"),
                (3, "handlingar"),
                (15, "114"),
                (19, "14"),
                (26, "målsägandebiträde")
            ]
        );
    }

    #[test]
    fn numbers_are_digits_or_number_words() {
        for w in ["30", "112", "sju", "Tolv", "seven"] {
            assert!(is_number(w), "{w}");
        }
        for w in ["sex", "30-dagars", "regioner", "en"] {
            assert!(!is_number(w), "{w}");
        }
    }
}

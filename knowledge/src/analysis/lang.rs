//! The two languages of Lots's guidance, and a small detector for text whose language is not given.

use serde::{Deserialize, Serialize};

use super::stopwords::count_stop_words;
use super::words::split_words;

/// A guidance or question language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Swedish.
    Sv,
    /// English.
    En,
}

impl Lang {
    /// The ISO 639-1 code, as written in front matter.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// Parses `sv` or `en`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language: where glossary expansions go.
    pub fn other(self) -> Lang {
        match self {
            Lang::Sv => Lang::En,
            Lang::En => Lang::Sv,
        }
    }
}

/// Guesses whether `text` is Swedish or English from its function words and letters.
/// Swedish wins ties: it is what staff write most.
pub fn detect_lang(text: &str) -> Lang {
    let lower = text.to_lowercase();
    let words: Vec<&str> = split_words(&lower).map(|(_, w)| w).collect();
    let sv = count_stop_words(words.iter().copied(), Lang::Sv)
        + 2 * lower
            .chars()
            .filter(|c| matches!(c, 'å' | 'ä' | 'ö'))
            .count()
            .min(3);
    let en = count_stop_words(words.iter().copied(), Lang::En);
    if en > sv { Lang::En } else { Lang::Sv }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_language_of_typical_questions() {
        let cases = [
            ("Vem beslutar om skyddat boende?", Lang::Sv),
            (
                "kan soc betala boendet fast hon inte gjort nån anmalan",
                Lang::Sv,
            ),
            ("How long can she stay at the shelter?", Lang::En),
            (
                "where can I turn on a weekend when the shelter is full?",
                Lang::En,
            ),
            ("warning signs of debt bondage at a car wash", Lang::En),
            ("betänketid", Lang::Sv),
            // Swedish typed without å, ä, ö is Swedish; `over` and `at` stay English.
            ("vad gor man nar hon far ett beslut", Lang::Sv),
            (
                "what comes next when the period is over and she is at a shelter",
                Lang::En,
            ),
        ];
        for (text, lang) in cases {
            assert_eq!(detect_lang(text), lang, "{text}");
        }
    }
}

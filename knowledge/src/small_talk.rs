//! Small talk: greetings, thanks, hedges and filler (`config/small_talk.toml`). They never
//! count as a question's topics, and a message of nothing else — `hej`, `tack!`, `👍`, `?` — is
//! answered with a friendly word and what Lots can do, never with a guidance quote.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::analysis::{Lang, is_stop_word, split_words};

/// The words shipped with Lots.
pub const DEFAULT_SMALL_TALK: &str = include_str!("../../config/small_talk.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    sv: Vec<String>,
    en: Vec<String>,
}

/// The Swedish and the English words.
fn words() -> &'static (HashSet<String>, HashSet<String>) {
    static WORDS: OnceLock<(HashSet<String>, HashSet<String>)> = OnceLock::new();
    WORDS.get_or_init(|| {
        let file: File = toml::from_str(DEFAULT_SMALL_TALK)
            .expect("the shipped config/small_talk.toml is valid (a unit test reads it)");
        let set = |l: Vec<String>| l.into_iter().map(|w| w.to_lowercase()).collect();
        (set(file.sv), set(file.en))
    })
}

/// Whether `lower` (a lower-cased word) is a greeting, thanks, hedge or filler.
pub fn is_filler(lower: &str) -> bool {
    let (sv, en) = words();
    sv.contains(lower) || en.contains(lower)
}

/// The language of small talk: English when it has an English word and no Swedish one.
pub fn small_talk_lang(message: &str) -> Lang {
    let (sv, en) = words();
    let lower: Vec<String> = split_words(message)
        .map(|(_, w)| w.to_lowercase())
        .collect();
    if lower.iter().any(|w| en.contains(w)) && !lower.iter().any(|w| sv.contains(w)) {
        Lang::En
    } else {
        Lang::Sv
    }
}

/// Whether `message` is only small talk: no word at all (an emoji, a question mark), or only
/// fillers and function words.
pub fn is_small_talk(message: &str) -> bool {
    split_words(message).all(|(_, w)| {
        let lower = w.to_lowercase();
        is_filler(&lower) || is_stop_word(&lower, Lang::Sv) || is_stop_word(&lower, Lang::En)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_thanks_emoji_and_a_lone_mark_are_small_talk() {
        for m in [
            "hej",
            "Tack!",
            "tack så mycket",
            "👍",
            "?",
            "hej hej, läget?",
            "thanks a lot",
            "",
        ] {
            assert!(is_small_talk(m), "{m:?}");
        }
    }

    #[test]
    fn a_question_with_a_greeting_is_not() {
        for m in [
            "hej, vem bokar tolken?",
            "tack! och vad gäller för barn?",
            "thanks, who pays?",
        ] {
            assert!(!is_small_talk(m), "{m:?}");
        }
    }

    #[test]
    fn english_small_talk_is_english() {
        assert_eq!(small_talk_lang("thanks!"), Lang::En);
        assert_eq!(small_talk_lang("hi there"), Lang::En);
        assert_eq!(small_talk_lang("hej"), Lang::Sv);
        assert_eq!(small_talk_lang("👍"), Lang::Sv);
    }

    #[test]
    fn fillers_are_read_from_the_data_file() {
        assert!(is_filler("asså"));
        assert!(is_filler("hej"));
        assert!(!is_filler("betänketid"));
    }
}

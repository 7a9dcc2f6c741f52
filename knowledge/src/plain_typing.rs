//! Swedish typed without å, ä and ö, as on a phone or a foreign keyboard: `nar maste beslutet
//! vara klart`, `vad gor man nar hon ar jatteorolig`.
//!
//! Matching folded stems finds most such words, but not all: a stemmer strips other endings
//! from a plain word (`-ade` from `tilltrade`, not `-äde` from `tillträde`),
//! and word lists (`länge` asks how long, `själv`, `jätte-`) see a word they don't know. So a
//! plain-typed Swedish question is first given back its letters: a plain word becomes the one
//! spelling with å, ä or ö that the guidance uses for it, when the guidance never uses the plain
//! spelling itself (`har` stays `har`: the guidance has both `har` and `här`) and only one
//! spelling folds to it. A compound the guidance never writes whole is restored by its two
//! parts (`stodansokan` → `stödansökan`), with a linking `s` kept (`skyddsatgard` →
//! `skyddsåtgärd`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::analysis::{Lang, detect_lang, fold, split_words};

/// The spellings with å, ä or ö of the Swedish guidance, by their plain (folded) spelling.
#[derive(Debug, Clone, Default)]
pub struct PlainSpellings {
    /// Plain spelling → the one spelling with diacritics (`None`: more than one).
    restored: HashMap<String, Option<String>>,
    /// Plain words the guidance itself uses.
    plain: HashSet<String>,
}

impl PlainSpellings {
    /// Learns the words of Swedish `text`.
    pub fn learn(&mut self, text: &str) {
        for (_, word) in split_words(text) {
            self.learn_word(word);
        }
    }

    /// Learns one word of Swedish guidance, as written.
    pub fn learn_word(&mut self, word: &str) {
        if word.is_ascii() {
            if !self.plain.contains(word) {
                self.plain.insert(word.to_lowercase());
            }
            return;
        }
        let lower = word.to_lowercase();
        let plain = fold(&lower);
        if !plain.is_ascii() {
            return;
        }
        match self.restored.get_mut(&plain) {
            None => {
                self.restored.insert(plain, Some(lower));
            }
            Some(entry) => {
                if entry.as_ref().is_some_and(|known| *known != lower) {
                    *entry = None;
                }
            }
        }
    }

    /// Drops what cannot be restored, once everything is learnt.
    pub fn finish(mut self) -> Self {
        let plain = &self.plain;
        self.restored
            .retain(|spelling, restored| restored.is_some() && !plain.contains(spelling));
        self.restored.shrink_to_fit();
        self.plain.shrink_to_fit();
        self
    }

    /// The guidance's spelling of the plain lower-cased `word`, whole or as a compound of two
    /// parts (each at least three letters, one of them restored, the other restored or a plain
    /// word of the guidance).
    fn spelling_of(&self, word: &str) -> Option<Cow<'_, str>> {
        const MIN_PART: usize = 3;
        if let Some(Some(spelling)) = self.restored.get(word) {
            return Some(Cow::Borrowed(spelling));
        }
        if self.plain.contains(word) {
            return None;
        }
        let part = |p: &str| -> Option<(Cow<'_, str>, bool)> {
            match self.restored.get(p) {
                Some(Some(s)) => Some((Cow::Borrowed(s.as_str()), true)),
                _ if self.plain.contains(p) => Some((Cow::Owned(p.to_owned()), false)),
                _ => None,
            }
        };
        // The longest right part first: `ansokan` before `sokan`.
        (MIN_PART..=word.len().saturating_sub(MIN_PART)).find_map(|i| {
            let (left, right) = word.split_at(i);
            let (right, right_restored) = part(right)?;
            let (left, left_restored) = part(left).or_else(|| {
                let (stem, restored) = part(left.strip_suffix('s')?)?;
                Some((Cow::Owned(format!("{stem}s")), restored))
            })?;
            (left_restored || right_restored).then(|| Cow::Owned(format!("{left}{right}")))
        })
    }

    /// `question` with its plain-typed words spelt as the guidance spells them, when it is
    /// Swedish; as it is otherwise.
    pub fn restore<'q>(&self, question: &'q str) -> Cow<'q, str> {
        if self.restored.is_empty() || detect_lang(question) != Lang::Sv {
            return Cow::Borrowed(question);
        }
        let mut out = String::new();
        let mut copied = 0;
        for (start, word) in split_words(question) {
            if !word.is_ascii() {
                continue;
            }
            let Some(spelling) = self.spelling_of(&word.to_lowercase()) else {
                continue;
            };
            out.push_str(&question[copied..start]);
            if word.starts_with(|c: char| c.is_uppercase()) {
                let mut chars = spelling.chars();
                out.extend(chars.next().into_iter().flat_map(char::to_uppercase));
                out.push_str(chars.as_str());
            } else {
                out.push_str(&spelling);
            }
            copied = start + word.len();
        }
        if copied == 0 {
            return Cow::Borrowed(question);
        }
        out.push_str(&question[copied..]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learnt(text: &str) -> PlainSpellings {
        let mut spellings = PlainSpellings::default();
        spellings.learn(text);
        spellings.finish()
    }

    #[test]
    fn plain_words_get_the_guidance_spelling() {
        let s = learnt("Hur länge gäller betänketiden i Malmö? Målsägandebiträdet hjälper.");
        assert_eq!(
            s.restore("hur lange galler betanketiden i malmo"),
            "hur länge gäller betänketiden i malmö"
        );
        assert_eq!(s.restore("Malmo"), "Malmö");
        // Words with their letters, and words the guidance has no other spelling of, stay.
        assert_eq!(s.restore("hur länge gäller den"), "hur länge gäller den");
        assert!(matches!(s.restore("vem ringer"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_plain_word_the_guidance_uses_or_one_with_two_spellings_stays() {
        let s = learnt("Vi har rätt att ge stöd här. Det är rätt och rått.");
        // `har` is a word of the guidance; `ratt` is `rätt` or `rått`.
        assert_eq!(
            s.restore("har vi ratt att ge stod"),
            "har vi ratt att ge stöd"
        );
    }

    #[test]
    fn a_compound_is_restored_by_its_parts() {
        let s = learnt("Ansökan om stöd. Samtycke och rutiner.");
        assert_eq!(s.restore("vem gor stodansokan"), "vem gor stödansökan");
        // Parts the guidance has plain are no compound to restore.
        assert_eq!(s.restore("samtyckesrutiner"), "samtyckesrutiner");
    }

    #[test]
    fn english_questions_are_left_alone() {
        let s = learnt("Hon får stöd.");
        assert_eq!(
            s.restore("what does she get for stod"),
            "what does she get for stod"
        );
    }
}

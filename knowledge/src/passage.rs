//! Choosing the sentences of a section that answer, and marking the words that matched.
//!
//! How it works (like Lucene's unified highlighter, which scores passages rather than cutting a
//! fixed window): the section is split into sentences and list items; each is scored by the
//! weights of the question concepts it contains, as a share of the best sentence's, and by how
//! near its vector is to the question's, so a sentence that answers in other words than the
//! question's is kept too; the best one is kept, with up to two more that score at least half
//! as well, in the order they are written. A short section is quoted whole.

use std::ops::Range;

use crate::analysis::{Analyzer, Lang, fold, is_number, split_words};
use crate::query::Concept;

/// At most this many sentences make a passage.
const MAX_SENTENCES: usize = 3;
/// A further sentence must score at least this share of the best one.
const FURTHER_SENTENCE_SHARE: f32 = 0.5;
/// For a question after a duration or a number: what a sentence with figures gains, as a share
/// of the heaviest concept's weight.
const FIGURES_BONUS: f32 = 0.75;
/// A sentence whose cosine to the question is this much below the nearest sentence's gains
/// nothing for its meaning; the nearest gains as much as the sentence with most of the
/// question's words.
const SEMANTIC_SPREAD: f32 = 0.05;
/// A section of at most this many sentences and [`SHORT_SECTION_CHARS`] characters is quoted
/// whole: one sentence alone would leave out half of it.
const WHOLE_SENTENCES: usize = 2;
const SHORT_SECTION_CHARS: usize = 360;
/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "kap", "bl.a", "t.ex", "ca", "s", "nr", "jfr", "m.fl", "dvs", "resp", "p", "st", "e.g", "i.e",
    "etc", "no",
];

/// The sentences chosen from a section, and where the matched words are in them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Passage {
    /// The chosen sentences, joined.
    pub text: String,
    /// Byte ranges in `text` of words that match the question.
    pub highlights: Vec<Range<usize>>,
}

impl Passage {
    /// The passage as Markdown with matched words in bold.
    pub fn marked(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 4 * self.highlights.len());
        let mut at = 0;
        for r in &self.highlights {
            out.push_str(&self.text[at..r.start]);
            out.push_str("**");
            out.push_str(&self.text[r.clone()]);
            out.push_str("**");
            at = r.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// A sentence's range in the section, its score, and the ranges of its matched words.
type ScoredSentence = (Range<usize>, f32, Vec<Range<usize>>);

/// Picks the sentences of `text` that best answer `concepts` (with their `weights`);
/// `nearness` is each sentence's cosine similarity to the question, in [`split_sentences`]
/// order (shorter, or empty, where sentences have no vector).
pub fn select_passage(
    text: &str,
    lang: Lang,
    analyzer: &mut Analyzer<'_>,
    concepts: &[Concept],
    weights: &[f32],
    wants_quantity: bool,
    nearness: &[f32],
) -> Passage {
    let figures_bonus = if wants_quantity {
        FIGURES_BONUS * weights.iter().copied().fold(0.0, f32::max)
    } else {
        0.0
    };
    // Every term any alternative of the question asks for, to mark matched words.
    let asked: std::collections::HashSet<&str> = concepts
        .iter()
        .flat_map(|c| c.alternatives.iter())
        .flat_map(|a| a.terms.iter().map(String::as_str))
        .collect();
    let sentences = split_sentences(text);
    let whole = sentences.len() <= WHOLE_SENTENCES && text.chars().count() <= SHORT_SECTION_CHARS;
    let mut scored: Vec<ScoredSentence> = sentences
        .into_iter()
        .map(|range| {
            let words = analyzer.analyze(&text[range.clone()], lang);
            // Each word's forms: its folded stem and its folded compound parts.
            let forms: Vec<Vec<std::borrow::Cow<'_, str>>> = words
                .iter()
                .map(|w| {
                    std::iter::once(std::borrow::Cow::Borrowed(w.forms.folded.as_str()))
                        .chain(
                            w.forms
                                .parts
                                .iter()
                                .map(|p| std::borrow::Cow::Owned(fold(p))),
                        )
                        .collect()
                })
                .collect();
            let mut all: Vec<&str> = forms.iter().flatten().map(AsRef::as_ref).collect();
            all.sort_unstable();
            all.dedup();
            let has = |t: &str| all.binary_search(&t).is_ok();
            let score: f32 = concepts
                .iter()
                .zip(weights)
                .map(|(c, w)| c.match_factor(has) * w)
                .sum::<f32>()
                + if figures_bonus > 0.0
                    && (text[range.clone()].contains(|c: char| c.is_ascii_digit())
                        || split_words(&text[range.clone()]).any(|(_, w)| is_number(w)))
                {
                    figures_bonus
                } else {
                    0.0
                };
            let hits = words
                .iter()
                .zip(&forms)
                .filter(|(_, f)| f.iter().any(|t| asked.contains(t.as_ref())))
                .map(|(w, _)| range.start + w.range.start..range.start + w.range.end)
                .collect();
            (range, score, hits)
        })
        .collect();
    blend_meaning(&mut scored, nearness);
    let Some(best) = scored.iter().map(|s| s.1).reduce(f32::max) else {
        return Passage {
            text: String::new(),
            highlights: vec![],
        };
    };
    if whole {
        return joined(text, &scored, (0..scored.len()).collect());
    }
    let mut chosen: Vec<usize> = (0..scored.len()).collect();
    chosen.sort_by(|&a, &b| scored[b].1.total_cmp(&scored[a].1).then(a.cmp(&b)));
    chosen.truncate(MAX_SENTENCES);
    let top = chosen[0];
    chosen.retain(|&i| i == top || (best > 0.0 && scored[i].1 >= best * FURTHER_SENTENCE_SHARE));
    // A best sentence that refers back ("Tiden kallas betänketid …" after the sentence that
    // defines the period, "Den …", "This …") comes with the sentence it refers to.
    if top > 0
        && !chosen.contains(&(top - 1))
        && refers_back(
            text,
            scored[top].0.clone(),
            scored[top - 1].0.clone(),
            lang,
            analyzer,
        )
    {
        if chosen.len() == MAX_SENTENCES {
            chosen.pop();
        }
        chosen.push(top - 1);
    }
    joined(text, &scored, chosen)
}

/// Each sentence's score as a share of the best one's, plus what its meaning adds: 1 for the
/// sentence nearest the question, down to 0 at [`SEMANTIC_SPREAD`] below it. Scores are kept
/// as they are where no sentence has a vector.
fn blend_meaning(scored: &mut [ScoredSentence], nearness: &[f32]) {
    let nearest = nearness.iter().copied().fold(f32::NAN, f32::max);
    if nearest.is_nan() {
        return;
    }
    let best = scored.iter().map(|s| s.1).fold(0.0, f32::max);
    for (i, s) in scored.iter_mut().enumerate() {
        let words = if best > 0.0 { s.1 / best } else { 0.0 };
        let meaning = nearness.get(i).map_or(0.0, |&c| {
            (1.0 - (nearest - c) / SEMANTIC_SPREAD).clamp(0.0, 1.0)
        });
        s.1 = words + meaning;
    }
}

/// The sentences at `chosen` of `text`, in the order written, joined with `…` over a gap.
fn joined(text: &str, scored: &[ScoredSentence], mut chosen: Vec<usize>) -> Passage {
    chosen.sort_unstable();
    let mut passage = Passage {
        text: String::new(),
        highlights: vec![],
    };
    let mut previous: Option<usize> = None;
    for i in chosen {
        let (range, _, hits) = &scored[i];
        if let Some(p) = previous {
            passage.text.push_str(if p + 1 == i { " " } else { " … " });
        }
        let offset = passage.text.len();
        passage.text.push_str(&text[range.clone()]);
        passage.highlights.extend(
            hits.iter()
                .map(|h| h.start - range.start + offset..h.end - range.start + offset),
        );
        previous = Some(i);
    }
    passage
}

/// Whether the sentence at `at` in `text` opens by referring to the one at `before`: with a
/// pronoun or demonstrative, or with an inflected noun (`Tiden`) that the sentence before uses,
/// alone or as the first part of a compound (`tidsbegränsat`).
fn refers_back(
    text: &str,
    at: Range<usize>,
    before: Range<usize>,
    lang: Lang,
    analyzer: &mut Analyzer<'_>,
) -> bool {
    // Not `det`, `där`, `it`, `there`: mostly dummy subjects (*Det finns …*, *It is …*).
    const BACK: &[&str] = &[
        "den",
        "detta",
        "denna",
        "dessa",
        "de",
        "dom",
        "han",
        "hon",
        "hen",
        "därför",
        "sådan",
        "sådant",
        "sådana",
        "this",
        "these",
        "those",
        "they",
        "he",
        "she",
        "such",
        "thus",
        "therefore",
    ];
    let sentence = &text[at];
    let mut words = split_words(sentence).map(|(_, w)| w.to_lowercase());
    let Some(first) = words.next() else {
        return false;
    };
    if BACK.contains(&first.as_str()) {
        // "Den som …", "those who …" speak of anyone, not of something said before.
        return !matches!(words.next().as_deref(), Some("som" | "who"));
    }
    let opening = analyzer.analyze(sentence, lang);
    let Some(noun) = opening
        .first()
        .filter(|w| w.position == 0 && w.forms.stem != first)
    else {
        return false;
    };
    let stem = &noun.forms.folded;
    stem.chars().count() >= 3
        && analyzer.analyze(&text[before], lang).iter().any(|w| {
            std::iter::once(&w.forms.folded)
                .chain(&w.forms.parts)
                .any(|t| fold(t).starts_with(stem.as_str()))
        })
}

/// Sentence and list-item ranges of `text`, trimmed, without empty ones.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        let next = bytes.get(k + 1).map(|&(_, c)| c);
        let after = bytes.get(k + 2).map(|&(_, c)| c);
        let ends = match c {
            '\n' => true,
            '.' | '!' | '?' => {
                next.is_some_and(char::is_whitespace)
                    && after.is_some_and(|a| a.is_uppercase() || a == '"' || a == '«')
                    && !(c == '.' && ends_with_abbreviation(&text[start..i]))
            }
            _ => false,
        };
        if ends {
            push_trimmed(text, start..i + c.len_utf8(), &mut out);
            start = i + c.len_utf8();
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn ends_with_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    ABBREVIATIONS.contains(&last.as_str())
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let lead = s.len()
        - s.trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '*')
            .len();
    let trail = s.len() - s.trim_end().len();
    if range.start + lead < range.end - trail {
        out.push(range.start + lead..range.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Lexicon;
    use crate::glossary::Glossary;
    use crate::query::parse_query;

    #[test]
    fn splits_sentences_but_not_at_abbreviations() {
        let text = "Enligt 4 kap. 1 a § brottsbalken gäller det. Hon ansöker, t.ex. via soc. Nästa mening!\n- punkt ett\n- punkt två";
        let parts: Vec<&str> = split_sentences(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            parts,
            [
                "Enligt 4 kap. 1 a § brottsbalken gäller det.",
                "Hon ansöker, t.ex. via soc.",
                "Nästa mening!",
                "punkt ett",
                "punkt två"
            ]
        );
    }

    #[test]
    fn picks_the_sentence_that_answers_and_marks_matched_words() {
        let text = "Personen behöver inte göra något själv. Ansökan görs av socialnämnden eller förundersökningsledaren. Migrationsverket prövar ansökan.";
        let q = parse_query(
            "vem skriver ansökan åt henne",
            &Lexicon::default(),
            &Glossary::default(),
        );
        let weights = vec![1.0; q.concepts.len()];
        let p = select_passage(
            text,
            Lang::Sv,
            &mut Analyzer::new(&Lexicon::default()),
            &q.concepts,
            &weights,
            false,
            &[],
        );
        assert!(
            p.text.starts_with("Ansökan görs av socialnämnden"),
            "{}",
            p.text
        );
        assert!(p.marked().contains("**Ansökan** görs"), "{}", p.marked());
        assert!(p.marked().contains("prövar **ansökan**"), "{}", p.marked());
    }

    #[test]
    fn a_sentence_that_refers_back_comes_with_the_one_it_refers_to() {
        let text = "Personen kan få ett tidsbegränsat uppehållstillstånd i 30 dagar. \
                    Tiden kallas betänketid. Den kan förlängas. Polisen utreder brottet. \
                    Betänketid söks av socialnämnden.";
        let mut lex = Lexicon::default();
        for s in crate::analysis::lexicon_stems(text, Lang::Sv) {
            lex.add(&s);
        }
        let pick = |text: &str, question: &str| {
            let q = parse_query(question, &lex, &Glossary::default());
            let weights = vec![1.0; q.concepts.len()];
            let mut analyzer = Analyzer::new(&lex);
            select_passage(
                text,
                Lang::Sv,
                &mut analyzer,
                &q.concepts,
                &weights,
                false,
                &[],
            )
        };
        // An inflected noun that the sentence before has as the first part of a compound.
        let first_two = "Personen kan få ett tidsbegränsat uppehållstillstånd i 30 dagar. \
                         Tiden kallas betänketid.";
        let p = pick(first_two, "vad är betänketid");
        assert_eq!(p.text, first_two);
        assert!(
            p.marked().contains("kallas **betänketid**"),
            "{}",
            p.marked()
        );
        // A pronoun.
        let p = pick(text, "kan det förlängas");
        assert_eq!(p.text, "Tiden kallas betänketid. Den kan förlängas.");
        // "Den som …" speaks of anyone: no sentence before it is needed.
        let p = pick(
            "Polisen utreder brottet. Den som söker betänketid får stöd. Tolk bokas vid behov.",
            "vilka söker betänketid",
        );
        assert_eq!(p.text, "Den som söker betänketid får stöd.");
        // A sentence that stands on its own comes alone (from a section of more than two:
        // one of two is quoted whole).
        let p = pick(
            "Polisen utreder brottet. Betänketid söks av socialnämnden. Tolk bokas vid behov.",
            "vilka söker betänketid",
        );
        assert_eq!(p.text, "Betänketid söks av socialnämnden.");
    }

    #[test]
    fn a_question_after_a_duration_gets_the_sentence_with_the_figure() {
        let text = "Den som kan vara offer kan få ett uppehållstillstånd i 30 dagar. Tiden kallas betänketid. \
                    Under den ska personen få vila och stöd.";
        let q = parse_query(
            "Hur lång är betänketiden?",
            &Lexicon::default(),
            &Glossary::default(),
        );
        assert!(q.wants_quantity);
        let weights: Vec<f32> = q.concepts.iter().map(|c| c.weight).collect();
        let p = select_passage(
            text,
            Lang::Sv,
            &mut Analyzer::new(&Lexicon::default()),
            &q.concepts,
            &weights,
            true,
            &[],
        );
        assert!(p.text.contains("30 dagar"), "{}", p.text);
        assert!(!p.text.contains("vila"), "{}", p.text);
    }
}

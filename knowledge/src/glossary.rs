//! The bilingual domain glossary: concepts whose terms are interchangeable in a question.
//!
//! How it works: every term of a concept is analysed in its own language into a sequence of
//! stems. A question matches a term when those stems occur next to each other among its content
//! words (or as the parts of one compound). The question's words are then also searched as every
//! other term of the concept — in Swedish and English — so *reflection period* finds *betänketid*
//! and *soc* finds *socialtjänsten*. The glossary is data (`config/glossary.toml`) that admins extend.

use std::path::Path;

use serde::Deserialize;

use crate::analysis::{Lang, Lexicon, split_words, word_forms};

/// The glossary shipped with Lots.
pub const DEFAULT_GLOSSARY: &str = include_str!("../../config/glossary.toml");

/// A problem in a glossary file.
#[derive(Debug, thiserror::Error)]
pub enum GlossaryError {
    /// The file could not be read.
    #[error("cannot read the glossary {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is wrong.
    #[error("glossary {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with the line.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    #[serde(default)]
    concept: Vec<ConceptEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConceptEntry {
    #[serde(default)]
    sv: Vec<String>,
    #[serde(default)]
    en: Vec<String>,
}

/// One term of a concept, analysed.
#[derive(Debug, Clone, PartialEq)]
pub struct GlossaryTerm {
    /// The term as written.
    pub written: String,
    /// Its language.
    pub lang: Lang,
    /// Folded stems of its content words, in order.
    pub stems: Vec<String>,
}

/// Terms that mean the same thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// All its terms, both languages.
    pub terms: Vec<GlossaryTerm>,
}

/// The glossary, analysed and ready to match questions.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    concepts: Vec<Concept>,
}

impl Glossary {
    /// Parses glossary TOML; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Glossary, GlossaryError> {
        let file: GlossaryFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
            GlossaryError::Invalid {
                path: origin.to_owned(),
                message: format!("{at}{}", e.message()),
            }
        })?;
        let no_lexicon = Lexicon::default();
        let mut concepts = Vec::new();
        for (i, entry) in file.concept.into_iter().enumerate() {
            let terms: Vec<GlossaryTerm> = entry
                .sv
                .into_iter()
                .map(|t| (t, Lang::Sv))
                .chain(entry.en.into_iter().map(|t| (t, Lang::En)))
                .filter_map(|(written, lang)| {
                    let stems: Vec<String> = split_words(&written.to_lowercase())
                        .filter_map(|(_, w)| word_forms(w, lang, &no_lexicon).map(|f| f.folded))
                        .collect();
                    (!stems.is_empty()).then_some(GlossaryTerm {
                        written,
                        lang,
                        stems,
                    })
                })
                .collect();
            if terms.len() < 2 {
                return Err(GlossaryError::Invalid {
                    path: origin.to_owned(),
                    message: format!(
                        "concept {} needs at least two terms with content words",
                        i + 1
                    ),
                });
            }
            concepts.push(Concept { terms });
        }
        Ok(Glossary { concepts })
    }

    /// Reads a glossary file.
    pub fn from_file(path: &Path) -> Result<Glossary, GlossaryError> {
        let text = std::fs::read_to_string(path).map_err(|source| GlossaryError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Glossary::parse(&text, &path.display().to_string())
    }

    /// The glossary shipped with Lots.
    pub fn embedded() -> Glossary {
        Glossary::parse(DEFAULT_GLOSSARY, "config/glossary.toml")
            .expect("the shipped glossary is valid")
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// The folded stems of its one-word terms in `lang`: words Lots knows though the guidance
    /// may never use them (`mejl`, `soc`), so they can be parts of a compound (`mejladress`).
    pub fn single_words(&self, lang: Lang) -> impl Iterator<Item = &str> {
        self.concepts
            .iter()
            .flat_map(|c| &c.terms)
            .filter(move |t| t.lang == lang && t.stems.len() == 1)
            .map(|t| t.stems[0].as_str())
    }

    /// The concepts whose terms occur in `words` (a question's content words in `lang`, each as
    /// its folded stem and its compound parts). Returns (concept, first word, word count) with
    /// the longest match first at each place.
    pub fn find<'g>(
        &'g self,
        words: &[(String, Vec<String>)],
        lang: Lang,
    ) -> Vec<(&'g Concept, usize, usize)> {
        let mut found = Vec::new();
        for concept in &self.concepts {
            for term in concept.terms.iter().filter(|t| t.lang == lang) {
                for start in 0..words.len() {
                    if matches_at(&term.stems, words, start) {
                        found.push((concept, start, term.stems.len()));
                    }
                }
            }
        }
        found.sort_by_key(|&(_, start, len)| (start, std::cmp::Reverse(len)));
        found
    }
}

/// Whether `stems` occur at `words[start..]`; a one-word term also matches a compound part.
fn matches_at(stems: &[String], words: &[(String, Vec<String>)], start: usize) -> bool {
    if start + stems.len() > words.len() {
        return false;
    }
    if let [single] = stems {
        let (stem, parts) = &words[start];
        return stem == single || parts.contains(single);
    }
    stems.iter().zip(&words[start..]).all(|(s, (w, _))| s == w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, lang: Lang) -> Vec<(String, Vec<String>)> {
        split_words(&text.to_lowercase())
            .filter_map(|(_, w)| word_forms(w, lang, &Lexicon::default()))
            .map(|f| (f.folded, f.parts))
            .collect()
    }

    #[test]
    fn the_shipped_glossary_parses() {
        assert!(Glossary::embedded().len() >= 20);
    }

    #[test]
    fn english_phrase_finds_its_swedish_concept() {
        let g = Glossary::parse(
            "[[concept]]\nsv = [\"betänketid\"]\nen = [\"reflection period\", \"recovery and reflection period\"]\n",
            "test",
        )
        .unwrap();
        let w = words("When does the reflection period end?", Lang::En);
        let found = g.find(&w, Lang::En);
        assert_eq!(found.len(), 1);
        let (concept, start, len) = found[0];
        assert_eq!((start, len), (0, 2));
        assert!(concept.terms.iter().any(|t| t.stems == ["betanketid"]));
        assert!(
            g.find(&words("how long is the period", Lang::En), Lang::En)
                .is_empty()
        );
    }

    #[test]
    fn bad_glossary_names_the_line() {
        let err = Glossary::parse("[[concept]]\nsv = [\"a\"\n", "g.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("glossary g.toml: line 2"), "{err}");
        let err = Glossary::parse("[[concept]]\nsv = [\"offer\"]\n", "g.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("at least two terms"), "{err}");
    }
}

//! How much of a section's heading the question asks about.
//!
//! Coverage asks how much of the question a section holds. The echo asks the other way round:
//! how much of the section's heading the question holds. Sections of one document share its
//! subject words, so coverage often ties among them; the heading that echoes the question's
//! other words, its verbs included, is the section asked about: `Vad personen gör` for
//! *vad gör kontaktpersonen*, `Det här ska du inte dela` for *vad ska man inte dela*.
//!
//! How it works: when an index opens, each heading becomes its words ([`HeadingWords`]): content
//! words as term ids (whole stem and compound parts; numbers left out: they answer, they aren't
//! asked) and light verbs and relation words (`efter`, `utan`) as lemmas ([`light_verb`],
//! [`relation_word`]); other stop words don't count. For a question, [`Asked`] holds every term of
//! its concepts' alternatives with the best factor it comes with, and its light verbs. A heading
//! word the question has whole counts by that factor; a compound only some of whose parts it
//! has, by half the share of those parts.

use std::collections::HashMap;

use crate::analysis::{
    Analyzer, Lang, fold, is_number, light_verb, relation_word, split_words, stem,
};

/// A light verb or a relation word (`efter`, `utan`), by lemma: function words that say what a
/// heading is about.
fn function_word(lower: &str) -> Option<&'static str> {
    light_verb(lower).or_else(|| relation_word(lower))
}

/// Heading words (lower-case) of time and its length: a question of how long echoes them.
const DURATION_WORDS: &[&str] = &[
    "tid",
    "tiden",
    "tider",
    "tiderna",
    "tidsgräns",
    "tidsgränser",
    "tidsfrist",
    "tidsfrister",
    "längd",
    "längden",
    "längst",
    "längsta",
    "varaktighet",
    "period",
    "perioden",
    "perioder",
    "time",
    "length",
    "duration",
    "periods",
    "long",
    "longest",
];

/// What a word of the document's title counts in one of its headings, next to 1 for others.
const TITLE_WORD_WEIGHT: f32 = 0.5;
/// What a heading word the question has only in parts counts, at most.
const PARTS_ECHO: f32 = 0.5;

/// A heading's words, as the echo compares them.
#[derive(Debug, Clone, Default)]
pub struct HeadingWords(Box<[HeadingWord]>);

#[derive(Debug, Clone)]
enum HeadingWord {
    /// A content word: its folded stem and the folded stems of its parts, as term ids.
    Content {
        whole: u32,
        parts: Box<[u32]>,
        /// How much it counts: less for a word of the document's title.
        weight: f32,
        /// A number word (`sju`): no part of what a question for a number asks.
        number: bool,
        /// A word of time and its length (`tider`, `längsta`, `period`): what a question of
        /// how long asks about.
        duration: bool,
    },
    /// A light or modal verb, by lemma.
    Light(&'static str),
}

impl HeadingWords {
    /// The subject of a document for [`HeadingWords::new`]: the folded stems of its `title`.
    pub fn subject(title: &str, lang: Lang, analyzer: &mut Analyzer<'_>) -> Vec<String> {
        analyzer
            .analyze(title, lang)
            .into_iter()
            .map(|w| w.forms.folded.clone())
            .collect()
    }

    /// The words of `heading` (in `lang`), terms interned by `id`. Words of the document's
    /// `subject` ([`HeadingWords::subject`]) count half: every section of a document about
    /// children is about children, so `barn` in `Samtal med barn` says little about which of its
    /// sections is asked about.
    pub fn new(
        heading: &str,
        subject: &[String],
        lang: Lang,
        analyzer: &mut Analyzer<'_>,
        mut id: impl FnMut(&str) -> u32,
    ) -> Self {
        let mut words: Vec<HeadingWord> = split_words(heading)
            .filter_map(|(_, w)| function_word(&w.to_lowercase()))
            .map(HeadingWord::Light)
            .collect();
        // A number in a heading (`The 30-day period`, `Akut fara: 112`) is part of
        // the answer, not of what is asked; so is a number word (`De fem kommunerna`) to a
        // question for a number.
        for w in analyzer
            .analyze(heading, lang)
            .into_iter()
            .filter(|w| !w.forms.stem.chars().all(|c| c.is_ascii_digit()))
        {
            let lower = heading[w.range.clone()].to_lowercase();
            let number = is_number(&lower);
            let duration = DURATION_WORDS.contains(&lower.as_str());
            let weight = if subject.contains(&w.forms.folded) {
                TITLE_WORD_WEIGHT
            } else {
                1.0
            };
            words.push(HeadingWord::Content {
                number,
                duration,
                weight,
                whole: id(&w.forms.folded),
                parts: w.forms.parts.iter().map(|p| id(&fold(p))).collect(),
            });
        }
        HeadingWords(words.into_boxed_slice())
    }

    /// The share of these words that `asked` has (0–1; 0 for a heading without such words).
    pub fn echo(&self, asked: &Asked) -> f32 {
        if self.0.is_empty() {
            return 0.0;
        }
        let (found, total) = self
            .0
            .iter()
            .filter(|word| {
                !(asked.quantity && matches!(word, HeadingWord::Content { number: true, .. }))
            })
            .map(|word| match word {
                HeadingWord::Light(lemma) => (
                    if asked.light.contains(lemma) {
                        1.0
                    } else {
                        0.0
                    },
                    1.0,
                ),
                HeadingWord::Content {
                    duration: true,
                    weight,
                    ..
                } if asked.duration => (*weight, *weight),
                HeadingWord::Content {
                    whole,
                    parts,
                    weight,
                    ..
                } => {
                    let had = match asked.terms.get(whole) {
                        Some(factor) => *factor,
                        None if parts.is_empty() => 0.0,
                        None => {
                            let had = parts.iter().filter(|p| asked.terms.contains_key(p)).count();
                            PARTS_ECHO * had as f32 / parts.len() as f32
                        }
                    };
                    (had * weight, *weight)
                }
            })
            .fold((0.0, 0.0), |(f, t), (a, b)| (f + a, t + b));
        if total == 0.0 { 0.0 } else { found / total }
    }
}

/// What a question offers to echo: its terms as ids with their best factor, its light verbs.
#[derive(Debug, Default)]
pub struct Asked {
    terms: HashMap<u32, f32>,
    light: Vec<&'static str>,
    /// The question asks for a number (*hur många*).
    quantity: bool,
    /// The question asks how long (*hur länge*).
    duration: bool,
}

impl Asked {
    /// The term ids of a question's alternatives, each with its factor (`alternatives`), and
    /// the light verbs of `question`.
    pub fn new<'a>(
        question: &str,
        alternatives: impl IntoIterator<Item = (f32, &'a [u32])>,
    ) -> Self {
        let mut terms: HashMap<u32, f32> = HashMap::new();
        for (factor, ids) in alternatives {
            for &id in ids {
                let best = terms.entry(id).or_insert(0.0);
                *best = best.max(factor);
            }
        }
        Asked {
            terms,
            light: Vec::new(),
            quantity: false,
            duration: false,
        }
        .with_light_verbs(question)
    }

    /// Marks the question as one for a number or a duration (*hur många*, *hur länge*).
    pub fn asking_quantity(mut self, quantity: bool) -> Self {
        self.quantity = quantity;
        self
    }

    /// Marks the question as one of how long (*hur länge*): a heading's words of time and its
    /// length (`Boendeformer och längsta tider`) are what it asks about.
    pub fn asking_duration(mut self, duration: bool) -> Self {
        self.duration = duration;
        self
    }

    /// Also counts the words of `place` (the place the question is scoped to, named in it or
    /// the asker's) as asked: `Kvinnojouren i Umeå` echoes an Umeå asker's question.
    pub fn with_place(mut self, place: &str, term_id: impl Fn(&str) -> Option<u32>) -> Self {
        for (_, word) in split_words(place) {
            let folded = fold(&stem(&word.to_lowercase(), Lang::Sv));
            if let Some(id) = term_id(&folded) {
                self.terms.insert(id, 1.0);
            }
        }
        self
    }

    fn with_light_verbs(mut self, question: &str) -> Self {
        self.light = split_words(question)
            .filter_map(|(_, w)| function_word(&w.to_lowercase()))
            .collect();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Lexicon, lexicon_stems};
    use crate::glossary::Glossary;
    use crate::query::parse_query;

    /// The echo of `question` in each of `headings`, over a lexicon of `corpus`.
    fn echoes(corpus: &str, headings: &[&str], question: &str, place: Option<&str>) -> Vec<f32> {
        echoes_under("", corpus, headings, question, place)
    }

    /// As [`echoes`], for headings of a document titled `title`.
    fn echoes_under(
        title: &str,
        corpus: &str,
        headings: &[&str],
        question: &str,
        place: Option<&str>,
    ) -> Vec<f32> {
        let mut lexicon = Lexicon::default();
        for s in lexicon_stems(corpus, Lang::Sv) {
            lexicon.add(&s);
        }
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut analyzer = Analyzer::new(&lexicon);
        let words: Vec<HeadingWords> = headings
            .iter()
            .map(|h| {
                let subject = HeadingWords::subject(title, Lang::Sv, &mut analyzer);
                HeadingWords::new(h, &subject, Lang::Sv, &mut analyzer, |t| {
                    let next = vocabulary.len() as u32;
                    *vocabulary.entry(t.to_owned()).or_insert(next)
                })
            })
            .collect();
        let query = parse_query(question, &lexicon, &Glossary::default());
        let ids: Vec<(f32, Vec<u32>)> = query
            .concepts
            .iter()
            .flat_map(|c| &c.alternatives)
            .map(|a| {
                let ids = a.terms.iter().filter_map(|t| vocabulary.get(t).copied());
                (a.factor, ids.collect())
            })
            .collect();
        let mut asked = Asked::new(question, ids.iter().map(|(f, ids)| (*f, ids.as_slice())))
            .asking_quantity(query.wants_quantity)
            .asking_duration(query.wants_duration);
        if let Some(place) = place {
            asked = asked.with_place(place, |t| vocabulary.get(t).copied());
        }
        words.iter().map(|w| w.echo(&asked)).collect()
    }

    #[test]
    fn light_verbs_of_the_heading_count_when_the_question_has_them_in_any_form() {
        let corpus = "kontaktperson person gruppchatten dela";
        let e = echoes(
            corpus,
            &["Vad en kontaktperson är", "Vad personen gör"],
            "Vad gjorde kontaktpersonen?",
            None,
        );
        // `är` is not asked; `gör` is, as `gjorde`; `personen` is a part of the asked compound.
        assert_eq!(e[0], 0.5);
        assert!(e[1] > e[0], "{e:?}");
        let e = echoes(
            corpus,
            &["Vad gruppchatten är till för", "Det här ska du inte dela"],
            "vad ska vi inte dela i gruppchatten?",
            None,
        );
        assert_eq!(e, [0.5, 1.0]);
    }

    #[test]
    fn a_compound_heading_word_echoes_by_half_the_share_of_its_parts_asked() {
        let corpus = "region koordinator regionkoordinator mottagande";
        let e = echoes(
            corpus,
            &["Regionkoordinatorn", "Mottagande"],
            "vem är koordinator?",
            None,
        );
        assert_eq!(e, [PARTS_ECHO / 2.0, 0.0]);
    }

    #[test]
    fn the_place_asked_for_counts_as_asked() {
        let corpus = "kvinnojouren umeå";
        let headings = ["Kvinnojouren i Umeå"];
        let q = "när har kvinnojouren öppet?";
        assert_eq!(echoes(corpus, &headings, q, None), [0.5]);
        assert_eq!(echoes(corpus, &headings, q, Some("Umeå")), [1.0]);
    }

    #[test]
    fn relation_words_count_and_numbers_do_not() {
        let corpus = "betänketiden betänketid";
        let headings = ["Efter betänketiden", "Betänketiden: 30"];
        // `efter` changes what the first heading is about; `30` is an answer, not a topic.
        assert_eq!(echoes(corpus, &headings, "betänketiden?", None), [0.5, 1.0]);
        assert_eq!(
            echoes(corpus, &headings, "vad händer efter betänketiden?", None),
            [1.0, 1.0]
        );
        // `medan` (while) is `under` (during), and is no topic of its own.
        assert_eq!(
            echoes(
                corpus,
                &["Under betänketiden"],
                "vad gäller medan betänketiden löper?",
                None
            ),
            [1.0]
        );
    }

    #[test]
    fn a_number_word_answers_a_question_for_a_number() {
        let corpus = "kommuner kommunerna";
        let headings = ["De fem kommunerna"];
        // `fem` is what "hur många" asks for; to another question it is a word it lacks.
        assert_eq!(
            echoes(corpus, &headings, "hur många kommuner är med?", None),
            [1.0]
        );
        assert_eq!(
            echoes(corpus, &headings, "vilka kommuner är med?", None),
            [0.5]
        );
    }

    #[test]
    fn words_of_time_answer_a_question_of_how_long() {
        let corpus = "boendeformer boende former tider";
        let headings = ["Boendeformer och längsta tider"];
        // `längsta tider` is what "hur länge" asks about; `boendeformer` is echoed in part (a
        // quarter of one word in three).
        let long = echoes(corpus, &headings, "hur länge kan hon få boende?", None);
        let which = echoes(corpus, &headings, "vilket boende kan hon få?", None);
        assert!((long[0] - 0.75).abs() < 1e-6, "{long:?}");
        assert!((which[0] - 0.25 / 3.0).abs() < 1e-6, "{which:?}");
    }

    #[test]
    fn a_word_of_the_documents_title_counts_less_in_its_headings() {
        let corpus = "barn skydd skola";
        let headings = ["Skydd för barn", "Vad skolan ska göra"];
        let q = "vem kontaktar vi när ett barn verkar rädd?";
        // Every section of a document about children is about children.
        let plain = echoes(corpus, &headings, q, None);
        let titled = echoes_under("Barn och människohandel", corpus, &headings, q, None);
        assert_eq!(plain[0], 0.5);
        assert_eq!(titled[0], TITLE_WORD_WEIGHT / (1.0 + TITLE_WORD_WEIGHT));
        assert_eq!(titled[1], plain[1]);
    }

    #[test]
    fn a_heading_of_stop_words_only_echoes_nothing() {
        assert_eq!(echoes("", &["Om oss"], "om oss", None), [0.0]);
    }
}

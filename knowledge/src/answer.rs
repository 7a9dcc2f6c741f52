//! Answering a question: rank sections, respect the asker's place, pick the sentences that
//! answer, and say "no answer" when the evidence is weak.
//!
//! How it works:
//! 1. The question becomes [`Concept`]s ([`parse_query`]), each weighted by its rarity in the corpus
//!    (inverse document frequency; a word the corpus has never seen weighs most).
//! 2. Tantivy's BM25 over body, heading and title fields finds candidate sections.
//! 3. Each candidate is re-scored by how much of the question's weight it covers — in its text and
//!    in its heading — next to its BM25 score, and by scope: a local routine of the asker's (or the
//!    named) municipality is preferred; another place's local routine is never used; a Swedish
//!    question prefers Swedish guidance to an English summary.
//! 4. The confidence gate ([`crate::gate`]): if the best section covers too little of the
//!    question, only about as much as a section of another document, misses one of its two topics
//!    or most of them, or covers much less than another place's local routine, the answer is
//!    `no_answer` with no guess. A question for a phone number or opening hours
//!    ([`crate::answer_kind`]) has only sections that hold one as candidates.
//! 5. Within each document, the sections take the document's places in the order of how much of
//!    their heading the question echoes ([`crate::heading_echo`]): `Det här får du inte skriva`
//!    for *vad får man inte skriva?*. Which documents answer, and the gate, stay as step 3 says.

use jiff::civil::Date;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use crate::analysis::{Analyzer, Lang, light_verb};
use crate::answer_kind::AnswerKind;
use crate::gate::{Confidence, Rule};
use crate::glossary::Glossary;
use crate::heading_echo::Asked;
use crate::index::{GuidanceIndex, IndexError, Ranking, SectionRecord};
use crate::passage::{Passage, select_passage};
use crate::places::{Municipality, Places};
use crate::query::{Concept, Query, parse_query_with};

/// Candidates taken from BM25 for re-scoring.
const CANDIDATES: usize = 20;
/// Candidates taken from the asker's own local routines besides.
const LOCAL_CANDIDATES: usize = 3;
/// At most this many answers are returned.
pub const MAX_ANSWERS: usize = 5;
/// A section that has both of a question's two topics comes first when its evidence is at least
/// this share of the best's.
const BOTH_TOPICS_SHARE: f32 = 0.8;
/// Field boosts relative to the body.
const HEADING_BOOST: f32 = 1.5;
const TITLE_BOOST: f32 = 0.5;
const EXACT_SPELLING_BOOST: f32 = 0.2;
/// Weights of the re-scoring features.
const W_BM25: f32 = 0.35;
const W_COVERAGE: f32 = 0.45;
const W_HEADING: f32 = 0.2;
/// Weight of the heading's echo of the question ([`crate::heading_echo`]) when the sections of
/// one document are ordered among themselves.
const W_ECHO: f32 = 0.5;
/// Bonus when the heading asks the question's kind of question (`Vem ansöker …` for `vem …?`).
const W_QUESTION_WORD: f32 = 0.08;
/// Bonus for a section that states a duration when the question asks how long.
const W_DURATION: f32 = 0.15;
/// Question words that headings of guidance often start with, Swedish and English.
const QUESTION_WORDS: &[&str] = &[
    "vem", "vad", "hur", "när", "var", "vart", "vilka", "vilken", "vilket", "varför", "who",
    "what", "how", "when", "where", "which", "why",
];
/// Scope factors.
const OWN_LOCAL_ROUTINE: f32 = 1.2;
const OWN_REGION: f32 = 1.1;
const LOCAL_ROUTINE_PLACE_UNKNOWN: f32 = 0.7;
const REGIONAL_PLACE_UNKNOWN: f32 = 0.85;
/// An English section answering a Swedish question. Swedish guidance is the authoritative text
/// in Sweden and English documents summarise it for English-speaking staff, so a Swedish asker
/// gets the Swedish section when the two answer about equally well. An English asker gets
/// whichever answers better: local routines and much national guidance exist only in Swedish.
const ENGLISH_FOR_SWEDISH: f32 = 0.9;

/// One answer: a section, the sentences that answer, and its citation.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The section as stored.
    pub section: SectionRecord,
    /// Final score (higher is better).
    pub score: f32,
    /// Share of the question's weight the section covers (0–1).
    pub coverage: f32,
    /// The sentences that answer, with matched words.
    pub passage: Passage,
    /// The document's `review_by` date has passed.
    pub outdated: bool,
}

/// The answers to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    /// The question as asked.
    pub question: String,
    /// The evidence was too weak: say so instead of guessing.
    pub no_answer: bool,
    /// Best first; empty when `no_answer`.
    pub answers: Vec<Answer>,
    /// The municipality the answer was scoped to (named in the question, or the asker's).
    pub place: Option<Municipality>,
    /// Detected language of the question.
    pub lang: Lang,
    /// What the confidence gate saw, for explaining and tuning it.
    pub confidence: Confidence,
    /// Why there is no answer; `None` when there is one.
    pub decline: Option<Decline>,
    /// When there is no answer: the sections nearest the question (at most
    /// [`NEAREST`], never another place's routine), for the asker to read themselves. Not
    /// answers, and not in `answers`; their passages are empty.
    pub nearest: Vec<Answer>,
}

/// At most this many nearest sections are kept when there is no answer.
pub const NEAREST: usize = 2;

/// Why a question got no answer, in terms the asker can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decline {
    /// Only the local routines of these other municipalities have it: the asker's place has
    /// not written it down.
    OnlyElsewhere(Vec<String>),
    /// These words of the question, as asked, appear nowhere in the guidance in any form.
    Unknown(Vec<String>),
    /// The nearest section lacks these words of the question.
    Missing(Vec<String>),
    /// The question asks for a kind of fact (a phone number, an email address, opening hours,
    /// a cost) that no section about it holds.
    NoFact(AnswerKind),
    /// Too little of the question matches anything.
    Weak,
}

/// Where the asker is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asker<'a> {
    /// The asker's (or the room's) municipality, if known.
    pub municipality: Option<&'a str>,
}

/// Answers questions from one index.
pub struct Answerer {
    index: GuidanceIndex,
    glossary: Glossary,
    places: Places,
}

impl Answerer {
    /// An answerer over `index`.
    pub fn new(mut index: GuidanceIndex, glossary: Glossary, places: Places) -> Self {
        // A question's compound may be built on a glossary word the guidance never uses.
        index.learn_words(glossary.single_words(Lang::Sv));
        Answerer {
            index,
            glossary,
            places,
        }
    }

    /// The index answered from.
    pub fn index(&self) -> &GuidanceIndex {
        &self.index
    }

    /// The place data.
    pub fn places(&self) -> &Places {
        &self.places
    }

    /// Answers `question` for `asker`; `today` decides what is outdated.
    pub fn answer(
        &self,
        question: &str,
        asker: Asker<'_>,
        today: Date,
    ) -> Result<Answers, IndexError> {
        let typed = question;
        // Swedish typed without å, ä and ö is read as the guidance spells it.
        let restored = self.index.plain_spellings().restore(typed);
        let question: &str = &restored;
        let mut analyzer = Analyzer::shared(self.index.lexicon(), self.index.forms_cache());
        let query = parse_query_with(
            question,
            &mut analyzer,
            self.index.lexicon(),
            &self.glossary,
        );
        let place = self
            .places
            .find_in_text(question)
            .or_else(|| asker.municipality.and_then(|m| self.places.municipality(m)))
            .cloned();
        let mut out = Answers {
            question: typed.to_owned(),
            no_answer: true,
            answers: vec![],
            place,
            lang: query.lang,
            confidence: Confidence::default(),
            decline: Some(Decline::Weak),
            nearest: vec![],
        };
        if query.concepts.is_empty() {
            return Ok(out);
        }
        let searcher = self.index.searcher();
        let weights = self.concept_weights(&searcher, &query)?;
        let tantivy_query = self.tantivy_query(&query);
        let mut hits = searcher.search(
            &tantivy_query,
            &TopDocs::with_limit(CANDIDATES).order_by_score(),
        )?;
        let max_bm25 = hits.first().map_or(1.0, |h| h.0.max(f32::EPSILON));
        // The place's own local routine is what the asker needs most. Its sections are written
        // for more than this question, so BM25 may rank them below short general ones: its best
        // are always re-scored, and their BM25 counts relative to the routine's best section.
        let own: &[String] = out
            .place
            .as_ref()
            .map_or(&[], |p| self.index.local_routines(&p.name));
        let mut max_own_bm25 = max_bm25;
        if !own.is_empty() {
            let local = searcher.search(
                &self.within_documents(&tantivy_query, own),
                &TopDocs::with_limit(LOCAL_CANDIDATES).order_by_score(),
            )?;
            max_own_bm25 = local.first().map_or(max_bm25, |h| h.0.max(f32::EPSILON));
            for hit in local {
                if !hits.iter().any(|h| h.1 == hit.1) {
                    hits.push(hit);
                }
            }
        }

        let asked: Vec<String> = question_words(question).collect();
        let terms = QuestionTerms::new(&query, &weights, |t| self.index.term_id(t));
        // The heading echo reads the same ids (an alternative with a term no section has can't
        // be echoed either).
        let mut echoed = Asked::new(question, terms.alternatives())
            .asking_quantity(query.wants_quantity)
            .asking_duration(query.wants_duration);
        if let Some(place) = &out.place {
            echoed = echoed.with_place(&place.name, |t| self.index.term_id(t));
        }
        let mut ranked = Vec::with_capacity(hits.len());
        // The best coverage of another place's local routine, which is never the answer here,
        // and that place.
        let mut elsewhere: Vec<(&str, f32)> = Vec::new();
        // The sections for this place that lack the kind of fact asked for (a phone number):
        // never answers, but the nearest when no section about the question has the fact.
        let mut without_fact: Vec<Candidate<'_>> = Vec::new();
        for (bm25, address) in hits {
            let section = self.index.ranking(address)?;
            // A question for a phone number is not answered by a section without one.
            let has_fact = query.wants.is_none_or(|kind| section.facts.has(kind));
            let Some(scope_factor) = scope_factor(section, out.place.as_ref(), query.about_here)
            else {
                if !has_fact {
                    continue;
                }
                let (coverage, _) = terms.covered(&section.terms);
                let places = match &section.about {
                    Some(place) => std::slice::from_ref(place),
                    None => &section.municipalities,
                };
                for place in places {
                    match elsewhere.iter_mut().find(|(p, _)| p == place) {
                        Some((_, best)) => *best = best.max(coverage),
                        None => elsewhere.push((place, coverage)),
                    }
                }
                continue;
            };
            let scope_factor = match (query.lang, section.lang) {
                (Lang::Sv, Lang::En) => scope_factor * ENGLISH_FOR_SWEDISH,
                _ => scope_factor,
            };
            let (coverage, missed) = terms.covered(&section.terms);
            let (heading, _) = terms.covered(&section.heading_terms);
            let asks_alike = question_words(&section.heading).any(|w| asked.contains(&w));
            let echo = section.heading_words.echo(&echoed);
            let bm25 = if own.contains(&section.doc) {
                bm25 / max_own_bm25
            } else {
                bm25 / max_bm25
            };
            let evidence = (W_BM25 * bm25
                + W_COVERAGE * coverage
                + W_HEADING * heading
                + if asks_alike { W_QUESTION_WORD } else { 0.0 }
                + if query.wants_duration && section.facts.states_duration() {
                    W_DURATION
                } else {
                    0.0
                })
                * scope_factor;
            tracing::trace!(
                doc = %section.doc,
                heading = %section.heading,
                bm25,
                coverage,
                heading_coverage = heading,
                asks_alike,
                echo,
                scope_factor,
                evidence,
                "candidate"
            );
            let candidate = Candidate {
                section,
                address,
                evidence,
                within_document: evidence + W_ECHO * echo * scope_factor,
                introduction: section.introduces_document && echo == 0.0,
                coverage,
                missed,
            };
            if has_fact {
                ranked.push(candidate);
            } else {
                without_fact.push(candidate);
            }
        }
        without_fact.sort_by(|a, b| b.evidence.total_cmp(&a.evidence));
        let without_fact: Vec<_> = without_fact
            .iter()
            .take(NEAREST)
            .map(|c| (c.address, c.evidence, c.coverage))
            .collect();
        ranked.sort_by(|a, b| b.evidence.total_cmp(&a.evidence));
        // For a question about two things, a section about both that is nearly as good comes
        // before those about one: the gate below declines the latter.
        let topics = terms.topics();
        if topics == 2
            && let Some(top) = ranked.first().map(|c| c.evidence)
        {
            ranked.sort_by_key(|c| c.missed > 0 || c.evidence < BOTH_TOPICS_SHARE * top);
        }

        let no_fact = query.wants.filter(|_| !without_fact.is_empty());
        let Some(best) = ranked.first() else {
            if let Some(kind) = no_fact {
                out.decline = Some(Decline::NoFact(kind));
                out.nearest = self.shown(&without_fact, None, today)?;
            }
            return Ok(out);
        };
        let runner_up = ranked
            .iter()
            .find(|r| r.section.doc != best.section.doc)
            .map_or(0.0, |r| r.evidence);
        let unknown = terms.unknown_words(&query);
        out.confidence = Confidence {
            coverage: best.coverage,
            lead: (best.evidence - runner_up) / best.evidence.max(f32::EPSILON),
            elsewhere: elsewhere.iter().map(|(_, c)| *c).fold(0.0, f32::max),
            topics,
            missed: best.missed,
            unknown: unknown.len(),
        };
        let rule = out.confidence.rule();
        out.no_answer = rule.is_some();
        tracing::debug!(
            coverage = best.coverage,
            score = best.evidence,
            runner_up,
            no_answer = out.no_answer,
            "ranked"
        );
        out.decline = rule.map(|rule| {
            let missed = terms.missed_words(&query, &best.section.terms);
            match (rule, no_fact) {
                (Rule::OnlyElsewhere, _) => Decline::OnlyElsewhere(
                    elsewhere
                        .iter()
                        .filter(|(_, c)| out.confidence.only_at(*c))
                        .map(|(p, _)| (*p).to_owned())
                        .collect(),
                ),
                (Rule::MostlyUnknown, _) if !unknown.is_empty() => Decline::Unknown(unknown),
                (_, Some(kind)) => Decline::NoFact(kind),
                _ if !missed.is_empty() => Decline::Missing(missed),
                _ => Decline::Weak,
            }
        });
        // For a question about two things, a section about both stays before one about one.
        order_within_documents(&mut ranked, topics == 2);
        let picks = |n: usize| -> Vec<(tantivy::DocAddress, f32, f32)> {
            ranked
                .iter()
                .take(n)
                .map(|c| (c.address, c.evidence, c.coverage))
                .collect()
        };
        match &out.decline {
            None => {
                let passages = Some((&mut analyzer, &query, weights.as_slice()));
                out.answers = self.shown(&picks(MAX_ANSWERS), passages, today)?;
            }
            // Sections that hold the fact are about something else: the nearest are those
            // about the question that lack it.
            Some(Decline::NoFact(_)) => {
                out.nearest = self.shown(&without_fact, None, today)?;
            }
            Some(_) => out.nearest = self.shown(&picks(NEAREST), None, today)?,
        }
        Ok(out)
    }

    /// The sections at `picks` (address, score, coverage) as answers, with the sentences that
    /// answer when `passages` gives what selects them; without, as nearest sections, named
    /// but not quoted.
    fn shown(
        &self,
        picks: &[(tantivy::DocAddress, f32, f32)],
        mut passages: Option<(&mut Analyzer<'_>, &Query, &[f32])>,
        today: Date,
    ) -> Result<Vec<Answer>, IndexError> {
        let mut out = Vec::with_capacity(picks.len());
        for &(address, score, coverage) in picks {
            let section = self.index.record(address)?.clone();
            let passage = match passages.as_mut() {
                Some((analyzer, query, weights)) => select_passage(
                    &section.text,
                    section.lang,
                    analyzer,
                    &query.concepts,
                    weights,
                    query.wants_quantity,
                ),
                None => Passage::default(),
            };
            let outdated = section
                .review_by
                .as_deref()
                .and_then(|d| d.parse::<Date>().ok())
                .is_some_and(|d| d < today);
            out.push(Answer {
                section,
                score,
                coverage,
                passage,
                outdated,
            });
        }
        Ok(out)
    }

    /// Inverse document frequency of each concept, through its best-known alternative;
    /// a concept the corpus has never seen gets the highest weight.
    fn concept_weights(&self, searcher: &Searcher, query: &Query) -> Result<Vec<f32>, IndexError> {
        let n = searcher.num_docs() as f32;
        let idf = |df: f32| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let body = self.index.fields().body;
        let mut weights = Vec::with_capacity(query.concepts.len());
        for concept in &query.concepts {
            let mut weight = None;
            for alt in &concept.alternatives {
                let mut sum = 0.0;
                let mut known = true;
                for t in &alt.terms {
                    let df = searcher.doc_freq(&Term::from_field_text(body, t))? as f32;
                    known &= df > 0.0;
                    sum += idf(df);
                }
                if known {
                    weight = Some(sum / alt.terms.len() as f32);
                    break;
                }
            }
            if weight.is_none() {
                tracing::trace!(words = %concept.words, "unseen concept");
            }
            weights.push(weight.unwrap_or_else(|| idf(0.0)) * concept.weight);
        }
        Ok(weights)
    }

    /// `query`, only in the documents `docs`.
    fn within_documents(&self, query: &BooleanQuery, docs: &[String]) -> BooleanQuery {
        let doc_id = self.index.fields().doc_id;
        let any_of: Vec<(Occur, Box<dyn tantivy::query::Query>)> = docs
            .iter()
            .map(|d| {
                let term =
                    TermQuery::new(Term::from_field_text(doc_id, d), IndexRecordOption::Basic);
                (
                    Occur::Should,
                    Box::new(term) as Box<dyn tantivy::query::Query>,
                )
            })
            .collect();
        BooleanQuery::new(vec![
            (Occur::Must, Box::new(query.clone())),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::new(any_of)),
                    0.0,
                )),
            ),
        ])
    }

    fn tantivy_query(&self, query: &Query) -> BooleanQuery {
        let f = self.index.fields();
        let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut add = |field, text: &str, boost: f32| {
            if seen.insert((field, text.to_owned())) {
                let term = TermQuery::new(
                    Term::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), boost)),
                ));
            }
        };
        for concept in &query.concepts {
            for alt in &concept.alternatives {
                let boost = alt.factor / (alt.terms.len() as f32).sqrt();
                // A term no section has (an English equivalent in Swedish-only guidance, a
                // misspelling) can add nothing but the cost of looking it up in three fields.
                for t in alt.terms.iter().filter(|t| self.index.term_id(t).is_some()) {
                    // A word spelled as asked and without diacritics has the same postings in
                    // the exact field as in the body: its preference goes into the body clause.
                    let exact = concept.exact.iter().any(|e| e.is_ascii() && e == t);
                    add(
                        f.body,
                        t,
                        boost + if exact { EXACT_SPELLING_BOOST } else { 0.0 },
                    );
                    add(f.heading, t, boost * HEADING_BOOST);
                    add(f.title, t, boost * TITLE_BOOST);
                }
            }
            // Spelled as asked, when that differs from the folded form: a word without
            // diacritics has the same postings in both fields.
            for exact in concept.exact.iter().filter(|e| !e.is_ascii()) {
                add(f.body_exact, exact, EXACT_SPELLING_BOOST);
            }
        }
        BooleanQuery::new(clauses)
    }
}

/// The question's concepts as term ids of one index, and what coverage and the gate count of
/// them.
struct QuestionTerms {
    /// Each concept's alternatives: factor and term ids (`None`: a term no section has, so the
    /// alternative can never match).
    concepts: Vec<Vec<(f32, Option<Vec<u32>>)>>,
    /// Each concept's weight in coverage.
    weights: Vec<f32>,
    /// Their sum.
    total: f32,
    /// Whether each concept is a topic of the question ([`crate::gate`]).
    topic: Vec<bool>,
}

impl QuestionTerms {
    /// `query`'s concepts with their idf `weights`, terms looked up by `term_id`.
    ///
    /// A word that asks for the kind of fact (*nummer*, *öppettider*) weighs nothing in
    /// coverage and is no topic: every candidate holds that fact (only sections with a phone
    /// number are candidates), so coverage counts the other words: whose number, which office's
    /// hours. Words of degree (*lång* of *hur lång*), of measure and for the person asked about
    /// weigh little and are no topics either; nor are light verbs (*få*).
    fn new(query: &Query, weights: &[f32], term_id: impl Fn(&str) -> Option<u32>) -> Self {
        let asks_kind = |c: &Concept| query.wants.is_some_and(|k| k.is_asked_by(&c.words));
        let concepts = query
            .concepts
            .iter()
            .map(|c| {
                c.alternatives
                    .iter()
                    .map(|a| (a.factor, a.terms.iter().map(|t| term_id(t)).collect()))
                    .collect()
            })
            .collect();
        let mut coverage_weights: Vec<f32> = query
            .concepts
            .iter()
            .zip(weights)
            .map(|(c, w)| if asks_kind(c) { 0.0 } else { *w })
            .collect();
        if coverage_weights.iter().sum::<f32>() <= 0.0 {
            // Only the kind of fact asked (*öppettider?*): that is the question, then.
            coverage_weights = weights.to_vec();
        }
        let topic = query
            .concepts
            .iter()
            .map(|c| {
                c.weight >= 1.0 && !asks_kind(c) && light_verb(&c.words.to_lowercase()).is_none()
            })
            .collect();
        QuestionTerms {
            concepts,
            total: coverage_weights.iter().sum(),
            weights: coverage_weights,
            topic,
        }
    }

    /// Every alternative whose terms the index has, with its factor (for the heading echo).
    fn alternatives(&self) -> impl Iterator<Item = (f32, &[u32])> {
        self.concepts
            .iter()
            .flatten()
            .filter_map(|(f, ids)| ids.as_deref().map(|ids| (*f, ids)))
    }

    /// The best factor among a concept's alternatives that `terms` (sorted) has in full.
    fn matched(alternatives: &[(f32, Option<Vec<u32>>)], terms: &[u32]) -> f32 {
        alternatives
            .iter()
            .filter(|(_, ids)| {
                ids.as_ref()
                    .is_some_and(|ids| ids.iter().all(|id| terms.binary_search(id).is_ok()))
            })
            .map(|(f, _)| *f)
            .fold(0.0, f32::max)
    }

    /// The share of the question's weight that `terms` (sorted) covers, and how many of the
    /// question's topics it misses altogether.
    fn covered(&self, terms: &[u32]) -> (f32, usize) {
        let mut weight = 0.0;
        let mut missed = 0;
        for ((alts, w), topic) in self.concepts.iter().zip(&self.weights).zip(&self.topic) {
            let factor = Self::matched(alts, terms);
            weight += factor * w;
            missed += usize::from(*topic && factor == 0.0);
        }
        (weight / self.total, missed)
    }

    /// The words (as asked) of the topics that `terms` (sorted) misses altogether.
    fn missed_words(&self, query: &Query, terms: &[u32]) -> Vec<String> {
        self.topic_words(query, |alts| Self::matched(alts, terms) == 0.0)
    }

    /// The words (as asked) of the topics no section has in any form.
    fn unknown_words(&self, query: &Query) -> Vec<String> {
        self.topic_words(query, |alts| alts.iter().all(|(_, ids)| ids.is_none()))
    }

    fn topic_words(
        &self,
        query: &Query,
        pick: impl Fn(&[(f32, Option<Vec<u32>>)]) -> bool,
    ) -> Vec<String> {
        self.concepts
            .iter()
            .zip(&self.topic)
            .zip(&query.concepts)
            .filter(|((alts, topic), _)| **topic && pick(alts))
            .map(|(_, c)| c.words.clone())
            .collect()
    }

    /// How many topics the question has.
    fn topics(&self) -> usize {
        self.topic.iter().filter(|t| **t).count()
    }
}

/// A section weighed for one question.
#[derive(Clone, Copy)]
struct Candidate<'r> {
    section: &'r Ranking,
    address: tantivy::DocAddress,
    /// How well it answers (BM25, coverage, heading, scope): ranks the documents and decides
    /// the gate.
    evidence: f32,
    /// The evidence with the heading's echo of the question: orders a document's sections.
    within_document: f32,
    /// An introduction to its document (`Om översikten`) whose heading the question does not
    /// echo: it comes after the document's other sections.
    introduction: bool,
    /// Share of the question's weight it covers.
    coverage: f32,
    /// How many of the question's topic concepts it misses altogether.
    missed: usize,
}

/// Lets the heading echo order each document's sections among the places (`ranked` is by
/// evidence) that the document's evidence earned. Which documents answer, in what order, and
/// the gate stay as the evidence says; a place keeps its evidence as the score.
fn order_within_documents(ranked: &mut [Candidate<'_>], fewest_missed_first: bool) {
    let by_evidence = ranked.to_vec();
    let mut placed = vec![false; ranked.len()];
    for first in 0..by_evidence.len() {
        if placed[first] {
            continue;
        }
        let doc = &by_evidence[first].section.doc;
        let places: Vec<usize> = (first..by_evidence.len())
            .filter(|&i| &by_evidence[i].section.doc == doc)
            .collect();
        let mut sections = places.clone();
        // Stable: sections the echo cannot tell apart keep the evidence's order.
        let missed = |i: usize| by_evidence[i].missed * usize::from(fewest_missed_first);
        let introduction = |i: usize| by_evidence[i].introduction;
        sections.sort_by(|&a, &b| {
            introduction(a)
                .cmp(&introduction(b))
                .then(missed(a).cmp(&missed(b)))
                .then(
                    by_evidence[b]
                        .within_document
                        .total_cmp(&by_evidence[a].within_document),
                )
        });
        for (&place, &section) in places.iter().zip(&sections) {
            placed[place] = true;
            ranked[place] = Candidate {
                evidence: by_evidence[place].evidence,
                ..by_evidence[section]
            };
        }
    }
}

/// The question words (`vem`, `how`, …) in `text`, lower-cased.
fn question_words(text: &str) -> impl Iterator<Item = String> + '_ {
    crate::analysis::split_words(text)
        .map(|(_, w)| w.to_lowercase())
        .filter(|w| QUESTION_WORDS.contains(&w.as_str()))
}

/// How a section's scope fits the place asked about; `None`: not for this place. A section of
/// national guidance about one place's arrangement (`about`) is not for a question about the
/// asker's own place (`about_here`) elsewhere: the Helsingborg model's network is not the one
/// a Lund asker means by *nätverket här*.
fn scope_factor(section: &Ranking, place: Option<&Municipality>, about_here: bool) -> Option<f32> {
    let local = !section.municipalities.is_empty();
    let regional = !section.regions.is_empty();
    match place {
        Some(m) if about_here && section.about.as_ref().is_some_and(|a| *a != m.name) => None,
        _ if !local && !regional => Some(1.0),
        None if local => Some(LOCAL_ROUTINE_PLACE_UNKNOWN),
        None => Some(REGIONAL_PLACE_UNKNOWN),
        Some(m) if local => section
            .municipalities
            .contains(&m.name)
            .then_some(OWN_LOCAL_ROUTINE),
        Some(m) => m
            .region
            .is_some_and(|r| section.regions.iter().any(|s| s == r.name()))
            .then_some(OWN_REGION),
    }
}

impl Answers {
    /// The best answer, if any.
    pub fn best(&self) -> Option<&Answer> {
        self.answers.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heading_echo::HeadingWords;

    fn section(doc: &str, heading: &str) -> Ranking {
        Ranking {
            doc: doc.into(),
            heading: heading.into(),
            lang: Lang::Sv,
            municipalities: vec![],
            regions: vec![],
            about: None,
            terms: Box::new([]),
            heading_terms: Box::new([]),
            heading_words: HeadingWords::default(),
            facts: crate::answer_kind::Facts::default(),
            introduces_document: false,
        }
    }

    #[test]
    fn the_echo_reorders_a_documents_sections_only_among_its_own_places() {
        let (a1, b, a2) = (section("a", "1"), section("b", "2"), section("a", "3"));
        let candidate = |section, evidence, within_document| Candidate {
            section,
            address: tantivy::DocAddress::new(0, 0),
            evidence,
            within_document,
            introduction: false,
            coverage: evidence,
            missed: 0,
        };
        // By evidence: a1, b, a2; a2 echoes the question best, b better than both.
        let mut ranked = [
            candidate(&a1, 0.9, 0.9),
            candidate(&b, 0.8, 1.5),
            candidate(&a2, 0.7, 1.2),
        ];
        order_within_documents(&mut ranked, false);
        let order: Vec<(&str, f32, f32)> = ranked
            .iter()
            .map(|c| (c.section.heading.as_str(), c.evidence, c.coverage))
            .collect();
        // Document a keeps the first and third places, and each place its score; b stays second.
        assert_eq!(order, [("3", 0.9, 0.7), ("2", 0.8, 0.8), ("1", 0.7, 0.9)]);

        // For a question about two things, a section about both stays before one about one,
        // however well the other's heading echoes the question.
        let mut ranked = [
            Candidate {
                missed: 0,
                ..candidate(&a1, 0.9, 0.9)
            },
            Candidate {
                missed: 1,
                ..candidate(&a2, 0.7, 1.2)
            },
        ];
        order_within_documents(&mut ranked, true);
        assert_eq!(ranked[0].section.heading, "1");
        order_within_documents(&mut ranked, false);
        assert_eq!(ranked[0].section.heading, "3");
    }
}

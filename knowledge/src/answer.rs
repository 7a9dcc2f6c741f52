//! Answering a question: the ranking pipeline of [`crate::rank`] over one index.
//!
//! 1. **read**: a case description yields its question sentences, the whole message kept as
//!    context ([`Message`]); a message of only greetings, thanks or filler is small talk
//!    ([`crate::small_talk`]) and gets no guidance.
//! 2. **retrieve**: the question becomes [`Concept`]s ([`parse_query_with`]), weighted by
//!    rarity (idf); tantivy's BM25 over body, heading and title gives candidates, the section
//!    vectors nearest the question's vector give more, and the asker's own local routine's best
//!    sections are always among them. Another place's local routine is never a candidate (its
//!    coverage is kept, to say where the answer is).
//! 3. **features** ([`crate::rank::Feature`]), **score** and **gate** ([`crate::rank`]): named
//!    features, weights and the fitted gate from `config/ranking.toml`.
//! 4. **danger** ([`Danger`]): a message whose meaning is nearest an example of acute danger
//!    gets the sections that say to call 112 first, the asker's own routine's before others, and
//!    is never declined.
//! 5. **explain** and **passage**: a decline names its reason and the nearest sections; an
//!    answer quotes the sentences that answer ([`select_passage`]).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use crate::analysis::{Analyzer, Lang, light_verb};
use crate::answer_kind::AnswerKind;
use crate::danger::Danger;
use crate::embed::{Embedder, cosine};
use crate::gate::Confidence;
use crate::glossary::Glossary;
use crate::heading_echo::Asked;
use crate::index::{GuidanceIndex, IndexError, Ranking, SectionRecord};
use crate::message::Message;
use crate::passage::{Passage, select_passage};
use crate::places::{Municipality, Places};
use crate::query::{Concept, Query, parse_query_with};
use crate::rank::{self, Ablation, Candidate, Feature, Features, RankingModel, Retrieval, Scored};
use crate::small_talk::{is_small_talk, small_talk_lang};
use crate::vectors::{Semantics, query_text};

/// Candidates taken from BM25.
const CANDIDATES: usize = 20;
/// Candidates taken from the section vectors nearest the question.
const SEMANTIC_CANDIDATES: usize = 20;
/// Candidates taken from the asker's own local routines besides.
const LOCAL_CANDIDATES: usize = 3;
/// At most this many answers are returned.
pub const MAX_ANSWERS: usize = 5;
/// Field boosts relative to the body.
const HEADING_BOOST: f32 = 1.5;
const TITLE_BOOST: f32 = 0.5;
const EXACT_SPELLING_BOOST: f32 = 0.2;
/// Question words that headings of guidance often start with, Swedish and English.
const QUESTION_WORDS: &[&str] = &[
    "vem", "vad", "hur", "när", "var", "vart", "vilka", "vilken", "vilket", "varför", "who",
    "what", "how", "when", "where", "which", "why",
];

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
    /// The evidence was too weak, or the message asks nothing: say so instead of guessing.
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
    /// The message describes acute danger: 112 and the acute routine come first.
    pub danger: bool,
}

/// At most this many nearest sections are kept when there is no answer.
pub const NEAREST: usize = 2;

/// Why a question got no answer, in terms the asker can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decline {
    /// The message is a greeting, thanks or filler: it asks nothing.
    SmallTalk,
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

/// What retrieval found for one message: the candidates with their features, and what
/// scoring, the gate and the answer need besides. Scoring it again with other weights
/// ([`Answerer::conclude`]) needs no second retrieval: `lots fit` and `lots eval --folds` do.
#[derive(Debug, Clone)]
pub struct Retrieved {
    /// The message as typed.
    pub message: String,
    /// The candidates and what the gate reads of the question.
    pub retrieval: Retrieval,
    /// The place the answer is scoped to.
    pub place: Option<Municipality>,
    /// The question's language.
    pub lang: Lang,
    /// The message describes acute danger.
    pub danger: bool,
    /// The message is only small talk.
    pub small_talk: bool,
    /// For each candidate, how it answers acute danger (danger puts the lowest first).
    acute: Vec<Acute>,
    query: Query,
    weights: Vec<f32>,
    /// The question's vector (empty for small talk).
    asked_vector: Vec<f32>,
}

/// What choosing passages needs of the question.
struct Asking<'a, 'b> {
    analyzer: &'a mut Analyzer<'b>,
    query: &'a Query,
    weights: &'a [f32],
    vector: &'a [f32],
}

/// Answers questions from one index.
pub struct Answerer {
    index: GuidanceIndex,
    glossary: Glossary,
    places: Places,
    embedder: Arc<Embedder>,
    danger: Danger,
    model: RankingModel,
    /// Sections that say to call 112, by address, with whether their heading says it.
    acute: HashMap<DocAddress, bool>,
}

impl Answerer {
    /// An answerer over `index`, embedding questions with `semantics`'s model (the one that
    /// embedded the index's sections), with the shipped ranking model.
    pub fn new(
        mut index: GuidanceIndex,
        glossary: Glossary,
        places: Places,
        semantics: &Semantics,
    ) -> Result<Self, IndexError> {
        // A question's compound may be built on a glossary word the guidance never uses.
        index.learn_words(glossary.single_words(Lang::Sv));
        let danger = Danger::embedded(semantics)?;
        // Borrowed, not cloned: every section's text is read once here.
        let acute = index
            .sections()
            .filter(|s| says_call_112(&s.heading) || says_call_112(&s.text))
            .filter_map(|s| {
                Some((
                    index.address_of_row(s.row as usize)?,
                    says_call_112(&s.heading),
                ))
            })
            .collect();
        Ok(Answerer {
            index,
            glossary,
            places,
            embedder: Arc::clone(semantics.embedder()),
            danger,
            model: RankingModel::embedded(),
            acute,
        })
    }

    /// The same answerer with another ranking model.
    pub fn with_model(mut self, model: RankingModel) -> Self {
        self.model = model;
        self
    }

    /// The ranking model answered with.
    pub fn model(&self) -> &RankingModel {
        &self.model
    }

    /// The index answered from.
    pub fn index(&self) -> &GuidanceIndex {
        &self.index
    }

    /// The place data.
    pub fn places(&self) -> &Places {
        &self.places
    }

    /// Answers `message` for `asker`; `today` decides what is outdated.
    pub fn answer(
        &self,
        message: &str,
        asker: Asker<'_>,
        today: Date,
    ) -> Result<Answers, IndexError> {
        let retrieved = self.retrieve(message, asker)?;
        self.conclude(&retrieved, &self.model, &Ablation::default(), today)
    }

    /// Scores `retrieved` with `model` (features and signals in `off` switched off), gates and
    /// explains it, and quotes the answers.
    pub fn conclude(
        &self,
        retrieved: &Retrieved,
        model: &RankingModel,
        off: &Ablation,
        today: Date,
    ) -> Result<Answers, IndexError> {
        let decision = decide(retrieved, model, off);
        let mut out = Answers {
            question: retrieved.message.clone(),
            no_answer: decision.declines,
            answers: vec![],
            place: retrieved.place.clone(),
            lang: retrieved.lang,
            confidence: decision.confidence,
            decline: None,
            nearest: vec![],
            danger: retrieved.danger,
        };
        let candidates = &retrieved.retrieval.candidates;
        let picks = |n: usize| -> Vec<(DocAddress, f32, f32)> {
            decision
                .order
                .iter()
                .take(n)
                .map(|&i| {
                    (
                        candidates[i].address,
                        decision.scores[i],
                        candidates[i].coverage,
                    )
                })
                .collect()
        };
        if !decision.declines {
            let mut analyzer = Analyzer::shared(self.index.lexicon(), self.index.forms_cache());
            let passages = Some(Asking {
                analyzer: &mut analyzer,
                query: &retrieved.query,
                weights: &retrieved.weights,
                vector: &retrieved.asked_vector,
            });
            out.answers = self.shown(&picks(MAX_ANSWERS), passages, today)?;
            return Ok(out);
        }
        out.decline = Some(explain(retrieved, &decision));
        if !retrieved.small_talk {
            out.nearest = self.shown(&picks(NEAREST), None, today)?;
        }
        Ok(out)
    }

    /// Retrieves the candidates for `message` and computes their features.
    pub fn retrieve(&self, message: &str, asker: Asker<'_>) -> Result<Retrieved, IndexError> {
        let read = Message::read(message);
        // Swedish typed without å, ä and ö is read as the guidance spells it.
        let restored = self.index.plain_spellings().restore(&read.question);
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
            .find_in_text(message)
            .or_else(|| asker.municipality.and_then(|m| self.places.municipality(m)))
            .cloned();
        let small_talk = is_small_talk(message);
        let mut out = Retrieved {
            message: message.to_owned(),
            retrieval: Retrieval::default(),
            place,
            lang: if small_talk {
                small_talk_lang(message)
            } else {
                query.lang
            },
            danger: false,
            small_talk,
            acute: vec![],
            weights: vec![],
            asked_vector: vec![],
            query,
        };
        if small_talk {
            return Ok(out);
        }
        let asked_vector = self.embedder.query(&query_text(&read.question));
        let context_vector = read
            .context
            .as_deref()
            .map(|c| self.embedder.query(&query_text(c)));
        let message_vector = context_vector.as_ref().unwrap_or(&asked_vector);
        out.danger = self.danger.is_acute(message_vector);

        let query = &out.query;
        let searcher = self.index.searcher();
        let weights = self.concept_weights(&searcher, query)?;
        let tantivy_query = self.tantivy_query(query);
        let mut hits = if query.concepts.is_empty() {
            vec![]
        } else {
            searcher.search(
                &tantivy_query,
                &TopDocs::with_limit(CANDIDATES).order_by_score(),
            )?
        };
        out.retrieval.lexical_first = match hits.first() {
            Some((_, a)) => Some(self.index.ranking(*a)?.doc.clone()),
            None => None,
        };
        // The place's own local routine is what the asker needs most. Its sections are written
        // for more than this question, so BM25 may rank them below short general ones: its best
        // are always candidates.
        let own: &[String] = out
            .place
            .as_ref()
            .map_or(&[], |p| self.index.local_routines(&p.name));
        if !own.is_empty() && !query.concepts.is_empty() {
            let local = searcher.search(
                &self.within_documents(&tantivy_query, own),
                &TopDocs::with_limit(LOCAL_CANDIDATES).order_by_score(),
            )?;
            for hit in local {
                if !hits.iter().any(|h| h.1 == hit.1) {
                    hits.push(hit);
                }
            }
        }
        // The sections nearest in meaning, whatever their words.
        let vectors = self.index.vectors();
        let mut by_meaning: Vec<(f32, usize)> = (0..vectors.len())
            .filter_map(|row| Some((cosine(&asked_vector, vectors.get(row)?), row)))
            .collect();
        let k = SEMANTIC_CANDIDATES.min(by_meaning.len());
        if k > 0 {
            by_meaning.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
            by_meaning.truncate(k);
        }
        for (_, row) in &by_meaning {
            if let Some(address) = self.index.address_of_row(*row)
                && !hits.iter().any(|h| h.1 == address)
            {
                hits.push((0.0, address));
            }
        }
        if out.danger {
            // The sections about 112 and the asker's own routine's that say to call it; others
            // that mention it compete as candidates if retrieval found them.
            for (&address, &headline) in &self.acute {
                let own_routine =
                    !own.is_empty() && own.contains(&self.index.ranking(address)?.doc);
                if (headline || own_routine) && !hits.iter().any(|h| h.1 == address) {
                    hits.push((0.0, address));
                }
            }
        }

        let asked: Vec<String> = question_words(question).collect();
        let terms = QuestionTerms::new(query, &weights, |t| self.index.term_id(t));
        // The heading echo reads the same ids (an alternative with a term no section has can't
        // be echoed either).
        let mut echoed = Asked::new(question, terms.alternatives())
            .asking_quantity(query.wants_quantity)
            .asking_duration(query.wants_duration);
        if let Some(place) = &out.place {
            echoed = echoed.with_place(&place.name, |t| self.index.term_id(t));
        }
        let topics = terms.topics();
        let mut candidates = Vec::with_capacity(hits.len());
        let mut acute = Vec::with_capacity(hits.len());
        let mut elsewhere: Vec<(String, f32)> = Vec::new();
        for (_, address) in hits {
            let section = self.index.ranking(address)?;
            let has_fact = query.wants.is_none_or(|kind| section.facts.has(kind));
            let (coverage, _) = terms.covered(&section.terms);
            let Some(scope) = Scope::of(section, out.place.as_ref(), query.about_here) else {
                // Another place's routine: where the answer may be instead.
                if has_fact {
                    let places = match &section.about {
                        Some(place) => std::slice::from_ref(place),
                        None => &section.municipalities,
                    };
                    for place in places {
                        match elsewhere.iter_mut().find(|(p, _)| p == place) {
                            Some((_, best)) => *best = best.max(coverage),
                            None => elsewhere.push((place.clone(), coverage)),
                        }
                    }
                }
                continue;
            };
            let echo = section.heading_words.echo(&echoed);
            let vector = self.index.section_vector(address)?;
            let mut f = Features::default();
            f[Feature::Coverage] = coverage;
            f[Feature::QuestionWord] =
                f32::from(question_words(&section.heading).any(|w| asked.contains(&w)));
            f[Feature::Duration] =
                f32::from(query.wants_duration && section.facts.states_duration());
            f[Feature::Echo] = echo;
            f[Feature::Semantic] = cosine(&asked_vector, vector);
            f[Feature::SemanticContext] = cosine(message_vector, vector);
            f[Feature::LacksFact] = f32::from(!has_fact);
            scope.set(&mut f);
            acute.push(match (self.acute.get(&address), scope) {
                (Some(_), Scope::OwnLocal) => Acute::OwnRoutine,
                (Some(true), _) => Acute::Headline,
                (Some(_), _) => Acute::Mentions,
                (None, _) => Acute::Not,
            });
            candidates.push(Candidate {
                address,
                doc: section.doc.clone(),
                heading: section.heading.clone(),
                features: f,
                coverage,
                missed_words: terms.missed_words(query, &section.terms),
            });
        }
        let best_semantic = candidates
            .iter()
            .map(|c| c.features[Feature::Semantic])
            .fold(0.0, f32::max);
        for c in &mut candidates {
            c.features[Feature::SemanticGap] = c.features[Feature::Semantic] - best_semantic;
        }
        out.retrieval.candidates = candidates;
        out.retrieval.topics = topics;
        out.retrieval.unknown_words = terms.unknown_words(query);
        out.retrieval.elsewhere = elsewhere;
        out.acute = acute;
        out.weights = weights;
        out.asked_vector = asked_vector;
        Ok(out)
    }

    /// The sections at `picks` (address, score, coverage) as answers, with the sentences that
    /// answer when `passages` gives what selects them; without, as nearest sections, named
    /// but not quoted.
    fn shown(
        &self,
        picks: &[(DocAddress, f32, f32)],
        mut passages: Option<Asking<'_, '_>>,
        today: Date,
    ) -> Result<Vec<Answer>, IndexError> {
        let mut out = Vec::with_capacity(picks.len());
        for &(address, score, coverage) in picks {
            let section = self.index.record(address)?.clone();
            let passage = match passages.as_mut() {
                Some(asking) => {
                    let nearness: Vec<f32> = self
                        .index
                        .sentence_vectors(address)?
                        .map(|s| cosine(asking.vector, s))
                        .collect();
                    select_passage(
                        &section.text,
                        section.lang,
                        asking.analyzer,
                        &asking.query.concepts,
                        asking.weights,
                        asking.query.wants_quantity,
                        &nearness,
                    )
                }
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
        // A question of no weighed concept (only question words) covers nothing.
        let share = if self.total > 0.0 {
            weight / self.total
        } else {
            0.0
        };
        (share, missed)
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

/// The question words (`vem`, `how`, …) in `text`, lower-cased.
fn question_words(text: &str) -> impl Iterator<Item = String> + '_ {
    crate::analysis::split_words(text)
        .map(|(_, w)| w.to_lowercase())
        .filter(|w| QUESTION_WORDS.contains(&w.as_str()))
}

/// What scoring and the gate decided for one retrieval.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Candidate indices, best first (danger's acute sections first).
    pub order: Vec<usize>,
    /// Each candidate's score, by index.
    pub scores: Vec<f32>,
    /// What the gate saw.
    pub confidence: Confidence,
    /// Lots declines.
    pub declines: bool,
}

/// Scores, orders and gates `retrieved` with `model` (features and signals in `off` switched
/// off). Shared by answering and by `lots eval`, so cross-validated figures measure exactly
/// what answers do.
pub fn decide(retrieved: &Retrieved, model: &RankingModel, off: &Ablation) -> Decision {
    let retrieval = &retrieved.retrieval;
    let Scored { mut order, scores } = rank::score(retrieval, model, off);
    // A question for a kind of fact (a phone number, a cost) is answered only by a section
    // that holds one: those come first, and when none does the best says what is missing.
    let lacks_fact =
        |i: usize| retrieval.candidates[i].features.without(off)[Feature::LacksFact] > 0.0;
    order.sort_by_key(|&i| lacks_fact(i));
    // The asker's own local routine is preferred: its best section comes first when it covers
    // as much of the question as the best one (many short general sections may say the same
    // in fewer words and score higher; the routine is what applies here).
    let own = |i: usize| retrieval.candidates[i].features.without(off)[Feature::OwnLocal] > 0.0;
    if let (Some(&top), Some(at)) = (order.first(), order.iter().position(|&i| own(i)))
        && at > 0
        && lacks_fact(order[at]) == lacks_fact(top)
        && retrieval.candidates[order[at]].coverage >= retrieval.candidates[top].coverage
    {
        let routine = order.remove(at);
        order.insert(0, routine);
    }
    if retrieved.danger {
        // 112 first: the asker's own routine's acute sections, then those about 112, then
        // those that say to call it, each by score.
        order.sort_by_key(|&i| retrieved.acute[i]);
    }
    let scored = Scored {
        order: order.clone(),
        scores: scores.clone(),
    };
    let mut confidence = Confidence {
        threshold: model.threshold,
        topics: retrieval.topics,
        unknown: retrieval.unknown_words.len(),
        elsewhere: retrieval.elsewhere_best(),
        ..Confidence::default()
    };
    if let (Some(signals), Some(best)) = (rank::signals(retrieval, &scored, off), scored.best()) {
        let c = &retrieval.candidates[best];
        confidence.probability = model.probability(&signals);
        confidence.signals = signals;
        confidence.coverage = c.coverage;
        confidence.missed = c.missed_words.len();
    }
    let no_fact = order.first().is_some_and(|&i| lacks_fact(i));
    let declines = retrieved.small_talk
        || order.is_empty()
        || (!retrieved.danger && (confidence.declines() || no_fact));
    tracing::debug!(
        probability = confidence.probability,
        threshold = confidence.threshold,
        danger = retrieved.danger,
        declines,
        "gated"
    );
    Decision {
        order,
        scores,
        confidence,
        declines,
    }
}

/// Why Lots declines, the most telling reason first.
fn explain(retrieved: &Retrieved, decision: &Decision) -> Decline {
    let confidence = &decision.confidence;
    if retrieved.small_talk {
        return Decline::SmallTalk;
    }
    let retrieval = &retrieved.retrieval;
    let only_elsewhere: Vec<String> = retrieval
        .elsewhere
        .iter()
        .filter(|(_, c)| confidence.only_at(*c))
        .map(|(p, _)| p.clone())
        .collect();
    let best = decision.order.first().map(|&i| &retrieval.candidates[i]);
    if !only_elsewhere.is_empty() {
        Decline::OnlyElsewhere(only_elsewhere)
    } else if confidence.mostly_unknown() {
        Decline::Unknown(retrieval.unknown_words.clone())
    } else if let (Some(kind), Some(best)) = (retrieved.query.wants, best)
        && best.features[Feature::LacksFact] > 0.0
    {
        Decline::NoFact(kind)
    } else if let Some(best) = best.filter(|b| !b.missed_words.is_empty()) {
        Decline::Missing(best.missed_words.clone())
    } else {
        Decline::Weak
    }
}

/// How a section answers acute danger, most directly first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Acute {
    /// The asker's own local routine says to call 112.
    OwnRoutine,
    /// Its heading is about 112 (`Akut fara: 112`).
    Headline,
    /// Its text says to call 112.
    Mentions,
    /// It does not say to call 112.
    Not,
}

/// Whether `text` says to call 112 (the number as a word of its own).
fn says_call_112(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|n| n == "112")
}

/// How a section's scope fits the place asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// National guidance.
    General,
    /// The asker's own local routine.
    OwnLocal,
    /// Guidance for the asker's region.
    OwnRegion,
    /// A local routine, and the asker's place is unknown.
    LocalPlaceUnknown,
    /// Regional guidance, and the asker's place is unknown.
    RegionalPlaceUnknown,
}

impl Scope {
    /// `None`: not for this place. A section of national guidance about one place's
    /// arrangement (`about`) is not for a question about the asker's own place (`about_here`)
    /// elsewhere: another town's network is not the one an asker means by *nätverket här*.
    fn of(section: &Ranking, place: Option<&Municipality>, about_here: bool) -> Option<Scope> {
        let local = !section.municipalities.is_empty();
        let regional = !section.regions.is_empty();
        match place {
            Some(m) if about_here && section.about.as_ref().is_some_and(|a| *a != m.name) => None,
            _ if !local && !regional => Some(Scope::General),
            None if local => Some(Scope::LocalPlaceUnknown),
            None => Some(Scope::RegionalPlaceUnknown),
            Some(m) if local => section
                .municipalities
                .contains(&m.name)
                .then_some(Scope::OwnLocal),
            Some(m) => m
                .region
                .is_some_and(|r| section.regions.iter().any(|s| s == r.name()))
                .then_some(Scope::OwnRegion),
        }
    }

    /// Sets its feature.
    fn set(self, f: &mut Features) {
        let feature = match self {
            Scope::General => return,
            // A local routine when the place is unknown weighed nothing in cross-validation.
            Scope::LocalPlaceUnknown => return,
            Scope::OwnLocal => Feature::OwnLocal,
            Scope::OwnRegion => Feature::OwnRegion,
            Scope::RegionalPlaceUnknown => Feature::RegionalPlaceUnknown,
        };
        f[feature] = 1.0;
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

    #[test]
    fn only_112_as_a_number_of_its_own_says_call_112() {
        assert!(says_call_112("Ring 112 när någon är i fara."));
        assert!(says_call_112("Akut fara: 112"));
        assert!(!says_call_112("Ring 1123 eller 0112"));
        assert!(!says_call_112("Polisen: 114 14"));
    }
}

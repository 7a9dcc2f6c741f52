//! Ranking as a pipeline of named stages. [`crate::answer`] drives it:
//!
//! 1. **retrieve** ([`crate::answer`]): BM25 candidates from tantivy, the semantically nearest
//!    sections by cosine over the section vectors, and the asker's own local routine's best.
//! 2. **features** ([`features::Feature`]): each candidate becomes named numbers — BM25,
//!    coverage of the question's words, heading match, semantic similarity, scope, …
//!    ([`Retrieval`]).
//! 3. **score** ([`score`]): the weighted sum of the features, with weights from
//!    `config/ranking.toml` ([`model::RankingModel`]); best first.
//! 4. **gate** ([`signals`], [`model::RankingModel::probability`]): a calibrated probability
//!    that the best section answers; below the model's threshold Lots declines.
//! 5. **explain** and **passage** ([`crate::answer`]): why a decline, the nearest sections, and
//!    the sentences that answer.
//!
//! The weights are fitted, not tuned by hand: [`fit`] learns them from labelled questions
//! (`lots fit`) and cross-validates them (`lots eval --folds K`).

pub mod features;
pub mod fit;
pub mod model;

pub use features::{Ablation, Feature, Features, Signal, Signals};
pub use model::{ModelError, RankingModel};

/// A candidate section with its features.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where it is in the index.
    pub address: tantivy::DocAddress,
    /// Its document's id.
    pub doc: String,
    /// Its heading as written.
    pub heading: String,
    /// Its features.
    pub features: Features,
    /// Share of the question's weight it covers (for the answer and the gate).
    pub coverage: f32,
    /// The question's topic words it lacks altogether, as asked (for a decline's reason).
    pub missed_words: Vec<String>,
}

/// A question's candidates and what the gate needs to know of the question itself.
#[derive(Debug, Clone, Default)]
pub struct Retrieval {
    /// Candidates, in no particular order.
    pub candidates: Vec<Candidate>,
    /// The question's topics (full-weight concepts).
    pub topics: usize,
    /// Its topic words no section has in any form, as asked.
    pub unknown_words: Vec<String>,
    /// The best coverage of the question by another place's local routine, and those places
    /// with theirs (never answers for this asker).
    pub elsewhere: Vec<(String, f32)>,
    /// The document of the best BM25 candidate.
    pub lexical_first: Option<String>,
}

impl Retrieval {
    /// The best coverage by another place's local routine.
    pub fn elsewhere_best(&self) -> f32 {
        self.elsewhere.iter().map(|(_, c)| *c).fold(0.0, f32::max)
    }
}

/// Candidates in score order, with their scores.
#[derive(Debug, Clone, Default)]
pub struct Scored {
    /// Indices into [`Retrieval::candidates`], best first.
    pub order: Vec<usize>,
    /// Each candidate's score, by index.
    pub scores: Vec<f32>,
}

impl Scored {
    /// The index of the best candidate.
    pub fn best(&self) -> Option<usize> {
        self.order.first().copied()
    }
}

/// Scores every candidate with `model`'s scorer, features in `off` switched off; best first,
/// ties by coverage then document and heading (the order never depends on the retrieval's).
pub fn score(retrieval: &Retrieval, model: &RankingModel, off: &Ablation) -> Scored {
    let scores: Vec<f32> = retrieval
        .candidates
        .iter()
        .map(|c| c.features.without(off).dot(&model.scorer))
        .collect();
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&retrieval.candidates[a], &retrieval.candidates[b]);
        scores[b]
            .total_cmp(&scores[a])
            .then(cb.coverage.total_cmp(&ca.coverage))
            .then_with(|| (&ca.doc, &ca.heading).cmp(&(&cb.doc, &cb.heading)))
    });
    Scored { order, scores }
}

/// What the gate sees: the best candidate's signals, signals in `off` switched off. `None`
/// when there is no candidate.
pub fn signals(retrieval: &Retrieval, scored: &Scored, off: &Ablation) -> Option<Signals> {
    let best_i = scored.best()?;
    let best = &retrieval.candidates[best_i];
    // The runner-up: the best other section. A margin over another document alone would be
    // undefined in guidance of one document, and a section of the same document that answers
    // as well is as much a doubt about which one answers.
    let runner_up = scored.order.get(1).copied();
    let semantic = |c: &Candidate| c.features[Feature::Semantic];
    let semantic_best = retrieval
        .candidates
        .iter()
        .map(semantic)
        .fold(0.0, f32::max);
    let semantic_first_doc = retrieval
        .candidates
        .iter()
        .max_by(|a, b| semantic(a).total_cmp(&semantic(b)))
        .map(|c| &c.doc);
    // How far `value` of the best section leads every other candidate's (0 alone).
    let lead = |value: &dyn Fn(&Candidate) -> f32| {
        let other = retrieval
            .candidates
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != best_i)
            .map(|(_, c)| value(c))
            .fold(f32::NAN, f32::max);
        if other.is_nan() {
            0.0
        } else {
            value(best) - other
        }
    };
    let topics = retrieval.topics.max(1) as f32;
    let mut s = Signals::default();
    // Without a runner-up there is no doubt between sections: no margin either way.
    s[Signal::Margin] = runner_up.map_or(0.0, |i| scored.scores[best_i] - scored.scores[i]);
    s[Signal::Semantic] = semantic(best);
    s[Signal::SemanticBest] = semantic_best;
    s[Signal::SemanticMargin] = lead(&semantic);
    s[Signal::Coverage] = best.coverage;
    s[Signal::Missed] = best.missed_words.len() as f32 / topics;
    s[Signal::MissesATopic] = f32::from(!best.missed_words.is_empty());
    s[Signal::Topics] = retrieval.topics as f32;
    s[Signal::Unknown] = retrieval.unknown_words.len() as f32 / topics;
    s[Signal::Agree] = f32::from(
        retrieval.lexical_first.as_ref() == Some(&best.doc)
            && semantic_first_doc == Some(&best.doc),
    );
    s[Signal::Elsewhere] = (retrieval.elsewhere_best() - best.coverage).max(0.0);
    s[Signal::LacksFact] = best.features[Feature::LacksFact];
    Some(s.without(off))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn candidate(doc: &str, heading: &str, f: &[(Feature, f32)]) -> Candidate {
        let mut features = Features::default();
        for (k, v) in f {
            features[*k] = *v;
        }
        Candidate {
            address: tantivy::DocAddress::new(0, 0),
            doc: doc.into(),
            heading: heading.into(),
            features,
            coverage: features[Feature::Coverage],
            missed_words: vec![],
        }
    }

    #[test]
    fn scoring_orders_by_the_weighted_features_and_ablation_removes_one() {
        let retrieval = Retrieval {
            candidates: vec![
                candidate(
                    "a",
                    "lexical",
                    &[(Feature::Coverage, 1.0), (Feature::Semantic, 0.7)],
                ),
                candidate(
                    "b",
                    "semantic",
                    &[(Feature::Coverage, 0.2), (Feature::Semantic, 0.9)],
                ),
            ],
            ..Retrieval::default()
        };
        let mut model = RankingModel::embedded();
        model.scorer = Features::default();
        model.scorer[Feature::Coverage] = 0.1;
        model.scorer[Feature::Semantic] = 1.0;
        let scored = score(&retrieval, &model, &Ablation::default());
        assert_eq!(scored.order, [1, 0]);
        let off = Ablation::of(["semantic"]).unwrap();
        assert_eq!(score(&retrieval, &model, &off).order, [0, 1]);
    }

    #[test]
    fn signals_read_the_best_and_the_runner_up() {
        let retrieval = Retrieval {
            candidates: vec![
                candidate(
                    "a",
                    "1",
                    &[(Feature::Semantic, 0.9), (Feature::Coverage, 0.8)],
                ),
                candidate("a", "2", &[(Feature::Semantic, 0.85)]),
                candidate("b", "1", &[(Feature::Semantic, 0.8)]),
            ],
            topics: 2,
            unknown_words: vec!["x".into()],
            elsewhere: vec![("Lund".into(), 0.9)],
            lexical_first: Some("a".into()),
        };
        let scored = Scored {
            order: vec![0, 1, 2],
            scores: vec![1.0, 0.9, 0.6],
        };
        let s = signals(&retrieval, &scored, &Ablation::default()).unwrap();
        assert!((s[Signal::Margin] - 0.1).abs() < 1e-6);
        assert!((s[Signal::SemanticMargin] - 0.05).abs() < 1e-6);
        assert_eq!(s[Signal::Unknown], 0.5);
        assert_eq!(s[Signal::Agree], 1.0);
        assert!((s[Signal::Elsewhere] - 0.1).abs() < 1e-6);
        assert!(
            signals(
                &Retrieval::default(),
                &Scored::default(),
                &Ablation::default()
            )
            .is_none()
        );
    }
}

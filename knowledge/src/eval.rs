//! Retrieval quality: a question file with the acceptable answers, and the figures staff care
//! about — is the first answer right (Hit@1), is a right one among the first three (Hit@3), how
//! high does it rank (MRR@5), and does Lots say "no answer" when the guidance has none.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// One question of an evaluation file (JSON lines).
#[derive(Debug, Clone, Deserialize)]
pub struct EvalQuestion {
    /// Identifier.
    pub id: String,
    /// The question.
    pub q: String,
    /// Its language (`sv`/`en`).
    pub lang: String,
    /// The asker's municipality.
    pub municipality: Option<String>,
    /// Acceptable (document, heading) answers; empty: the corpus has no answer.
    pub expect: Vec<Expected>,
    /// Kind of question (direct, paraphrase, compound, english, local, …).
    #[serde(default)]
    pub kind: String,
}

impl EvalQuestion {
    /// Whether the section `heading` of document `doc` is an acceptable answer.
    pub fn accepts(&self, doc: &str, heading: &str) -> bool {
        self.expect
            .iter()
            .any(|e| e.doc == doc && e.heading == heading)
    }
}

/// An acceptable answer.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Expected {
    /// Document id.
    pub doc: String,
    /// Heading as written.
    pub heading: String,
}

/// Reads a JSON-lines question file; an error names the line.
pub fn read_questions(path: &Path) -> Result<Vec<EvalQuestion>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// What a system returned for one question: ranked (document, heading) pairs, and whether it
/// declined to answer.
#[derive(Debug, Clone, Default)]
pub struct Returned {
    /// Ranked results, best first.
    pub ranked: Vec<(String, String)>,
    /// The system said it has no reliable answer.
    pub no_answer: bool,
}

/// Figures for a group of questions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Answerable questions.
    pub answerable: usize,
    /// Share of answerable questions whose first answer is acceptable.
    pub hit1: f64,
    /// … with an acceptable answer among the first three.
    pub hit3: f64,
    /// Mean reciprocal rank of the first acceptable answer within five.
    pub mrr5: f64,
    /// Unanswerable questions.
    pub unanswerable: usize,
    /// Share of unanswerable questions where the system declined.
    pub no_answer_accuracy: f64,
    /// Share of answerable questions the system declined.
    pub declined: f64,
}

/// A question that was not answered as expected.
#[derive(Debug, Clone)]
pub struct Miss {
    /// The question.
    pub question: EvalQuestion,
    /// What came back.
    pub returned: Returned,
    /// 1-based rank of the first acceptable answer, if within five.
    pub rank: Option<usize>,
}

/// Figures overall and per language, and the misses.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    /// All questions.
    pub all: Figures,
    /// Per language code.
    pub by_lang: BTreeMap<String, Figures>,
    /// Per kind of question (`colloquial`, `long`, …; questions without one under `-`).
    pub by_kind: BTreeMap<String, Figures>,
    /// Questions whose first answer was not acceptable, or where declining was wrong or missing.
    pub misses: Vec<Miss>,
}

#[derive(Default)]
struct Tally {
    answerable: usize,
    hit1: usize,
    hit3: usize,
    rr: f64,
    unanswerable: usize,
    declined: usize,
    declined_answerable: usize,
}

impl Tally {
    fn figures(&self) -> Figures {
        let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
        Figures {
            answerable: self.answerable,
            hit1: share(self.hit1, self.answerable),
            hit3: share(self.hit3, self.answerable),
            mrr5: if self.answerable == 0 {
                0.0
            } else {
                self.rr / self.answerable as f64
            },
            unanswerable: self.unanswerable,
            no_answer_accuracy: share(self.declined, self.unanswerable),
            declined: share(self.declined_answerable, self.answerable),
        }
    }
}

/// Scores `returned` (one per question, same order) against the questions.
pub fn score(questions: &[EvalQuestion], returned: Vec<Returned>) -> EvalReport {
    let mut all = Tally::default();
    let mut by_lang: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    for (q, r) in questions.iter().zip(returned) {
        let lang = by_lang.entry(q.lang.clone()).or_default();
        let kind = if q.kind.is_empty() { "-" } else { &q.kind };
        let kind = by_kind.entry(kind.to_owned()).or_default();
        if q.expect.is_empty() {
            for t in [&mut all, &mut *lang, &mut *kind] {
                t.unanswerable += 1;
                t.declined += usize::from(r.no_answer);
            }
            if !r.no_answer {
                misses.push(Miss {
                    question: q.clone(),
                    returned: r,
                    rank: None,
                });
            }
            continue;
        }
        let rank = if r.no_answer {
            None
        } else {
            r.ranked
                .iter()
                .take(5)
                .position(|(doc, heading)| q.accepts(doc, heading))
                .map(|p| p + 1)
        };
        for t in [&mut all, &mut *lang, &mut *kind] {
            t.answerable += 1;
            t.declined_answerable += usize::from(r.no_answer);
            t.hit1 += usize::from(rank == Some(1));
            t.hit3 += usize::from(rank.is_some_and(|r| r <= 3));
            t.rr += rank.map_or(0.0, |r| 1.0 / r as f64);
        }
        if rank != Some(1) {
            misses.push(Miss {
                question: q.clone(),
                returned: r,
                rank,
            });
        }
    }
    EvalReport {
        all: all.figures(),
        by_lang: by_lang.into_iter().map(|(k, t)| (k, t.figures())).collect(),
        by_kind: by_kind.into_iter().map(|(k, t)| (k, t.figures())).collect(),
        misses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, lang: &str, expect: &[(&str, &str)]) -> EvalQuestion {
        EvalQuestion {
            id: id.into(),
            q: id.into(),
            lang: lang.into(),
            municipality: None,
            expect: expect
                .iter()
                .map(|(d, h)| Expected {
                    doc: (*d).into(),
                    heading: (*h).into(),
                })
                .collect(),
            kind: String::new(),
        }
    }

    fn ret(ranked: &[(&str, &str)], no_answer: bool) -> Returned {
        Returned {
            ranked: ranked
                .iter()
                .map(|(d, h)| ((*d).into(), (*h).into()))
                .collect(),
            no_answer,
        }
    }

    #[test]
    fn figures_count_ranks_and_declines() {
        let questions = [
            q("a", "sv", &[("d", "h")]),
            q("b", "sv", &[("d", "h"), ("e", "h")]),
            q("c", "en", &[("d", "h")]),
            q("d", "sv", &[]),
            q("e", "en", &[]),
        ];
        let returned = vec![
            ret(&[("d", "h")], false),                         // rank 1
            ret(&[("x", "y"), ("z", "z"), ("e", "h")], false), // rank 3
            ret(&[("d", "h")], true),                          // declined an answerable one
            ret(&[], true),                                    // right to decline
            ret(&[("d", "h")], false),                         // should have declined
        ];
        let report = score(&questions, returned);
        assert_eq!(report.all.answerable, 3);
        assert!((report.all.hit1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((report.all.hit3 - 2.0 / 3.0).abs() < 1e-9);
        assert!((report.all.mrr5 - (1.0 + 1.0 / 3.0) / 3.0).abs() < 1e-9);
        assert!((report.all.no_answer_accuracy - 0.5).abs() < 1e-9);
        assert!((report.all.declined - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(report.by_kind["-"].answerable, 3);
        assert_eq!(report.by_lang["en"].no_answer_accuracy, 0.0);
        assert_eq!(report.by_lang["sv"].hit1, 0.5);
        let missed: Vec<_> = report
            .misses
            .iter()
            .map(|m| m.question.id.as_str())
            .collect();
        assert_eq!(missed, ["b", "c", "e"]);
    }
}

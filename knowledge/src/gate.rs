//! The confidence gate: when the best section is too weak an answer, Lots says it has none.
//!
//! No single threshold on how much of the question a section covers separates answerable from
//! unanswerable questions: a paraphrase covers little of a question the guidance answers, and a
//! question about something next to the guidance covers a lot of words it has. So besides
//! coverage and the lead over other documents, the gate counts the question's *topics* (its
//! full-weight concepts: not words of degree or measure, the person asked about, light verbs,
//! or the word that names the kind of fact asked for) and asks what the best section does with
//! them.

/// The best section must cover at least this share of the question's weight.
const MIN_COVERAGE: f32 = 0.35;
/// Below this coverage an answer also needs a clear lead over another document's best section.
const CLEAR_COVERAGE: f32 = 0.5;
/// The lead (relative to the best section's score) that counts as clear.
const MIN_LEAD: f32 = 0.01;
/// When another place's local routine covers this much more of the question than the best
/// section that applies to the asker, the answer is only there.
const LOCAL_ELSEWHERE_MARGIN: f32 = 0.3;

/// What the gate sees of the best section and the question.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Confidence {
    /// Share of the question's weight the best section covers (0–1).
    pub coverage: f32,
    /// The best section's lead over the best section of another document, relative to its score.
    pub lead: f32,
    /// The best coverage by another place's local routine (never an answer for this asker).
    pub elsewhere: f32,
    /// The question's topics.
    pub topics: usize,
    /// How many of the topics the best section misses altogether.
    pub missed: usize,
    /// How many of the topics no section has in any form.
    pub unknown: usize,
}

/// The rule by which the gate declined: what the reply can tell the asker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Only another place's local routine answers.
    OnlyElsewhere,
    /// Most topics are missing, some of them words the guidance never uses.
    MostlyUnknown,
    /// The best section has one of the question's two topics.
    HalfTheQuestion,
    /// Too little of the question matches, or nothing stands out.
    Weak,
}

impl Confidence {
    /// Whether the evidence is too weak to answer: `no_answer`.
    pub fn declines(&self) -> bool {
        self.rule().is_some()
    }

    /// The rule that declines, the most telling first; `None`: answer.
    pub fn rule(&self) -> Option<Rule> {
        let weak = self.coverage < MIN_COVERAGE
            || (self.coverage < CLEAR_COVERAGE && self.lead < MIN_LEAD);
        // Another place's local routine answers what nothing here does: the question is about
        // a local arrangement (a contact, a network) that the asker's place has not written down.
        if self.only_at(self.elsewhere) {
            Some(Rule::OnlyElsewhere)
        } else if self.mostly_unknown() {
            Some(Rule::MostlyUnknown)
        } else if self.half_the_question() {
            Some(Rule::HalfTheQuestion)
        } else {
            weak.then_some(Rule::Weak)
        }
    }

    /// Whether another place's local routine with this `coverage` answers what nothing for
    /// this asker does.
    pub fn only_at(&self, coverage: f32) -> bool {
        coverage >= self.coverage + LOCAL_ELSEWHERE_MARGIN
    }

    /// A question about two things (*får hon jobba under betänketiden?*) is not answered by a
    /// section about one of them: that the guidance names betänketid and, elsewhere, work, does
    /// not mean it says whether she may work during it. A longer question may have one word the
    /// guidance puts differently.
    fn half_the_question(&self) -> bool {
        self.topics == 2 && self.missed == 1
    }

    /// A topic the guidance never uses, in any form, part or glossary equivalent, counts twice
    /// among the missed: the guidance may put a word differently, but a question most of whose
    /// topics are missing and one of them wholly unknown (*asyl*, *sexköp*, a course the
    /// guidance never names) is about something it does not cover.
    fn mostly_unknown(&self) -> bool {
        2 * (self.missed + self.unknown) > self.topics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A section covering all of a three-topic question, with a clear lead.
    fn clear() -> Confidence {
        Confidence {
            coverage: 0.9,
            lead: 0.2,
            elsewhere: 0.0,
            topics: 3,
            missed: 0,
            unknown: 0,
        }
    }

    #[test]
    fn a_clear_answer_passes() {
        assert!(!clear().declines());
        assert_eq!(clear().rule(), None);
    }

    #[test]
    fn the_most_telling_rule_is_named() {
        // Weak, half the question and only elsewhere at once: the other place's routine is
        // what the asker can act on.
        let all = Confidence {
            coverage: 0.3,
            elsewhere: 0.9,
            topics: 2,
            missed: 1,
            ..clear()
        };
        assert_eq!(all.rule(), Some(Rule::OnlyElsewhere));
        let here = Confidence {
            elsewhere: 0.0,
            ..all
        };
        assert_eq!(here.rule(), Some(Rule::HalfTheQuestion));
        assert_eq!(
            Confidence { unknown: 1, ..here }.rule(),
            Some(Rule::MostlyUnknown)
        );
        assert_eq!(
            Confidence {
                coverage: 0.3,
                ..clear()
            }
            .rule(),
            Some(Rule::Weak)
        );
    }

    #[test]
    fn low_coverage_or_a_middling_one_without_a_lead_declines() {
        assert!(
            Confidence {
                coverage: 0.3,
                ..clear()
            }
            .declines()
        );
        assert!(
            Confidence {
                coverage: 0.45,
                lead: 0.005,
                ..clear()
            }
            .declines()
        );
        assert!(
            !Confidence {
                coverage: 0.45,
                lead: 0.05,
                ..clear()
            }
            .declines()
        );
        assert!(
            !Confidence {
                coverage: 0.6,
                lead: 0.0,
                ..clear()
            }
            .declines()
        );
    }

    #[test]
    fn what_only_another_places_routine_has_declines() {
        assert!(
            Confidence {
                coverage: 0.6,
                elsewhere: 0.95,
                ..clear()
            }
            .declines()
        );
        assert!(
            !Confidence {
                coverage: 0.8,
                elsewhere: 1.0,
                ..clear()
            }
            .declines()
        );
    }

    #[test]
    fn one_of_two_topics_declines_one_of_three_does_not() {
        let two = Confidence {
            topics: 2,
            ..clear()
        };
        assert!(Confidence { missed: 1, ..two }.declines());
        assert!(
            !Confidence {
                missed: 1,
                ..clear()
            }
            .declines()
        );
    }

    #[test]
    fn most_topics_missing_with_an_unknown_one_declines() {
        // One of three missing, and that one unknown anywhere: two of three count as missing.
        assert!(
            Confidence {
                missed: 1,
                unknown: 1,
                ..clear()
            }
            .declines()
        );
        // One of four missing and unknown: half, not most.
        let four = Confidence {
            topics: 4,
            ..clear()
        };
        assert!(
            !Confidence {
                missed: 1,
                unknown: 1,
                ..four
            }
            .declines()
        );
        assert!(
            Confidence {
                missed: 2,
                unknown: 1,
                ..four
            }
            .declines()
        );
    }
}

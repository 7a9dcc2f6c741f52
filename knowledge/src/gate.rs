//! What the confidence gate saw, for the answer's reader and for explaining a decline.
//!
//! The gate itself is fitted ([`crate::rank::fit`]): a logistic regression of "the best
//! section answers the question" on named [`Signal`](crate::rank::Signal)s, whose probability
//! Lots compares with the model's threshold. Greetings, thanks and filler are stop words
//! ([`crate::small_talk`]), so they never count as a topic the guidance lacks.

use crate::rank::Signals;

/// Share of the question's weight by which another place's local routine must cover more than
/// the best section for this asker for a decline to say the answer is only there.
pub const ELSEWHERE_MARGIN: f32 = 0.3;

/// What the gate saw of the question and its best section.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Confidence {
    /// The gate's probability that the best section answers.
    pub probability: f32,
    /// The probability below which Lots declines.
    pub threshold: f32,
    /// The signals the probability was computed from.
    pub signals: Signals,
    /// Share of the question's weight the best section covers (0–1).
    pub coverage: f32,
    /// The best coverage by another place's local routine (never an answer for this asker).
    pub elsewhere: f32,
    /// The question's topics.
    pub topics: usize,
    /// How many of the topics the best section misses altogether.
    pub missed: usize,
    /// How many of the topics no section has in any form.
    pub unknown: usize,
}

impl Confidence {
    /// Whether the evidence is too weak to answer.
    pub fn declines(&self) -> bool {
        self.probability < self.threshold
    }

    /// Whether another place's local routine with this `coverage` answers what nothing for
    /// this asker does.
    pub fn only_at(&self, coverage: f32) -> bool {
        coverage >= self.coverage + ELSEWHERE_MARGIN
    }

    /// Most of the question's topics are missing, and some of them are words the guidance
    /// never uses in any form: it is about something the guidance does not cover.
    pub fn mostly_unknown(&self) -> bool {
        self.unknown > 0 && 2 * (self.missed + self.unknown) > self.topics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declines_below_the_threshold() {
        let c = Confidence {
            probability: 0.4,
            threshold: 0.5,
            ..Confidence::default()
        };
        assert!(c.declines());
        assert!(
            !Confidence {
                probability: 0.5,
                ..c
            }
            .declines()
        );
    }

    #[test]
    fn only_elsewhere_needs_a_clear_margin_and_unknown_most_topics() {
        let c = Confidence {
            coverage: 0.5,
            topics: 3,
            missed: 1,
            unknown: 1,
            ..Confidence::default()
        };
        assert!(c.only_at(0.85) && !c.only_at(0.7));
        assert!(c.mostly_unknown());
        assert!(!Confidence { unknown: 0, ..c }.mostly_unknown());
        assert!(!Confidence { topics: 5, ..c }.mostly_unknown());
    }
}

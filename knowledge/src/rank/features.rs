//! Named features: what ranking and the gate know of a candidate section, each a number with a
//! name, so a signal is one entry here, one weight in `config/ranking.toml`, and one switch for
//! `lots eval --ablate NAME`.

use std::collections::BTreeSet;

/// Defines a feature enum with its names, in one list, and a fixed-size vector indexed by it.
macro_rules! named {
    ($(#[$meta:meta])* $name:ident, $vector:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every feature, in vector order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// Its name in `config/ranking.toml` and on the command line.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The feature called `name`.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|f| f.name() == name)
            }
        }

        /// One value per feature.
        #[derive(Debug, Clone, Copy, PartialEq, Default)]
        pub struct $vector(pub [f32; $name::ALL.len()]);

        impl std::ops::Index<$name> for $vector {
            type Output = f32;
            fn index(&self, f: $name) -> &f32 {
                &self.0[f as usize]
            }
        }

        impl std::ops::IndexMut<$name> for $vector {
            fn index_mut(&mut self, f: $name) -> &mut f32 {
                &mut self.0[f as usize]
            }
        }

        impl $vector {
            /// The values as a slice, in [`$name::ALL`] order.
            pub fn values(&self) -> &[f32] {
                &self.0
            }

            /// The weighted sum with `weights` (same order).
            pub fn dot(&self, weights: &$vector) -> f32 {
                self.0.iter().zip(&weights.0).map(|(x, w)| x * w).sum()
            }

            /// Sets the features in `off` to zero (an ablation).
            pub fn without(mut self, off: &Ablation) -> Self {
                for f in $name::ALL {
                    if off.0.contains(f.name()) {
                        self[*f] = 0.0;
                    }
                }
                self
            }
        }
    };
}

named! {
    /// What a candidate section has for a question: the scorer's inputs.
    Feature, Features {
        /// Share of the question's concept weight (idf) the section's terms cover.
        Coverage = "coverage",
        /// Its heading asks the question's kind of question (`Vem …` for `vem …?`).
        QuestionWord = "question_word",
        /// The question asks how long and the section states a duration.
        Duration = "duration",
        /// How much of its own heading the question echoes.
        Echo = "echo",
        /// Cosine similarity of the question's and the section's vectors.
        Semantic = "semantic",
        /// Cosine similarity of the whole message's vector (a case description around the
        /// question) and the section's.
        SemanticContext = "semantic_context",
        /// Its cosine minus the best cosine of any candidate (0 for the semantic best).
        SemanticGap = "semantic_gap",
        /// The question asks for a kind of fact (a phone number) it does not hold.
        LacksFact = "lacks_fact",
        /// A local routine of the asker's (or the named) municipality.
        OwnLocal = "own_local",
        /// Guidance for the asker's region.
        OwnRegion = "own_region",
        /// Regional guidance, and the asker's place is unknown.
        RegionalPlaceUnknown = "regional_place_unknown",
    }
}

named! {
    /// What the gate sees of the question and its best-scored section.
    Signal, Signals {
        /// Its score's lead over the runner-up section's.
        Margin = "margin",
        /// Its cosine similarity to the question.
        Semantic = "semantic",
        /// The best cosine of any section to the question.
        SemanticBest = "semantic_best",
        /// The best section's cosine lead over the nearest other candidate's.
        SemanticMargin = "semantic_margin",
        /// Share of the question's weight it covers.
        Coverage = "coverage",
        /// Share of the question's topics it misses.
        Missed = "missed",
        /// It misses at least one of the question's topics altogether.
        MissesATopic = "misses_a_topic",
        /// How many topics the question has.
        Topics = "topics",
        /// Share of the question's topics no section has in any form.
        Unknown = "unknown",
        /// The lexical and the semantic ranking put the same document first.
        Agree = "agree",
        /// How much more of the question another place's local routine covers.
        Elsewhere = "elsewhere",
        /// The question asks for a kind of fact the best section does not hold.
        LacksFact = "lacks_fact",
    }
}

/// Features switched off, by name (`lots eval --ablate NAME`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ablation(BTreeSet<String>);

impl Ablation {
    /// Switches off the features and signals called `names`; an unknown name is an error that
    /// lists the known ones.
    pub fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Ablation, String> {
        let mut off = BTreeSet::new();
        for name in names {
            if Feature::from_name(name).is_none() && Signal::from_name(name).is_none() {
                let known: Vec<&str> = Feature::ALL
                    .iter()
                    .map(|f| f.name())
                    .chain(Signal::ALL.iter().map(|s| s.name()))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                return Err(format!(
                    "no feature called {name:?}; the features are {}",
                    known.join(", ")
                ));
            }
            off.insert(name.to_owned());
        }
        Ok(Ablation(off))
    }

    /// Whether nothing is switched off.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names switched off.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for f in Feature::ALL {
            assert_eq!(Feature::from_name(f.name()), Some(*f));
        }
        let names: BTreeSet<_> = Feature::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Feature::ALL.len());
        assert_eq!(Signal::from_name("margin"), Some(Signal::Margin));
        assert_eq!(Feature::from_name("margin"), None);
    }

    #[test]
    fn an_ablation_zeroes_its_features_and_names_the_known_ones_on_a_typo() {
        let mut x = Features::default();
        x[Feature::Semantic] = 0.8;
        x[Feature::Coverage] = 0.5;
        let off = Ablation::of(["semantic"]).unwrap();
        let y = x.without(&off);
        assert_eq!(y[Feature::Semantic], 0.0);
        assert_eq!(y[Feature::Coverage], 0.5);
        let err = Ablation::of(["semantik"]).unwrap_err();
        assert!(
            err.contains("semantik") && err.contains("semantic_gap"),
            "{err}"
        );
    }

    #[test]
    fn dot_is_the_weighted_sum() {
        let mut x = Features::default();
        let mut w = Features::default();
        x[Feature::Coverage] = 0.5;
        w[Feature::Coverage] = 2.0;
        x[Feature::Echo] = 1.0;
        w[Feature::Echo] = -0.25;
        assert!((x.dot(&w) - 0.75).abs() < 1e-6);
    }
}

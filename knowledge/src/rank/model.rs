//! The ranking model: the scorer's weight for each [`Feature`] and the gate's logistic
//! coefficients for each [`Signal`], with the probability below which Lots declines. Read from
//! `config/ranking.toml` (embedded as the default), written by `lots fit`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::features::{Feature, Features, Signal, Signals};

/// The model shipped with Lots.
pub const DEFAULT_RANKING: &str = include_str!("../../../config/ranking.toml");

/// Weights of the scorer and the gate.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingModel {
    /// The scorer: a section's score is the weighted sum of its features.
    pub scorer: Features,
    /// The gate: the probability that the best section answers is the logistic of
    /// `gate_bias` plus the weighted sum of the signals.
    pub gate: Signals,
    /// The gate's intercept.
    pub gate_bias: f32,
    /// Below this probability Lots declines.
    pub threshold: f32,
    /// The share of declined questions whose first answer would have been wrong that the
    /// threshold was chosen for (on the fitting questions).
    pub precision: f32,
    /// What the model was fitted on, as `lots fit` wrote it (kept for the file's reader).
    pub fitted_on: Vec<String>,
}

/// A ranking file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not readable.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not the expected TOML.
    #[error("{path}: {why}")]
    Invalid {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    fitted_on: Vec<String>,
    scorer: BTreeMap<String, f32>,
    gate: GateFile,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GateFile {
    bias: f32,
    threshold: f32,
    precision: f32,
    signals: BTreeMap<String, f32>,
}

impl RankingModel {
    /// The model shipped with Lots.
    pub fn embedded() -> RankingModel {
        RankingModel::parse(DEFAULT_RANKING, "config/ranking.toml")
            .expect("the shipped config/ranking.toml is valid (a unit test checks it)")
    }

    /// Reads a ranking file.
    pub fn from_file(path: &Path) -> Result<RankingModel, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Read {
            path: path.display().to_string(),
            source,
        })?;
        RankingModel::parse(&text, &path.display().to_string())
    }

    /// Parses the TOML `text` of the file `path` (named in errors). A feature the file does
    /// not name weighs nothing; a name that is no feature is an error.
    pub fn parse(text: &str, path: &str) -> Result<RankingModel, ModelError> {
        let invalid = |why: String| ModelError::Invalid {
            path: path.to_owned(),
            why,
        };
        let file: File = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut scorer = Features::default();
        for (name, w) in &file.scorer {
            let f = Feature::from_name(name)
                .ok_or_else(|| invalid(format!("[scorer] has no feature called {name:?}")))?;
            scorer[f] = finite(*w, name).map_err(invalid)?;
        }
        let mut gate = Signals::default();
        for (name, w) in &file.gate.signals {
            let s = Signal::from_name(name)
                .ok_or_else(|| invalid(format!("[gate.signals] has no signal called {name:?}")))?;
            gate[s] = finite(*w, name).map_err(invalid)?;
        }
        if !(0.0..=1.0).contains(&file.gate.threshold) {
            return Err(invalid(format!(
                "[gate] threshold must be a probability (0–1), not {}",
                file.gate.threshold
            )));
        }
        Ok(RankingModel {
            scorer,
            gate,
            gate_bias: finite(file.gate.bias, "bias").map_err(invalid)?,
            threshold: file.gate.threshold,
            precision: file.gate.precision,
            fitted_on: file.fitted_on,
        })
    }

    /// The model as TOML, with a header saying what wrote it.
    pub fn to_toml(&self, header: &str) -> String {
        let file = File {
            fitted_on: self.fitted_on.clone(),
            scorer: Feature::ALL
                .iter()
                .map(|f| (f.name().to_owned(), round(self.scorer[*f])))
                .collect(),
            gate: GateFile {
                bias: round(self.gate_bias),
                threshold: round(self.threshold),
                precision: round(self.precision),
                signals: Signal::ALL
                    .iter()
                    .map(|s| (s.name().to_owned(), round(self.gate[*s])))
                    .collect(),
            },
        };
        let body = toml::to_string(&file).expect("a ranking model serialises");
        let header: String = header.lines().map(|l| format!("# {l}\n")).collect();
        format!("{header}\n{body}")
    }

    /// The gate's probability that the best section answers, given its signals.
    pub fn probability(&self, signals: &Signals) -> f32 {
        logistic(self.gate_bias + signals.dot(&self.gate))
    }
}

fn finite(w: f32, name: &str) -> Result<f32, String> {
    if w.is_finite() {
        Ok(w)
    } else {
        Err(format!("the weight of {name} is not a finite number"))
    }
}

/// Four decimals: the file stays readable and round-trips what matters.
fn round(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

/// The logistic function.
pub fn logistic(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_parses_and_names_every_feature() {
        let m = RankingModel::embedded();
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
        for f in Feature::ALL {
            assert!(
                DEFAULT_RANKING.contains(&format!("\n{} = ", f.name())),
                "config/ranking.toml lacks {}",
                f.name()
            );
        }
    }

    #[test]
    fn a_written_model_reads_back() {
        let mut m = RankingModel::embedded();
        m.scorer[Feature::Semantic] = 1.2345;
        m.gate[Signal::Margin] = -0.5;
        m.threshold = 0.42;
        let text = m.to_toml("fitted by a test\non two lines");
        assert!(text.starts_with("# fitted by a test\n# on two lines\n"));
        let back = RankingModel::parse(&text, "t.toml").unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn a_bad_file_is_named_with_what_is_wrong() {
        let good = RankingModel::embedded().to_toml("x");
        let typo = good.replacen("\nsemantic = ", "\nsemantik = ", 1);
        let err = RankingModel::parse(&typo, "r.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("r.toml:") && err.contains("semantik"),
            "{err}"
        );
        let threshold = good.replacen("threshold = ", "threshold = 7", 1);
        let err = RankingModel::parse(&threshold, "r.toml").unwrap_err();
        assert!(err.to_string().contains("threshold"), "{err}");
        let err = RankingModel::parse("scorer = 1", "r.toml").unwrap_err();
        assert!(err.to_string().starts_with("r.toml:"), "{err}");
        let missing = RankingModel::from_file(Path::new("/nonexistent/ranking.toml"));
        assert!(matches!(missing, Err(ModelError::Read { .. })));
    }
}

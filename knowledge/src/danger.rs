//! Reading acute danger in any words: a message is compared with examples of danger and of
//! questions near it that are not (`config/danger.toml`), by the semantic model. When its
//! nearest example describes danger, 112 and the acute routine come first.

use serde::Deserialize;

use crate::embed::{Vector, cosine};
use crate::vectors::{Semantics, VectorError, query_text};

/// The examples shipped with Lots.
pub const DEFAULT_DANGER: &str = include_str!("../../config/danger.toml");

/// The embedded examples of danger and of questions near it.
#[derive(Debug, Clone)]
pub struct Danger {
    danger: Vec<Vector>,
    safe: Vec<Vector>,
    floor: f32,
    margin: f32,
}

/// A danger file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DangerError {
    /// Not the expected TOML.
    #[error("the danger examples: {0}")]
    Invalid(String),
    /// The examples could not be embedded.
    #[error("embedding the danger examples: {0}")]
    Vectors(#[from] VectorError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    floor: f32,
    margin: f32,
    danger: Vec<String>,
    safe: Vec<String>,
}

impl Danger {
    /// The shipped examples, embedded by `semantics` (through its cache).
    pub fn embedded(semantics: &Semantics) -> Result<Danger, VectorError> {
        match Danger::parse(DEFAULT_DANGER, semantics) {
            Ok(danger) => Ok(danger),
            Err(DangerError::Vectors(e)) => Err(e),
            Err(DangerError::Invalid(why)) => {
                unreachable!("the shipped config/danger.toml is valid (a test reads it): {why}")
            }
        }
    }

    /// The examples of the TOML `text`, embedded by `semantics`.
    pub fn parse(text: &str, semantics: &Semantics) -> Result<Danger, DangerError> {
        let file: File = toml::from_str(text).map_err(|e| DangerError::Invalid(e.to_string()))?;
        if file.danger.is_empty() {
            return Err(DangerError::Invalid("`danger` lists no example".into()));
        }
        if !(0.0..=1.0).contains(&file.floor) {
            return Err(DangerError::Invalid(format!(
                "`floor` is a cosine similarity (0–1), not {}",
                file.floor
            )));
        }
        let texts = |list: &[String]| list.iter().map(|t| query_text(t)).collect::<Vec<_>>();
        Ok(Danger {
            danger: semantics.query_vectors(&texts(&file.danger))?,
            safe: semantics.query_vectors(&texts(&file.safe))?,
            floor: file.floor,
            margin: file.margin,
        })
    }

    /// Whether the message with this (query) vector describes acute danger: its nearest
    /// example of danger is at least as near as the floor, and nearer by the margin than any
    /// safe example.
    pub fn is_acute(&self, message: &[f32]) -> bool {
        let nearest = |list: &[Vector]| {
            list.iter()
                .map(|v| cosine(message, v))
                .fold(f32::MIN, f32::max)
        };
        let danger = nearest(&self.danger);
        danger >= self.floor && danger >= nearest(&self.safe) + self.margin
    }
}

#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod analysis;
pub mod answer;
pub mod answer_kind;
pub mod baseline;
pub mod danger;
pub mod document;
pub mod embed;
pub mod eval;
pub mod files;
pub mod gate;
pub mod heading_echo;
pub mod load;
pub mod message;
pub mod passage;
pub mod places;
pub mod plain_typing;
pub mod query;
pub mod rank;
pub mod small_talk;
pub mod vectors;

pub use document::{Document, Scope, Section};
pub use load::{
    GUIDANCE_EXTENSIONS, Given, LoadReport, Rejection, fingerprint, load_bytes, load_dirs,
    load_file,
};
pub use places::{Municipality, Place, Places, Region};
pub mod glossary;
pub mod index;

pub use answer::{Answer, Answerer, Answers, Asker, Decline, Retrieved};
pub use gate::Confidence;
pub use glossary::Glossary;
pub use index::{GuidanceIndex, IndexError, SectionRecord};
pub use rank::RankingModel;

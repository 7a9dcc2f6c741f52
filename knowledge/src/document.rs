//! The guidance model: a document is one file; a section is one heading of it.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::analysis::Lang;
use crate::places::Region;

/// One guidance file, parsed and validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `[a-z0-9-]+`, unique in a corpus.
    pub id: String,
    /// Shown in citations.
    pub title: String,
    /// Language of the text.
    pub lang: Lang,
    /// Where it applies. Empty municipalities and regions: national.
    pub scope: Scope,
    /// Free tags.
    pub tags: Vec<String>,
    /// Provenance, shown with answers.
    pub source: Option<String>,
    /// When the text was last checked.
    pub updated: Option<Date>,
    /// After this date answers from the document carry a 'may be outdated' note.
    pub review_by: Option<Date>,
    /// The file it came from.
    pub path: PathBuf,
    /// Its sections, in file order. Never empty.
    pub sections: Vec<Section>,
}

/// Where a document applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Municipalities (short names, `Malmö`) whose local routine this is.
    pub municipalities: Vec<String>,
    /// Regions of the regional coordinators this applies to.
    pub regions: Vec<Region>,
}

impl Scope {
    /// National guidance: applies everywhere.
    pub fn is_national(&self) -> bool {
        self.municipalities.is_empty() && self.regions.is_empty()
    }
}

/// One heading of a document and the text under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The heading as written; with the document id, the section's identity.
    pub heading: String,
    /// Parent headings, outermost first (a `###` section keeps its `##`).
    pub parents: Vec<String>,
    /// The text, Markdown as written, without the heading line.
    pub text: String,
    /// 1-based line of the heading in the file (0 for text before the first heading).
    pub line: usize,
    /// PDF page the section starts on.
    pub page: Option<u32>,
    /// The one municipality a section of national guidance is about, when it describes one
    /// place's arrangement (`I Helsingborgsmodellen …`): set by the loader.
    pub about: Option<String>,
}

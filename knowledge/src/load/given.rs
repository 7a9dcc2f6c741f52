//! Metadata given by whoever loads a plain-text or PDF file (an admin's `--titel`, `--språk`,
//! `--kommun`, `--region`, `--källa`), checked like front matter and applied over what the
//! loader found. Markdown carries its own metadata in its front matter.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Rejection;
use crate::analysis::Lang;
use crate::document::Document;
use crate::places::{Places, Region};

/// What the loader was told about a file. Empty: nothing given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Given {
    /// The title, instead of the first line.
    pub title: Option<String>,
    /// `sv` or `en`, instead of the detected language.
    pub lang: Option<String>,
    /// Municipalities whose local routine this is.
    #[serde(default)]
    pub municipalities: Vec<String>,
    /// Regions it applies to.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Provenance, shown with answers.
    pub source: Option<String>,
}

impl Given {
    /// Nothing was given.
    pub fn is_empty(&self) -> bool {
        *self == Given::default()
    }

    /// Checks every value and sets it on `doc`; an error names the value and what is wrong.
    pub(super) fn apply(
        &self,
        path: &Path,
        mut doc: Document,
        places: &Places,
    ) -> Result<Document, Rejection> {
        let reject = |msg: String| Rejection::new(path, None, msg);
        if let Some(title) = &self.title {
            if title.trim().is_empty() {
                return Err(reject("the given title is empty".into()));
            }
            doc.title = title.trim().to_owned();
        }
        if let Some(code) = &self.lang {
            doc.lang = Lang::from_code(&code.trim().to_lowercase()).ok_or_else(|| {
                reject(format!(
                    "language \"{code}\" is not supported; use \"sv\" or \"en\""
                ))
            })?;
        }
        for name in &self.municipalities {
            let m = places.municipality(name).ok_or_else(|| {
                let hint = places
                    .suggest(name)
                    .map(|s| format!(" (did you mean \"{s}\"?)"))
                    .unwrap_or_default();
                reject(format!("unknown municipality \"{name}\"{hint}"))
            })?;
            if !doc.scope.municipalities.contains(&m.name) {
                doc.scope.municipalities.push(m.name.clone());
            }
        }
        for name in &self.regions {
            let r: Region = name.parse().map_err(reject)?;
            if !doc.scope.regions.contains(&r) {
                doc.scope.regions.push(r);
            }
        }
        if let Some(source) = self.source.as_deref().filter(|s| !s.trim().is_empty()) {
            doc.source = Some(source.trim().to_owned());
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_bytes;

    const TEXT: &[u8] = b"Rutin for tolk\n\nTolk vid samtal\n\nBoka alltid en tolk via tolkformedlingen i god tid.\n";

    #[test]
    fn given_metadata_is_checked_and_applied_to_text() {
        let places = Places::embedded();
        let given = Given {
            title: Some("Tolkrutin i Lund".into()),
            lang: Some("SV".into()),
            municipalities: vec!["lund".into()],
            regions: vec!["Syd".into()],
            source: Some("Lunds kommun 2026".into()),
        };
        let doc = load_bytes(Path::new("Tolk rutin.txt"), TEXT, &given, &places).unwrap();
        assert_eq!(doc.id, "tolk-rutin");
        assert_eq!(doc.title, "Tolkrutin i Lund");
        assert_eq!(doc.lang, Lang::Sv);
        assert_eq!(doc.scope.municipalities, ["Lund"]);
        assert_eq!(doc.scope.regions, [Region::Syd]);
        assert_eq!(doc.source.as_deref(), Some("Lunds kommun 2026"));
    }

    #[test]
    fn bad_given_metadata_is_a_rejection_naming_the_value() {
        let places = Places::embedded();
        let cases = [
            (
                Given {
                    municipalities: vec!["Lundd".into()],
                    ..Given::default()
                },
                "unknown municipality \"Lundd\" (did you mean \"Lund\"?)",
            ),
            (
                Given {
                    lang: Some("de".into()),
                    ..Given::default()
                },
                "language \"de\" is not supported",
            ),
            (
                Given {
                    regions: vec!["Söder".into()],
                    ..Given::default()
                },
                "unknown region \"Söder\"",
            ),
        ];
        for (given, want) in cases {
            let e = load_bytes(Path::new("a.txt"), TEXT, &given, &places).unwrap_err();
            assert!(e.message.contains(want), "{e}");
            assert_eq!(e.path, Path::new("a.txt"));
        }
        let md = b"+++\nid = \"a\"\ntitle = \"A\"\nlang = \"sv\"\n+++\n## B\nC.\n";
        let e = load_bytes(
            Path::new("a.md"),
            md,
            &Given {
                title: Some("X".into()),
                ..Given::default()
            },
            &places,
        )
        .unwrap_err();
        assert!(e.message.contains("front matter"), "{e}");
        assert!(load_bytes(Path::new("a.md"), md, &Given::default(), &places).is_ok());
        let e = load_bytes(Path::new("a.docx"), md, &Given::default(), &places).unwrap_err();
        assert!(e.message.contains("unsupported file type"), "{e}");
    }
}

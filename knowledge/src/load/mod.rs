//! Loading guidance: a folder of Markdown, text and PDF files → validated [`Document`]s.
//!
//! How it works: each file is parsed by the loader for its extension ([`markdown`], [`text`],
//! [`pdf`]); every problem becomes a [`Rejection`] that names the file, the line where there is
//! one, and what is wrong. A folder load keeps the good files and lists the rejected ones
//! ([`LoadReport`]); whether to serve a partial load is the caller's decision.

mod front_matter;
mod given;
mod markdown;
mod pdf;
mod text;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::places::Places;

pub use front_matter::FrontMatter;
pub use given::Given;

/// Why one file was not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, where the problem has one.
    pub line: Option<usize>,
    /// What is wrong, for the person who wrote the file.
    pub message: String,
}

impl Rejection {
    pub(crate) fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Rejection {
            path: path.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for Rejection {}

/// The outcome of loading one or more folders.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Files that loaded, sorted by path.
    pub documents: Vec<Document>,
    /// Files that did not, sorted by path.
    pub rejected: Vec<Rejection>,
}

impl LoadReport {
    /// Whether every file loaded.
    pub fn is_clean(&self) -> bool {
        self.rejected.is_empty()
    }

    /// Number of sections across the loaded documents.
    pub fn section_count(&self) -> usize {
        self.documents.iter().map(|d| d.sections.len()).sum()
    }
}

/// File extensions Lots reads as guidance.
pub const GUIDANCE_EXTENSIONS: [&str; 3] = ["md", "txt", "pdf"];

/// Loads every guidance file (`*.md`, `*.txt`, `*.pdf`) in `dirs`, recursively, in path order.
/// Other files (README, images) are skipped. A folder that cannot be read is a rejection too.
pub fn load_dirs(dirs: &[PathBuf], places: &Places) -> LoadReport {
    let mut files = Vec::new();
    let mut report = LoadReport::default();
    for dir in dirs {
        if let Err(e) = collect_files(dir, &mut files) {
            report.rejected.push(Rejection::new(
                dir,
                None,
                format!("cannot read the folder: {e}"),
            ));
        }
    }
    files.sort();
    for path in files {
        match load_file(&path, places) {
            Ok(doc) => report.documents.push(doc),
            Err(rejection) => report.rejected.push(rejection),
        }
    }
    reject_duplicate_ids(&mut report);
    report
}

/// A fingerprint of the guidance files under `dirs` (paths, sizes, modification times): it
/// changes when a file is added, removed or edited, so a watcher knows when to reload.
pub fn fingerprint(dirs: &[PathBuf]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut files = Vec::new();
    for dir in dirs {
        if collect_files(dir, &mut files).is_err() {
            (dir, "unreadable").hash(&mut h);
        }
    }
    files.sort();
    for f in &files {
        f.hash(&mut h);
        if let Ok(meta) = std::fs::metadata(f) {
            meta.len().hash(&mut h);
            meta.modified().ok().hash(&mut h);
        }
    }
    h.finish()
}

/// Loads one guidance file by its extension.
pub fn load_file(path: &Path, places: &Places) -> Result<Document, Rejection> {
    let bytes = std::fs::read(path)
        .map_err(|e| Rejection::new(path, None, format!("cannot read the file: {e}")))?;
    load_bytes(path, &bytes, &Given::default(), places)
}

/// Loads a file's contents; `name` gives the extension, the id of a text or PDF file, and the
/// name in every rejection. `given` metadata applies to text and PDF files; a Markdown file
/// carries its own in the front matter, so giving any for one is an error.
pub fn load_bytes(
    name: &Path,
    bytes: &[u8],
    given: &Given,
    places: &Places,
) -> Result<Document, Rejection> {
    let ext = name
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_lowercase();
    let doc = match ext.as_str() {
        "pdf" => pdf::parse(name, bytes)?,
        "md" | "txt" => {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                Rejection::new(
                    name,
                    None,
                    format!("cannot read the file as UTF-8 text: {e}"),
                )
            })?;
            if ext == "md" {
                if !given.is_empty() {
                    return Err(Rejection::new(
                        name,
                        None,
                        "a Markdown file has its title, language and scope in its front matter; \
                         write them there instead of giving them as options",
                    ));
                }
                return markdown::parse(name, text, places).map(|d| mark_places(d, places));
            }
            text::parse(name, text)?
        }
        _ => {
            return Err(Rejection::new(
                name,
                None,
                format!("unsupported file type \".{ext}\"; use .md, .txt or .pdf"),
            ));
        }
    };
    given
        .apply(name, doc, places)
        .map(|d| mark_places(d, places))
}

/// Marks each section of national guidance that describes one place's arrangement with that
/// place ([`Places::subject_of`]): it answers for that place, not for every asker.
fn mark_places(mut doc: Document, places: &Places) -> Document {
    if doc.scope.is_national() {
        for s in &mut doc.sections {
            s.about = places
                .subject_of(&s.heading, &s.text)
                .map(|m| m.name.clone());
        }
    }
    doc
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| GUIDANCE_EXTENSIONS.contains(&e.to_lowercase().as_str()))
            && !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// A second file with an id already taken is rejected; the first one stays.
fn reject_duplicate_ids(report: &mut LoadReport) {
    let mut first: HashMap<String, PathBuf> = HashMap::new();
    let mut kept = Vec::new();
    for doc in std::mem::take(&mut report.documents) {
        if let Some(other) = first.get(&doc.id) {
            report.rejected.push(Rejection::new(
                &doc.path,
                None,
                format!(
                    "duplicate id \"{}\": {} already uses it",
                    doc.id,
                    other.display()
                ),
            ));
        } else {
            first.insert(doc.id.clone(), doc.path.clone());
            kept.push(doc);
        }
    }
    report.documents = kept;
    report.rejected.sort_by(|a, b| a.path.cmp(&b.path));
}

/// A document id from a file name: `Lokal rutin Malmö.txt` → `lokal-rutin-malmo`.
pub(crate) fn id_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let folded = crate::analysis::fold(&stem);
    let mut id = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_file_names_are_slugs() {
        assert_eq!(
            id_from_path(Path::new("x/Lokal rutin Malmö.txt")),
            "lokal-rutin-malmo"
        );
        assert_eq!(
            id_from_path(Path::new("Stöd_2026 (v2).pdf")),
            "stod-2026-v2"
        );
    }
}

//! Plain text guidance (`*.txt`), and the paragraph rules that PDF text shares.
//!
//! No front matter: the id is the file name, the title the first non-empty line, the language is
//! detected. A paragraph of one short line that does not end like a sentence is a heading.

use std::path::Path;

use super::{Rejection, id_from_path};
use crate::analysis::detect_lang;
use crate::document::{Document, Scope, Section};

/// A heading line is at most this long.
const MAX_HEADING_CHARS: usize = 80;

/// Parses one plain-text guidance file.
pub(super) fn parse(path: &Path, text: &str) -> Result<Document, Rejection> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (title_line, title) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.trim().to_owned()))
        .ok_or_else(|| Rejection::new(path, None, "the file is empty"))?;
    let mut builder = PlainSections::new(&title);
    builder.add_page(text, None, title_line);
    document(path, title, text, builder.finish(path)?)
}

/// A document from plain text whose metadata is not given: id from the file name, language detected.
pub(super) fn document(
    path: &Path,
    title: String,
    text: &str,
    sections: Vec<Section>,
) -> Result<Document, Rejection> {
    let id = id_from_path(path);
    if id.is_empty() {
        return Err(Rejection::new(
            path,
            None,
            "the file name gives no usable id; name it with letters a-z or digits",
        ));
    }
    Ok(Document {
        id,
        title,
        lang: detect_lang(text),
        scope: Scope::default(),
        tags: vec![],
        source: None,
        updated: None,
        review_by: None,
        path: path.to_owned(),
        sections,
    })
}

/// Builds sections from paragraphs of plain text, page by page.
pub(super) struct PlainSections {
    done: Vec<Section>,
    current: Section,
}

impl PlainSections {
    pub(super) fn new(title: &str) -> Self {
        PlainSections {
            done: vec![],
            current: Section {
                heading: title.to_owned(),
                parents: vec![],
                text: String::new(),
                line: 0,
                page: None,
                about: None,
            },
        }
    }

    /// Adds the text of one page (or the whole file), skipping its first `skip_lines` lines
    /// (those through the title). Headings record their 1-based line within `text`.
    pub(super) fn add_page(&mut self, text: &str, page: Option<u32>, skip_lines: usize) {
        if self.current.page.is_none() {
            self.current.page = page;
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut i = skip_lines;
        while i < lines.len() {
            if lines[i].trim().is_empty() {
                i += 1;
                continue;
            }
            let start = i;
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            let paragraph = &lines[start..i];
            let more_follows = lines[i..].iter().any(|l| !l.trim().is_empty());
            if paragraph.len() == 1
                && more_follows
                && is_heading(paragraph[0])
                && !self.is_taken(paragraph[0].trim())
            {
                let next = Section {
                    heading: paragraph[0].trim().to_owned(),
                    parents: vec![],
                    text: String::new(),
                    line: start + 1,
                    page,
                    about: None,
                };
                self.done.push(std::mem::replace(&mut self.current, next));
            } else {
                for line in paragraph {
                    self.current.text.push_str(line.trim_end());
                    self.current.text.push('\n');
                }
                self.current.text.push('\n');
            }
        }
    }

    fn is_taken(&self, heading: &str) -> bool {
        self.done
            .iter()
            .chain([&self.current])
            .any(|s| s.heading == heading)
    }

    pub(super) fn finish(mut self, path: &Path) -> Result<Vec<Section>, Rejection> {
        self.done.push(self.current);
        for s in &mut self.done {
            s.text = s.text.trim().to_owned();
        }
        self.done.retain(|s| !s.text.is_empty());
        if self.done.is_empty() {
            return Err(Rejection::new(
                path,
                None,
                "the document has no text besides its title",
            ));
        }
        Ok(self.done)
    }
}

fn is_heading(line: &str) -> bool {
    let line = line.trim();
    line.chars().count() <= MAX_HEADING_CHARS
        && line.chars().any(char::is_alphabetic)
        && !line.ends_with(['.', '!', ',', ';', ':'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_unpunctuated_paragraphs_become_headings() {
        let text = "Rutin för mottagning\n\nInledande text om rutinen.\n\nVem gör vad\n\nMottagningen tar emot. Sedan bedömer den.\n\nEn mening som slutar med punkt.\n\nMer text.\n";
        let doc = parse(Path::new("Rutin för mottagning.txt"), text).unwrap();
        assert_eq!(doc.id, "rutin-for-mottagning");
        assert_eq!(doc.title, "Rutin för mottagning");
        let heads: Vec<_> = doc
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.line))
            .collect();
        assert_eq!(heads, [("Rutin för mottagning", 0), ("Vem gör vad", 5)]);
        assert!(
            doc.sections[1]
                .text
                .contains("En mening som slutar med punkt.\n\nMer text.")
        );
    }

    #[test]
    fn empty_text_is_rejected() {
        assert!(
            parse(Path::new("a.txt"), "  \n\n")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(
            parse(Path::new("a.txt"), "Only a title\n")
                .unwrap_err()
                .message
                .contains("no text")
        );
    }
}

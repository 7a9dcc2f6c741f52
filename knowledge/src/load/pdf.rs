//! PDF guidance: text extracted page by page, isolated so that a file the extractor panics on
//! is rejected instead of taking Lots down.

use std::path::Path;

use super::Rejection;
use super::text::{PlainSections, document};
use crate::document::Document;

/// Stack for the extraction thread: deeply nested PDFs recurse deeply.
const EXTRACTOR_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Parses one PDF file; metadata as for plain text (id from the file name, title from the first line).
pub(super) fn parse(path: &Path, bytes: &[u8]) -> Result<Document, Rejection> {
    let pages = extract_pages(bytes).map_err(|why| Rejection::new(path, None, why))?;
    let all_text = pages.join("\n");
    let title = all_text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or_else(|| {
            Rejection::new(
                path,
                None,
                "the PDF has no extractable text (is it a scanned image?)",
            )
        })?
        .to_owned();
    let mut builder = PlainSections::new(&title);
    let mut title_seen = false;
    for (i, page) in pages.iter().enumerate() {
        let skip = if title_seen {
            0
        } else {
            page.lines()
                .position(|l| l.trim() == title)
                .map_or(0, |p| p + 1)
        };
        title_seen |= skip > 0;
        builder.add_page(page, Some(i as u32 + 1), skip);
    }
    document(path, title, &all_text, builder.finish(path)?)
}

/// The text of each page. Runs the extractor on its own thread and turns a panic into an error.
fn extract_pages(bytes: &[u8]) -> Result<Vec<String>, String> {
    let bytes = bytes.to_vec();
    let worker = std::thread::Builder::new()
        .name("pdf-extract".into())
        .stack_size(EXTRACTOR_STACK_BYTES)
        .spawn(move || pdf_extract::extract_text_from_mem_by_pages(&bytes))
        .map_err(|e| format!("cannot start the PDF reader: {e}"))?;
    match worker.join() {
        Ok(Ok(pages)) => Ok(pages),
        Ok(Err(e)) => Err(format!("not a readable PDF: {e}")),
        Err(_) => Err(
            "the PDF reader failed on this file (it may be damaged or use an unsupported feature)"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_rejected_not_fatal() {
        let err = parse(
            Path::new("broken.pdf"),
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage",
        )
        .unwrap_err();
        assert_eq!(err.path, Path::new("broken.pdf"));
        assert!(err.message.contains("PDF"), "{err}");
    }
}

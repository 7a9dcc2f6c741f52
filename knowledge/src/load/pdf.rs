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

/// The text of each page. Runs the extractor on its own thread, turns a panic into an error,
/// and gives up after [`EXTRACTION_LIMIT`]: a file built to make the reader loop must not hold
/// up every later load. (The abandoned thread is left to finish on its own.)
fn extract_pages(bytes: &[u8]) -> Result<Vec<String>, String> {
    extract_with_limit(bytes.to_vec(), EXTRACTION_LIMIT, |bytes| {
        pdf_extract::extract_text_from_mem_by_pages(&bytes).map_err(|e| e.to_string())
    })
}

/// How long the PDF reader may take for one file.
const EXTRACTION_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

fn extract_with_limit(
    bytes: Vec<u8>,
    limit: std::time::Duration,
    extract: impl FnOnce(Vec<u8>) -> Result<Vec<String>, String> + Send + 'static,
) -> Result<Vec<String>, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("pdf-extract".into())
        .stack_size(EXTRACTOR_STACK_BYTES)
        .spawn(move || {
            let _ = tx.send(extract(bytes));
        })
        .map_err(|e| format!("cannot start the PDF reader: {e}"))?;
    match rx.recv_timeout(limit) {
        Ok(Ok(pages)) => Ok(pages),
        Ok(Err(e)) => Err(format!("not a readable PDF: {e}")),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "the PDF reader gave up after {} seconds (the file may be damaged or built to stall it)",
            limit.as_secs()
        )),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(
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

    #[test]
    fn a_reader_that_panics_or_stalls_is_a_rejection_not_a_hang() {
        let panics = extract_with_limit(vec![], std::time::Duration::from_secs(5), |_| {
            panic!("hostile file")
        });
        assert!(panics.unwrap_err().contains("failed on this file"));
        let stalls = extract_with_limit(vec![], std::time::Duration::from_millis(100), |_| {
            std::thread::sleep(std::time::Duration::from_secs(3));
            Ok(vec![])
        });
        assert!(stalls.unwrap_err().contains("gave up after"));
    }
}

//! What a plugin sends back: the same message as Markdown and as plain text.

/// A reply, in both renderings; adapters pick the one their medium shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Markdown (bold for matched words, `›` between title and heading).
    pub markdown: String,
    /// The same without Markdown.
    pub plain: String,
}

impl Reply {
    /// A reply from Markdown that uses only `**bold**`; the plain text drops the markers.
    pub fn from_markdown(markdown: String) -> Reply {
        Reply {
            plain: markdown.replace("**", ""),
            markdown,
        }
    }
}

//! What a plugin sends back: the same message as Markdown (only `**bold**` and line breaks) and
//! as plain text, and the HTML an adapter sends, with everything escaped that came from a user
//! or a guidance file.

/// A reply, in both renderings; adapters pick the one their medium shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Markdown (bold for matched words, `›` between title and heading).
    pub markdown: String,
    /// The same without Markdown.
    pub plain: String,
    /// The sending plugin's own note about this reply, kept with the sent event and handed
    /// back to the plugin when someone reacts to it (the guidance plugin keeps the answer here).
    pub meta: Option<String>,
}

impl Reply {
    /// A reply from Markdown that uses only `**bold**`; the plain text drops the markers.
    pub fn from_markdown(markdown: String) -> Reply {
        Reply {
            plain: markdown.replace("**", ""),
            markdown,
            meta: None,
        }
    }

    /// A reply of plain text: nothing in it is markup, not even `**`.
    pub fn text(text: impl Into<String>) -> Reply {
        let plain = text.into();
        Reply {
            markdown: plain.replace("**", "\\*\\*"),
            plain,
            meta: None,
        }
    }

    /// The same reply after a paragraph of Markdown (only `**bold**`), such as a warning.
    pub fn after(mut self, markdown: &str) -> Reply {
        self.plain = format!("{}\n\n{}", markdown.replace("**", ""), self.plain);
        self.markdown = format!("{markdown}\n\n{}", self.markdown);
        self
    }

    /// The same reply with a note for reactions.
    pub fn with_meta(mut self, meta: String) -> Reply {
        self.meta = Some(meta);
        self
    }

    /// Safe HTML: every character of the text is escaped, then `**…**` pairs become
    /// `<strong>` and line breaks `<br>`. Nothing else can become markup, so a question or a
    /// guidance file cannot inject HTML, links or mentions.
    pub fn html(&self) -> String {
        let mut out = String::with_capacity(self.markdown.len() + 32);
        let mut bold = false;
        let pairs = self.markdown.matches("**").count();
        let mut open_left = pairs - pairs % 2;
        let mut rest = self.markdown.as_str();
        while let Some(c) = rest.chars().next() {
            if let Some(r) = rest.strip_prefix("\\*\\*") {
                out.push_str("**");
                rest = r;
                continue;
            }
            if let Some(r) = rest.strip_prefix("**")
                && open_left > 0
            {
                out.push_str(if bold { "</strong>" } else { "<strong>" });
                bold = !bold;
                open_left -= 1;
                rest = r;
                continue;
            }
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                '\n' => out.push_str("<br>"),
                c => out.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_the_bold_markers() {
        let r = Reply::from_markdown("**Stödet** kräver ingen **polisanmälan**.".into());
        assert_eq!(r.plain, "Stödet kräver ingen polisanmälan.");
        assert_eq!(
            r.html(),
            "<strong>Stödet</strong> kräver ingen <strong>polisanmälan</strong>."
        );
    }

    #[test]
    fn html_escapes_everything_that_is_not_our_markup() {
        let r = Reply::from_markdown(
            "<img src=x onerror=alert(1)> & <a href=\"https://matrix.to/#/@room\">@room</a>\n**ok** **".into(),
        );
        let html = r.html();
        assert_eq!(
            html,
            "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;a href=&quot;https://matrix.to/#/@room&quot;&gt;@room&lt;/a&gt;<br><strong>ok</strong> **"
        );
    }

    #[test]
    fn text_replies_keep_their_asterisks() {
        let r = Reply::text("a **b** c");
        assert_eq!(r.plain, "a **b** c");
        assert_eq!(r.html(), "a **b** c");
    }
}

//! Markdown guidance: front matter, then `##`/`###` headings that start sections.

use std::path::Path;

use super::Rejection;
use super::front_matter::split_and_check;
use crate::document::{Document, Section};
use crate::places::Places;

/// Parses one Markdown guidance file.
pub(super) fn parse(path: &Path, text: &str, places: &Places) -> Result<Document, Rejection> {
    let (fm, body, first_line) = split_and_check(path, text, places)?;
    let sections = sections(path, body, first_line, &fm.title)?;
    Ok(Document {
        id: fm.id,
        title: fm.title,
        lang: fm.lang,
        scope: fm.scope,
        tags: fm.tags,
        source: fm.source,
        updated: fm.updated,
        review_by: fm.review_by,
        path: path.to_owned(),
        sections,
    })
}

/// Splits a Markdown body into sections. `#`, `##` and `###` start sections; deeper headings and
/// anything inside a fenced code block stay text.
fn sections(
    path: &Path,
    body: &str,
    first_line: usize,
    title: &str,
) -> Result<Vec<Section>, Rejection> {
    let mut sections: Vec<Section> = Vec::new();
    let mut current = Section {
        heading: title.to_owned(),
        parents: vec![],
        text: String::new(),
        line: 0,
        page: None,
        about: None,
    };
    let mut open: Vec<(usize, String)> = Vec::new(); // (level, heading) of enclosing headings
    let mut in_fence = false;
    for (i, line) in body.lines().enumerate() {
        let line_no = first_line + i;
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            in_fence = !in_fence;
        }
        let Some((level, heading)) = (!in_fence).then(|| heading(line)).flatten() else {
            current.text.push_str(line);
            current.text.push('\n');
            continue;
        };
        if heading.is_empty() {
            return Err(Rejection::new(
                path,
                Some(line_no),
                "a heading without text",
            ));
        }
        if let Some(dup) = sections
            .iter()
            .chain([&current])
            .find(|s| s.heading == heading && s.line > 0)
        {
            return Err(Rejection::new(
                path,
                Some(line_no),
                format!(
                    "heading \"{heading}\" is already used on line {}; headings identify sections, so each must be unique in a document",
                    dup.line
                ),
            ));
        }
        open.retain(|(l, _)| *l < level);
        let parents = open.iter().map(|(_, h)| h.clone()).collect();
        open.push((level, heading.clone()));
        let next = Section {
            heading,
            parents,
            text: String::new(),
            line: line_no,
            page: None,
            about: None,
        };
        sections.push(std::mem::replace(&mut current, next));
    }
    sections.push(current);
    for s in &mut sections {
        s.text = s.text.trim().to_owned();
    }
    sections.retain(|s| !s.text.is_empty());
    if sections.is_empty() {
        return Err(Rejection::new(
            path,
            None,
            "the document has no text after the front matter",
        ));
    }
    Ok(sections)
}

/// `## Heading ##` → (2, "Heading").
fn heading(line: &str) -> Option<(usize, String)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if !(1..=3).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    Some((level, rest.trim().trim_end_matches('#').trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Document, Rejection> {
        parse(Path::new("guidance/test.md"), text, &Places::embedded())
    }

    const GOOD: &str = "+++\nid = \"betanketid\"\ntitle = \"Betänketid\"\nlang = \"sv\"\nmunicipalities = [\"malmo\"]\nregions = [\"Syd\"]\nupdated = 2026-05-01\nreview_by = 2027-05-01\n+++\nIntro text.\n\n## Vem ansöker\nSocialnämnden.\n\n### Från polisen\nFörundersökningsledaren.\n\n#### Detalj\nStår kvar i texten.\n\n## Tom\n\n## Efter\n```\n## inte en rubrik\n```\n";

    #[test]
    fn sections_follow_headings_with_their_parents() {
        let doc = parse_str(GOOD).unwrap();
        assert_eq!(doc.id, "betanketid");
        assert_eq!(doc.scope.municipalities, ["Malmö"]);
        assert_eq!(doc.updated.unwrap().to_string(), "2026-05-01");
        let heads: Vec<_> = doc
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.parents.clone(), s.line))
            .collect();
        assert_eq!(
            heads,
            vec![
                ("Betänketid", vec![], 0),
                ("Vem ansöker", vec![], 12),
                ("Från polisen", vec!["Vem ansöker".to_owned()], 15),
                ("Efter", vec![], 23),
            ]
        );
        assert!(doc.sections[2].text.contains("#### Detalj\nStår kvar"));
        assert!(doc.sections[3].text.contains("## inte en rubrik"));
    }

    #[test]
    fn each_bad_file_is_named_with_line_and_reason() {
        let cases: &[(&str, Option<usize>, &str)] = &[
            ("no front matter\n", Some(1), "missing front matter"),
            ("+++\nid = \"x\"\n", Some(1), "never closed"),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\nlang = \"sv\n+++\ntext\n",
                Some(4),
                "front matter",
            ),
            (
                "+++\ntitle = \"T\"\nlang = \"sv\"\n+++\ntext\n",
                Some(2),
                "missing field `id`",
            ),
            (
                "+++\nid = \"Bad Id\"\ntitle = \"T\"\nlang = \"sv\"\n+++\ntext\n",
                Some(2),
                "must be lower-case",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\nlang = \"de\"\n+++\ntext\n",
                Some(4),
                "use \"sv\" or \"en\"",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\nlang = \"sv\"\nregions = [\"Södra\"]\n+++\ntext\n",
                Some(5),
                "unknown region",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\nlang = \"sv\"\nmunicipalities = [\"Malmoe\"]\n+++\ntext\n",
                Some(5),
                "did you mean \"Malmö\"",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\nlang = \"sv\"\nreview-by = 2027-01-01\n+++\ntext\n",
                Some(5),
                "unknown field `review-by`",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\nlang = \"sv\"\nupdated = 2026-01-01T10:00:00\n+++\ntext\n",
                Some(5),
                "must be a date",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\nlang = \"sv\"\n+++\n\n## Tom\n",
                None,
                "no text",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\nlang = \"sv\"\n+++\n## A\nx\n## A\ny\n",
                Some(8),
                "already used on line 6",
            ),
        ];
        for (text, line, needle) in cases {
            let err = parse_str(text).unwrap_err();
            assert_eq!(err.path, Path::new("guidance/test.md"));
            assert!(err.message.contains(needle), "{text:?}: {err}");
            assert_eq!(err.line, *line, "{text:?}: {err}");
        }
    }
}

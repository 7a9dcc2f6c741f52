//! The TOML front matter of a Markdown guidance file, between two `+++` lines.

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;

use super::Rejection;
use crate::analysis::Lang;
use crate::document::Scope;
use crate::places::{Places, Region};

/// The front matter as written (see GUIDANCE_FORMAT.md). Unknown keys are an error, so a
/// misspelt `review-by` is caught instead of silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Required; `[a-z0-9-]+`.
    pub id: String,
    /// Required.
    pub title: String,
    /// Required; `sv` or `en`.
    pub lang: String,
    /// Municipalities whose local routine this is.
    #[serde(default)]
    pub municipalities: Vec<String>,
    /// Regions it applies to.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Provenance.
    pub source: Option<String>,
    /// TOML date.
    pub updated: Option<toml::value::Datetime>,
    /// TOML date.
    pub review_by: Option<toml::value::Datetime>,
}

/// Front matter checked and converted.
pub(super) struct Checked {
    pub id: String,
    pub title: String,
    pub lang: Lang,
    pub scope: Scope,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub updated: Option<Date>,
    pub review_by: Option<Date>,
}

/// Splits `text` into front matter and body; returns the checked front matter, the body and
/// the 1-based line number of the body's first line.
pub(super) fn split_and_check<'t>(
    path: &Path,
    text: &'t str,
    places: &Places,
) -> Result<(Checked, &'t str, usize), Rejection> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let reject = |line: usize, msg: String| Rejection::new(path, Some(line), msg);
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("+++") {
        return Err(reject(
            1,
            "missing front matter: a guidance file starts with a line \"+++\", then TOML with id, title and lang, then \"+++\"".into(),
        ));
    }
    let fm_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = fm_start;
    let mut closing = None;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "+++" {
            closing = Some((offset, offset + line.len(), i + 2));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start, closing_line)) = closing else {
        return Err(reject(
            1,
            "the front matter opened on line 1 is never closed with a \"+++\" line".into(),
        ));
    };
    let toml_text = &text[fm_start..fm_end];
    let line_in_file =
        |byte: usize| 2 + toml_text[..byte.min(toml_text.len())].matches('\n').count();
    let fm: FrontMatter = toml::from_str(toml_text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_in_file(s.start));
        reject(line, format!("front matter: {}", e.message()))
    })?;
    let key_line = |key: &str| {
        toml_text
            .lines()
            .position(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='))
            })
            .map_or(1, |i| i + 2)
    };
    let checked = check(fm, places).map_err(|(key, msg)| reject(key_line(key), msg))?;
    Ok((checked, &text[body_start..], closing_line + 1))
}

/// Validates the fields; an error names the key and what is wrong.
fn check(fm: FrontMatter, places: &Places) -> Result<Checked, (&'static str, String)> {
    if fm.id.is_empty()
        || !fm
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err((
            "id",
            format!(
                "id \"{}\" must be lower-case letters a-z, digits and '-'",
                fm.id
            ),
        ));
    }
    if fm.title.trim().is_empty() {
        return Err(("title", "title is empty".into()));
    }
    let lang = Lang::from_code(&fm.lang).ok_or((
        "lang",
        format!(
            "lang \"{}\" is not supported; use \"sv\" or \"en\"",
            fm.lang
        ),
    ))?;
    let mut municipalities = Vec::new();
    for name in &fm.municipalities {
        let m = places.municipality(name).ok_or_else(|| {
            let hint = places
                .suggest(name)
                .map(|s| format!(" (did you mean \"{s}\"?)"))
                .unwrap_or_default();
            (
                "municipalities",
                format!("unknown municipality \"{name}\"{hint}"),
            )
        })?;
        municipalities.push(m.name.clone());
    }
    let regions = fm
        .regions
        .iter()
        .map(|r| r.parse::<Region>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ("regions", e))?;
    Ok(Checked {
        id: fm.id,
        title: fm.title.trim().to_owned(),
        lang,
        scope: Scope {
            municipalities,
            regions,
        },
        tags: fm.tags,
        source: fm.source.filter(|s| !s.trim().is_empty()),
        updated: fm.updated.map(|d| to_date(d, "updated")).transpose()?,
        review_by: fm.review_by.map(|d| to_date(d, "review_by")).transpose()?,
    })
}

fn to_date(
    value: toml::value::Datetime,
    key: &'static str,
) -> Result<Date, (&'static str, String)> {
    match (value.date, value.time) {
        (Some(d), None) => Date::new(d.year as i16, d.month as i8, d.day as i8)
            .map_err(|e| (key, format!("{key}: {e}"))),
        _ => Err((
            key,
            format!("{key} must be a date like 2026-05-01, not \"{value}\""),
        )),
    }
}

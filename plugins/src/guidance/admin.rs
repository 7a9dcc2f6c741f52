//! `!vägledning` / `!guidance` for admins: what Lots answers from (status, the documents, one
//! document's sections) and where the guidance has gaps (questions it could not answer, and
//! sections that got 👎).

use std::collections::BTreeMap;

use jiff::Timestamp;
use lots_knowledge::SectionRecord;
use lots_knowledge::analysis::Lang;

use super::Library;
use super::feedback::{GAPS_RETENTION_DAYS, disliked_since, gaps_since};
use crate::command::Invocation;
use crate::error::PluginError;
use crate::plugin::Context;
use crate::reply::Reply;

pub(super) fn command(
    library: &Library,
    ctx: &Context,
    inv: Invocation<'_>,
) -> Result<Reply, PluginError> {
    let sv = inv.lang == Lang::Sv;
    let (sub, rest) = inv
        .args
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((inv.args.trim(), ""));
    let sections = || {
        library
            .current()
            .index()
            .all_sections()
            .map_err(|e| PluginError::internal("listing the guidance", e))
    };
    match sub.to_lowercase().as_str() {
        "" | "status" => {
            let answerer = library.current();
            let all = sections()?;
            let docs = by_document(&all).len();
            let location = answerer
                .index()
                .location()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "minnet".into());
            Ok(Reply::text(if sv {
                format!(
                    "Lots svarar ur {docs} dokument med {} avsnitt (index: {location}).",
                    all.len()
                )
            } else {
                format!(
                    "Lots answers from {docs} documents with {} sections (index: {location}).",
                    all.len()
                )
            }))
        }
        "lista" | "list" => {
            let all = sections()?;
            let today = crate::today().to_string();
            let lines: Vec<String> = by_document(&all)
                .into_values()
                .map(|s| {
                    let first = s[0];
                    let scope = if first.municipalities.is_empty() && first.regions.is_empty() {
                        if sv {
                            "nationell".to_owned()
                        } else {
                            "national".to_owned()
                        }
                    } else {
                        [first.municipalities.clone(), first.regions.clone()]
                            .concat()
                            .join(", ")
                    };
                    let outdated = first
                        .review_by
                        .as_deref()
                        .is_some_and(|d| d < today.as_str());
                    format!(
                        "{} – {} ({}, {scope}, {}{}) {} {}",
                        first.doc,
                        first.title,
                        first.lang.code(),
                        first.updated.as_deref().unwrap_or("–"),
                        if outdated {
                            if sv {
                                ", ⚠ inaktuell"
                            } else {
                                ", ⚠ outdated"
                            }
                        } else {
                            ""
                        },
                        s.len(),
                        if sv { "avsnitt" } else { "sections" },
                    )
                })
                .collect();
            Ok(Reply::text(lines.join("\n")))
        }
        "visa" | "show" => {
            let id = rest.trim();
            let all = sections()?;
            let docs = by_document(&all);
            let Some(s) = docs.get(id) else {
                return Err(PluginError::user(
                    format!("Inget dokument har id {id:?}. Se !vägledning lista."),
                    format!("No document has the id {id:?}. See !guidance list."),
                ));
            };
            let first = s[0];
            let mut out = format!(
                "{} – {}\n{}: {}\n{}: {}\n",
                first.doc,
                first.title,
                if sv { "Källa" } else { "Source" },
                first.source.as_deref().unwrap_or("–"),
                if sv {
                    "Uppdaterad / ses över"
                } else {
                    "Updated / review by"
                },
                format_args!(
                    "{} / {}",
                    first.updated.as_deref().unwrap_or("–"),
                    first.review_by.as_deref().unwrap_or("–")
                ),
            );
            for section in s {
                out.push_str(&format!("• {}\n", section.heading));
            }
            Ok(Reply::text(out.trim_end().to_owned()))
        }
        "luckor" | "gaps" => {
            let days: i64 = if rest.trim().is_empty() {
                30
            } else {
                rest.trim()
                    .parse()
                    .ok()
                    .filter(|d| (1..=GAPS_RETENTION_DAYS).contains(d))
                    .ok_or_else(|| {
                        PluginError::user(
                            format!(
                                "Skriv antal dagar, 1–{GAPS_RETENTION_DAYS}: !vägledning luckor 30"
                            ),
                            format!(
                                "Write a number of days, 1–{GAPS_RETENTION_DAYS}: !guidance gaps 30"
                            ),
                        )
                    })?
            };
            let since = Timestamp::now().as_second() - days * 86_400;
            let gaps =
                gaps_since(&ctx.db, since).map_err(|e| PluginError::internal("reading gaps", e))?;
            let disliked = disliked_since(&ctx.db, since)
                .map_err(|e| PluginError::internal("reading feedback", e))?;
            let mut out = if sv {
                format!("Senaste {days} dagarna.\nFrågor utan säkert svar:")
            } else {
                format!("The last {days} days.\nQuestions without a reliable answer:")
            };
            if gaps.is_empty() {
                out.push_str(if sv { "\n• inga" } else { "\n• none" });
            }
            for (q, n) in gaps {
                out.push_str(&format!("\n• {n}× {q}"));
            }
            out.push_str(if sv {
                "\nSvar som fått 👎:"
            } else {
                "\nAnswers with 👎:"
            });
            if disliked.is_empty() {
                out.push_str(if sv { "\n• inga" } else { "\n• none" });
            }
            for (doc, heading, down, up) in disliked {
                out.push_str(&format!("\n• {doc} › {heading}: {down} 👎, {up} 👍"));
            }
            Ok(Reply::text(out))
        }
        other => Err(PluginError::user(
            format!(
                "Jag känner inte till !vägledning {other}. Skriv: !vägledning status, lista, visa <id> eller luckor."
            ),
            format!(
                "I don't know !guidance {other}. Write: !guidance status, list, show <id> or gaps."
            ),
        )),
    }
}

/// Sections grouped by document id, in id order.
fn by_document(all: &[SectionRecord]) -> BTreeMap<String, Vec<&SectionRecord>> {
    let mut docs: BTreeMap<String, Vec<&SectionRecord>> = BTreeMap::new();
    for s in all {
        docs.entry(s.doc.clone()).or_default().push(s);
    }
    docs
}

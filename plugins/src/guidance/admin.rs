//! `!vägledning` / `!guidance` for admins: what Lots answers from (status, the documents, one
//! document's sections), changing it (load a file, remove a document, versions, rollback, the
//! audit log) and where the guidance has gaps (questions it could not answer, and sections that
//! got 👎).

use std::collections::BTreeMap;

use jiff::Timestamp;
use lots_knowledge::SectionRecord;
use lots_knowledge::analysis::Lang;

use super::GuidancePlugin;
use super::feedback::{disliked_since, gaps_since};
use super::grammar::{Sub, parse};
use super::versions;
use crate::command::Invocation;
use crate::error::PluginError;
use crate::plugin::Context;
use crate::reply::Reply;

/// Audit entries shown by `logg`.
const LOG_LINES: usize = 20;

pub(super) async fn command(
    plugin: &GuidancePlugin,
    ctx: &Context,
    inv: Invocation<'_>,
) -> Result<Reply, PluginError> {
    let sv = inv.lang == Lang::Sv;
    let library = plugin.curator.library();
    let sections = || {
        library
            .current()
            .index()
            .all_sections()
            .map_err(|e| PluginError::internal("listing the guidance", e))
    };
    let pick = |a: String, b: String| if sv { a } else { b };
    match parse(inv.args)? {
        Sub::Status => {
            let all = sections()?;
            let docs = by_document(&all).len();
            let active = plugin.curator.active()?;
            let since = if active.at == 0 {
                pick(
                    "mapparna som de är, inga ändringar i chatten".into(),
                    "the folders as they are, no changes in chat".into(),
                )
            } else {
                pick(
                    format!("sedan {} av {}", when(active.at), active.by),
                    format!("since {} by {}", when(active.at), active.by),
                )
            };
            Ok(Reply::text(pick(
                format!(
                    "Lots svarar ur {docs} dokument med {} avsnitt.\nAktiv version: {} ({since}).",
                    all.len(),
                    active.number
                ),
                format!(
                    "Lots answers from {docs} documents with {} sections.\nActive version: {} ({since}).",
                    all.len(),
                    active.number
                ),
            )))
        }
        Sub::Add(given) => {
            let file = super::upload::find(ctx, &plugin.recent, inv.msg).await?;
            let bytes =
                super::upload::download(ctx, &file, plugin.settings.max_upload_bytes).await?;
            // The file's name may say more than it should; it is in the audit log, not the info log.
            tracing::info!(admin = %inv.msg.sender, bytes = bytes.len(), "loading uploaded guidance");
            tracing::debug!(file = %file.name, "the uploaded file");
            let loaded = plugin
                .curator
                .add(&inv.msg.sender, &file.name, bytes, given)
                .await?;
            plugin.recent.forget(&inv.msg.room, &inv.msg.sender, &file);
            let d = &loaded.doc;
            let scope = scope_of(
                &d.scope.municipalities,
                &d.scope
                    .regions
                    .iter()
                    .map(|r| r.name().to_owned())
                    .collect::<Vec<_>>(),
                sv,
            );
            let (loaded_word, sections_word, active_word) = if sv {
                ("Inläst", "avsnitt", "Aktiv version")
            } else {
                ("Loaded", "sections", "Active version")
            };
            let mut out = format!(
                "{loaded_word}: {} – {} ({} {sections_word}, {}, {scope}). {active_word}: {}.",
                d.id,
                d.title,
                d.sections.len(),
                d.lang.code(),
                loaded.version
            );
            if let Some(old) = &loaded.replaced {
                out.push_str(&pick(
                    format!("\nDen ersätter det tidigare dokumentet med samma id ({old})."),
                    format!("\nIt replaces the earlier document with the same id ({old})."),
                ));
            }
            for (wsv, wen) in &loaded.warnings {
                out.push_str(&format!("\n⚠ {}", pick(wsv.clone(), wen.clone())));
            }
            Ok(Reply::text(out))
        }
        Sub::Remove(id) => {
            let (before, version) = plugin.curator.remove(&inv.msg.sender, &id).await?;
            Ok(Reply::text(pick(
                format!(
                    "{id} är borttaget; Lots svarar inte längre ur det. Aktiv version: {version}. (Ångra med !vägledning återställ {before}.)"
                ),
                format!(
                    "{id} is removed; Lots no longer answers from it. Active version: {version}. (Undo with !guidance rollback {before}.)"
                ),
            )))
        }
        Sub::Versions => {
            let active = plugin.curator.active()?.number;
            let all = versions::versions(&ctx.db)
                .map_err(|e| PluginError::internal("listing versions", e))?;
            let lines: Vec<String> = all
                .iter()
                .take(30)
                .map(|v| {
                    let mark = if v.number == active { " ◀" } else { "" };
                    if v.number == 0 {
                        pick(
                            format!("v0 – bara mapparna{mark}"),
                            format!("v0 – the folders alone{mark}"),
                        )
                    } else {
                        let (action, detail) =
                            v.summary.split_once(' ').unwrap_or((&v.summary, ""));
                        format!(
                            "v{} – {} – {} – {} {detail}{mark}",
                            v.number,
                            when(v.at),
                            v.by,
                            action_name(action, sv),
                        )
                    }
                })
                .collect();
            Ok(Reply::text(lines.join("\n")))
        }
        Sub::Rollback(version) => {
            plugin.curator.rollback(&inv.msg.sender, version).await?;
            Ok(Reply::text(pick(
                format!("Version {version} används igen."),
                format!("Version {version} is in use again."),
            )))
        }
        Sub::Log => {
            let log = versions::audit_log(&ctx.db, LOG_LINES)
                .map_err(|e| PluginError::internal("reading the audit log", e))?;
            if log.is_empty() {
                return Ok(Reply::text(pick(
                    "Loggen är tom: ingen har ändrat vägledningen än.".into(),
                    "The log is empty: nobody has changed the guidance yet.".into(),
                )));
            }
            let lines: Vec<String> = log
                .iter()
                .map(|e| {
                    format!(
                        "{} – {} – {} {}",
                        when(e.at),
                        e.by,
                        action_name(&e.action, sv),
                        e.detail
                    )
                })
                .collect();
            Ok(Reply::text(lines.join("\n")))
        }
        Sub::List => {
            let all = sections()?;
            let today = crate::today().to_string();
            let lines: Vec<String> = by_document(&all)
                .into_values()
                .map(|s| {
                    let first = s[0];
                    let scope = scope_of(&first.municipalities, &first.regions, sv);
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
        Sub::Show(id) => {
            let id = id.as_str();
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
            out.push_str(&match plugin.curator.upload_of(id)? {
                None => pick(
                    "Från: de konfigurerade mapparna\n".into(),
                    "From: the configured folders\n".into(),
                ),
                Some((name, Some(v))) => pick(
                    format!(
                        "Inläst i chatten: {name}, av {} {} (v{})\n",
                        v.by,
                        when(v.at),
                        v.number
                    ),
                    format!(
                        "Loaded in chat: {name}, by {} {} (v{})\n",
                        v.by,
                        when(v.at),
                        v.number
                    ),
                ),
                Some((name, None)) => pick(
                    format!("Inläst i chatten: {name}\n"),
                    format!("Loaded in chat: {name}\n"),
                ),
            });
            for section in s {
                out.push_str(&format!("• {}\n", section.heading));
            }
            Ok(Reply::text(out.trim_end().to_owned()))
        }
        Sub::Gaps(days) => {
            let retention = plugin.settings.gaps_retention_days;
            let days = days.unwrap_or(30.min(retention));
            if !(1..=retention).contains(&days) {
                return Err(PluginError::user(
                    format!("Skriv antal dagar, 1–{retention}: !vägledning luckor 30"),
                    format!("Write a number of days, 1–{retention}: !guidance gaps 30"),
                ));
            }
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

/// Seconds since the epoch as Swedish local time, `2026-11-29 14:03`.
fn when(at: i64) -> String {
    Timestamp::from_second(at)
        .map(|t| {
            t.to_zoned_datetime(crate::sweden())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

fn action_name(action: &str, sv: bool) -> &str {
    match (action, sv) {
        ("load", true) => "läste in",
        ("replace", true) => "ersatte",
        ("remove", true) => "tog bort",
        ("rollback", true) => "återställde",
        ("refused", true) => "avvisade",
        ("folders", true) => "läste om mapparna:",
        ("folders", false) => "reloaded the folders:",
        ("refused", false) => "refused",
        (a, _) => a,
    }
}

fn scope_of(municipalities: &[String], regions: &[String], sv: bool) -> String {
    if municipalities.is_empty() && regions.is_empty() {
        return if sv { "nationell" } else { "national" }.to_owned();
    }
    [municipalities, regions].concat().join(", ")
}

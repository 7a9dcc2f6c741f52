//! Hand-offs between cities: `!överlämna <kommun> <text>` posts a notice in the room whose
//! municipality is the destination (set there with `!stad sätt`); the destination acknowledges
//! with `!kvittera <id>` or a ✅ reaction and the sender's room is told. Unacknowledged hand-offs
//! are reminded once after a configurable time. The log keeps id, from, to, who and when — never
//! the text, which lives only in the (encrypted) rooms.

use jiff::Timestamp;
use lots_knowledge::analysis::Lang;
use rusqlite::{OptionalExtension, params};

use super::RoutingPlugin;
use crate::command::Invocation;
use crate::error::PluginError;
use crate::plugin::Context;
use crate::privacy::contains_identity_number;
use crate::reply::Reply;
use crate::store::{Db, DbError};

/// Longest hand-off text, in characters.
const MAX_TEXT: usize = 500;

pub(super) const MIGRATIONS: &[&str] = &["CREATE TABLE handoffs (
        id INTEGER PRIMARY KEY,
        from_room TEXT NOT NULL,
        from_place TEXT,
        to_place TEXT NOT NULL,
        to_room TEXT NOT NULL,
        sender TEXT NOT NULL,
        lang TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        acked_at INTEGER,
        acked_by TEXT,
        reminded_at INTEGER
    );
    CREATE INDEX handoffs_open ON handoffs (acked_at, reminded_at, created_at);"];

fn err(context: &'static str) -> impl Fn(rusqlite::Error) -> DbError {
    move |e| DbError::new(context, e)
}

fn db_error(e: DbError) -> PluginError {
    PluginError::internal("hand-offs", e)
}

/// The room whose municipality is `place` (the one set most recently).
fn room_of(db: &Db, place: &str) -> Result<Option<String>, DbError> {
    db.lock()
        .query_row(
            "SELECT scope FROM places WHERE municipality = ?1 AND scope LIKE '!%' ORDER BY at DESC LIMIT 1",
            [place],
            |r| r.get(0),
        )
        .optional()
        .map_err(err("finding a city's room"))
}

/// `!överlämna <kommun> <text>`.
pub(super) async fn send(
    p: &RoutingPlugin,
    ctx: &Context,
    inv: Invocation<'_>,
) -> Result<Reply, PluginError> {
    let sv = inv.lang == Lang::Sv;
    let (name, text) = split_destination(p, inv.args).ok_or_else(|| {
        PluginError::user(
            "Skriv kommun och en kort text, till exempel: !överlämna Malmö Klient flyttar på fredag, kontakta mig",
            "Write the municipality and a short text, for example: !handoff Malmö Client moves on Friday, contact me",
        )
    })?;
    let to = p.municipality(name)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(PluginError::user(
            "Skriv en kort text efter kommunen: vad mottagaren behöver veta (inga personuppgifter).",
            "Write a short text after the municipality: what the receiver needs to know (no personal data).",
        ));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(PluginError::user(
            format!(
                "Texten är för lång (högst {MAX_TEXT} tecken). Skriv det viktigaste; resten tar ni per telefon."
            ),
            format!(
                "The text is too long (at most {MAX_TEXT} characters). Write the essentials; the rest by phone."
            ),
        ));
    }
    if contains_identity_number(text) {
        return Err(PluginError::user(
            "Det ser ut som ett personnummer eller samordningsnummer. Sådana skickar jag inte: använd en ärendereferens.",
            "That looks like a Swedish personal identity number. I do not send those: use a case reference.",
        ));
    }
    let Some(to_room) = room_of(&ctx.db, &to.name).map_err(db_error)? else {
        let mut reply = if sv {
            format!(
                "Inget rum är kopplat till {} (det görs med !stad sätt {} i deras rum). Kontakta dem direkt:\n\n",
                to.name, to.name
            )
        } else {
            format!(
                "No room is linked to {} (that is done with !city set {} in their room). Contact them directly:\n\n",
                to.name, to.name
            )
        };
        reply.push_str(&p.whom_to_call(to, sv, false, Timestamp::now()).markdown);
        return Ok(Reply::from_markdown(reply));
    };
    let from = ctx
        .db
        .place_for(&inv.msg.room, &inv.msg.sender)
        .map_err(db_error)?;
    let now = Timestamp::now().as_second();
    let id = {
        let conn = ctx.db.lock();
        conn.execute(
            "INSERT INTO handoffs (from_room, from_place, to_place, to_room, sender, lang, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![inv.msg.room, from, to.name, to_room, inv.msg.sender, inv.lang.code(), now],
        )
        .map_err(err("saving a hand-off"))
        .map_err(db_error)?;
        conn.last_insert_rowid()
    };
    let from_text = from.as_deref().unwrap_or(if sv {
        "okänd kommun"
    } else {
        "unknown municipality"
    });
    let notice = if sv {
        format!(
            "📨 Överlämning #{id} från {from_text} ({}, {}):\n{text}\nKvittera med !kvittera {id} eller en ✅-reaktion.",
            inv.msg.sender,
            inv.role.name(true)
        )
    } else {
        format!(
            "📨 Handoff #{id} from {from_text} ({}, {}):\n{text}\nAcknowledge with !ack {id} or a ✅ reaction.",
            inv.msg.sender,
            inv.role.name(false)
        )
    };
    let event = ctx
        .port
        .send(&to_room, &Reply::text(notice))
        .await
        .map_err(|e| PluginError::internal("posting a hand-off", e))?;
    ctx.db
        .remember_sent(&event, "routing", &format!("handoff:{id}"))
        .map_err(db_error)?;
    tracing::info!(handoff = id, to = %to.name, "hand-off posted");
    Ok(Reply::text(if sv {
        format!(
            "Överlämning #{id} är skickad till {}. Du får besked här när den kvitteras.",
            to.name
        )
    } else {
        format!(
            "Handoff #{id} is sent to {}. You will hear here when it is acknowledged.",
            to.name
        )
    }))
}

/// The destination (one to three words naming a municipality) and the rest.
fn split_destination<'a>(p: &RoutingPlugin, args: &'a str) -> Option<(&'a str, &'a str)> {
    let args = args.trim();
    let ends: Vec<usize> = args
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .chain(std::iter::once(args.len()))
        .collect();
    // Longest name first: "Upplands Väsby", then "Upplands".
    for &end in ends.iter().take(3).rev() {
        let name = &args[..end];
        if p.places.municipality(name).is_some() {
            return Some((name, &args[end..]));
        }
    }
    let first = *ends.first()?;
    (first > 0).then(|| (&args[..first], &args[first..]))
}

/// `!kvittera <id>`, or ✅ on the notice (`by` is who acknowledged).
pub(super) async fn acknowledge(
    ctx: &Context,
    id: i64,
    room: &str,
    by: &str,
    lang: Lang,
) -> Result<Reply, PluginError> {
    let sv = lang == Lang::Sv;
    let row: Option<(String, String, String, Option<i64>)> = ctx
        .db
        .lock()
        .query_row(
            "SELECT from_room, to_place, lang, acked_at FROM handoffs WHERE id = ?1 AND to_room = ?2",
            params![id, room],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(err("reading a hand-off"))
        .map_err(db_error)?;
    let Some((from_room, to_place, sender_lang, acked)) = row else {
        return Err(PluginError::user(
            format!("Här finns ingen överlämning #{id} att kvittera."),
            format!("There is no handoff #{id} to acknowledge here."),
        ));
    };
    if acked.is_some() {
        return Ok(Reply::text(if sv {
            format!("Överlämning #{id} är redan kvitterad.")
        } else {
            format!("Handoff #{id} is already acknowledged.")
        }));
    }
    ctx.db
        .lock()
        .execute(
            "UPDATE handoffs SET acked_at = ?2, acked_by = ?3 WHERE id = ?1",
            params![id, Timestamp::now().as_second(), by],
        )
        .map_err(err("acknowledging a hand-off"))
        .map_err(db_error)?;
    let told = if sender_lang == "sv" {
        format!("✅ Överlämning #{id} till {to_place} är kvitterad av {by}.")
    } else {
        format!("✅ Handoff #{id} to {to_place} is acknowledged by {by}.")
    };
    ctx.port
        .send(&from_room, &Reply::text(told))
        .await
        .map_err(|e| PluginError::internal("telling the sender of a hand-off", e))?;
    Ok(Reply::text(if sv {
        format!("Överlämning #{id} är kvitterad; avsändaren har fått besked.")
    } else {
        format!("Handoff #{id} is acknowledged; the sender has been told.")
    }))
}

/// Reminds the destination once of hand-offs older than `after_s` that nobody acknowledged.
pub async fn remind_unacknowledged(
    ctx: &Context,
    now: i64,
    after_s: i64,
) -> Result<usize, DbError> {
    let open: Vec<(i64, String, Option<String>, String)> = {
        let conn = ctx.db.lock();
        let mut stmt = conn
            .prepare(
                "SELECT id, to_room, from_place, lang FROM handoffs
                 WHERE acked_at IS NULL AND reminded_at IS NULL AND created_at <= ?1",
            )
            .map_err(err("reading open hand-offs"))?;
        stmt.query_map([now - after_s], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .and_then(|rows| rows.collect::<Result<_, _>>())
        .map_err(err("reading open hand-offs"))?
    };
    let mut reminded = 0;
    for (id, room, from, lang) in open {
        let from = from.unwrap_or_else(|| "?".into());
        let text = if lang == "sv" {
            format!(
                "⏰ Överlämning #{id} från {from} är inte kvitterad än. Kvittera med !kvittera {id}."
            )
        } else {
            format!(
                "⏰ Handoff #{id} from {from} is not acknowledged yet. Acknowledge with !ack {id}."
            )
        };
        match ctx
            .port
            .send_once(
                &room,
                &Reply::text(text),
                &format!("lots-handoff-reminder-{id}"),
            )
            .await
        {
            Ok(_) => {
                ctx.db
                    .lock()
                    .execute(
                        "UPDATE handoffs SET reminded_at = ?2 WHERE id = ?1",
                        params![id, now],
                    )
                    .map_err(err("recording a hand-off reminder"))?;
                reminded += 1;
            }
            Err(e) => {
                tracing::warn!(handoff = id, error = %e, "could not remind of a hand-off; will retry");
            }
        }
    }
    Ok(reminded)
}

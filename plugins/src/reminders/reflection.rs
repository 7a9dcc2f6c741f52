//! `!betänketid <ärendereferens> [startdatum]`: a series of room reminders before a 30-day
//! reflection period ends (by default on day 20, day 27 and the last day, day 30), each saying
//! what has to be decided before the end. `!betänketid` lists the room's running periods;
//! `!betänketid avsluta <ref>` ends one and cancels its remaining reminders.

use jiff::civil::{Date, time};
use jiff::{Timestamp, ToSpan};
use lots_knowledge::analysis::Lang;

use super::schedule::{describe_instant, month_name, weekday_name};
use super::store::{self, Period, Reminder};
use super::{RemindersPlugin, check_private, db_error, user};
use crate::command::Invocation;
use crate::error::PluginError;
use crate::plugin::Context;
use crate::reply::Reply;
use crate::role::Role;

/// Length of a reflection period in days (Utlänningslagen 5 kap. 15 §: at least 30 days).
const PERIOD_DAYS: i64 = 30;
/// Series reminders go out at this local time.
const AT: (i8, i8) = (9, 0);

pub(super) fn command(
    p: &RemindersPlugin,
    ctx: &Context,
    inv: Invocation<'_>,
) -> Result<Reply, PluginError> {
    let sv = inv.lang == Lang::Sv;
    let mut words = inv.args.split_whitespace();
    let first = words.next();
    match first.map(str::to_lowercase).as_deref() {
        None => list(ctx, inv, sv),
        Some("avsluta" | "end") => {
            require_coordinator(inv)?;
            let Some(case_ref) = words.next() else {
                return Err(user(
                    "Skriv vilket ärende: !betänketid avsluta <ärendereferens>",
                    "Write which case: !reflection end <case ref>",
                ));
            };
            let ended = store::end_period(
                &ctx.db,
                &inv.msg.room,
                case_ref,
                Timestamp::now().as_second(),
            )
            .map_err(db_error)?;
            if !ended {
                return Err(user(
                    format!("Här följs ingen betänketid för ärende {case_ref}. Se !betänketid."),
                    format!(
                        "No reflection period for case {case_ref} is followed here. See !reflection."
                    ),
                ));
            }
            Ok(Reply::text(if sv {
                format!(
                    "Betänketiden för ärende {case_ref} är avslutad här; dess påminnelser är borttagna."
                )
            } else {
                format!(
                    "The reflection period for case {case_ref} is ended here; its reminders are cancelled."
                )
            }))
        }
        Some(_) => {
            require_coordinator(inv)?;
            let case_ref = first.unwrap_or_default();
            let start = words.collect::<Vec<_>>().join(" ");
            start_series(p, ctx, inv, case_ref, &start)
        }
    }
}

fn require_coordinator(inv: Invocation<'_>) -> Result<(), PluginError> {
    if inv.role < Role::Coordinator {
        return Err(user(
            "Betänketidspåminnelser läggs av samordnare och administratörer.",
            "Reflection-period reminders are set by coordinators and admins.",
        ));
    }
    Ok(())
}

fn list(ctx: &Context, inv: Invocation<'_>, sv: bool) -> Result<Reply, PluginError> {
    let periods = store::running_periods(&ctx.db, &inv.msg.room).map_err(db_error)?;
    if periods.is_empty() {
        return Ok(Reply::text(if sv {
            "Inga betänketider följs i det här rummet. Starta med !betänketid <ärendereferens> [startdatum]."
        } else {
            "No reflection periods are followed in this room. Start one with !reflection <case ref> [start date]."
        }));
    }
    let lines: Vec<String> = periods
        .iter()
        .map(|p| {
            if sv {
                format!("{}: dag 1 {}, sista dagen {}", p.case_ref, p.start, p.end)
            } else {
                format!("{}: day 1 {}, last day {}", p.case_ref, p.start, p.end)
            }
        })
        .collect();
    Ok(Reply::text(lines.join("\n")))
}

fn start_series(
    p: &RemindersPlugin,
    ctx: &Context,
    inv: Invocation<'_>,
    case_ref: &str,
    start: &str,
) -> Result<Reply, PluginError> {
    let sv = inv.lang == Lang::Sv;
    if case_ref.chars().count() > 40 {
        return Err(user(
            "Ärendereferensen är för lång (högst 40 tecken).",
            "The case reference is too long (at most 40 characters).",
        ));
    }
    check_private(case_ref)?;
    check_private(start)?;
    let (zone, tz) = p.room_zone(&ctx.db, &inv.msg.room)?;
    let now = Timestamp::now();
    let today = now.to_zoned_datetime(tz.clone()).date();
    let start = if start.is_empty() {
        today
    } else {
        parse_start(start, today).ok_or_else(|| {
            user(
                "Startdatumet förstår jag inte: skriv det som 2026-11-20, 20/11 eller idag.",
                "I don't understand the start date: write it as 2026-11-20, 20/11 or today.",
            )
        })?
    };
    let end = start
        .checked_add((PERIOD_DAYS - 1).days())
        .map_err(|e| PluginError::internal("computing the end of a reflection period", e))?;
    let mut planned = Vec::new();
    for &day in &p.config.reflection_days {
        let date = start
            .checked_add((i64::from(day) - 1).days())
            .map_err(|e| PluginError::internal("computing a reflection day", e))?;
        let Ok(at) = date
            .to_datetime(time(AT.0, AT.1, 0, 0))
            .to_zoned_datetime(tz.clone())
        else {
            continue;
        };
        if at.timestamp() > now {
            planned.push((day, at.timestamp()));
        }
    }
    if planned.is_empty() {
        return Err(user(
            format!(
                "Betänketiden som började {start} är redan slut (sista dagen {end}); det finns inget att påminna om."
            ),
            format!(
                "The reflection period that began {start} is already over (last day {end}); there is nothing to remind of."
            ),
        ));
    }
    let period = Period {
        case_ref: case_ref.to_owned(),
        start: start.to_string(),
        end: end.to_string(),
    };
    if !store::start_period(
        &ctx.db,
        &inv.msg.room,
        &period,
        &inv.msg.sender,
        now.as_second(),
    )
    .map_err(db_error)?
    {
        return Err(user(
            format!(
                "Betänketiden för ärende {case_ref} följs redan här. Avsluta den först med !betänketid avsluta {case_ref}."
            ),
            format!(
                "The reflection period for case {case_ref} is already followed here. End it first with !reflection end {case_ref}."
            ),
        ));
    }
    let end_text = long_date(end, sv);
    let mut listed = Vec::new();
    for (day, at) in planned {
        let reminder = Reminder {
            id: 0,
            creator: inv.msg.sender.clone(),
            room: inv.msg.room.clone(),
            for_room: true,
            text: series_text(case_ref, day, &end_text, sv),
            lang: inv.lang.code().to_owned(),
            tz: zone.clone(),
            rule: None,
            next_at: Some(at.as_second()),
            series: Some(case_ref.to_owned()),
        };
        store::insert(&ctx.db, &reminder, now.as_second()).map_err(db_error)?;
        listed.push(format!(
            "{} {day} ({})",
            if sv { "dag" } else { "day" },
            describe_instant(at, &tz, sv)
        ));
    }
    p.wake.notify_one();
    Ok(Reply::text(if sv {
        format!(
            "Betänketid för ärende {case_ref}: dag 1 är {}, sista dagen {end_text}. Påminnelser i det här rummet: {}.",
            long_date(start, true),
            listed.join(", ")
        )
    } else {
        format!(
            "Reflection period for case {case_ref}: day 1 is {}, the last day {end_text}. Reminders in this room: {}.",
            long_date(start, false),
            listed.join(", ")
        )
    }))
}

/// What a series reminder says on `day`.
fn series_text(case_ref: &str, day: u8, end: &str, sv: bool) -> String {
    let left = PERIOD_DAYS - i64::from(day);
    let decide_sv = "Före slutet behöver ni ta ställning till om personen vill samarbeta med förundersökningen, \
                     om ni ska ansöka om förlängning eller om annat uppehållstillstånd, och om ett återvändande \
                     ska planeras. Se vägledningen: !fråga förlängning av betänketid";
    let decide_en = "Before it ends, decide whether the person will cooperate with the preliminary investigation, \
                     whether to apply for an extension or another residence permit, and whether a return should \
                     be planned. See the guidance: !ask extension of the reflection period";
    match (left, sv) {
        (0, true) => format!(
            "Idag är sista dagen av betänketiden för ärende {case_ref} ({end}). {decide_sv}"
        ),
        (0, false) => format!(
            "Today is the last day of the reflection period for case {case_ref} ({end}). {decide_en}"
        ),
        (n, true) => {
            format!("Betänketiden för ärende {case_ref} slutar om {n} dagar ({end}). {decide_sv}")
        }
        (n, false) => format!(
            "The reflection period for case {case_ref} ends in {n} days ({end}). {decide_en}"
        ),
    }
}

fn long_date(d: Date, sv: bool) -> String {
    format!(
        "{} {} {} {}",
        weekday_name(d.weekday(), sv),
        d.day(),
        month_name(d.month(), sv),
        d.year()
    )
}

/// `2026-11-20`, `20/11`, `20/11/2026`, `idag`/`today`, `igår`/`yesterday`. A date without a
/// year is the latest one not after today (a start date lies behind us).
fn parse_start(s: &str, today: Date) -> Option<Date> {
    let s = s.trim().to_lowercase();
    match s.as_str() {
        "idag" | "i dag" | "today" => return Some(today),
        "igår" | "igar" | "i går" | "yesterday" => return today.yesterday().ok(),
        _ => {}
    }
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    let mut parts = s.split('/');
    let day: i8 = parts.next()?.parse().ok()?;
    let month: i8 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some(y) => Date::new(y.parse().ok()?, month, day).ok(),
        None => {
            let this = Date::new(today.year(), month, day).ok()?;
            if this <= today {
                Some(this)
            } else {
                Date::new(today.year() - 1, month, day).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn start_dates() {
        let today = date(2026, 11, 28);
        assert_eq!(parse_start("2026-11-20", today), Some(date(2026, 11, 20)));
        assert_eq!(parse_start("20/11", today), Some(date(2026, 11, 20)));
        assert_eq!(
            parse_start("20/12", today),
            Some(date(2025, 12, 20)),
            "a start date lies behind us"
        );
        assert_eq!(parse_start("1/2/2027", today), Some(date(2027, 2, 1)));
        assert_eq!(parse_start("idag", today), Some(today));
        assert_eq!(parse_start("igår", today), Some(date(2026, 11, 27)));
        assert_eq!(parse_start("snart", today), None);
        assert_eq!(parse_start("31/2", today), None);
    }

    #[test]
    fn series_texts_count_down_and_say_what_to_decide() {
        let t = series_text("ÄR-2026-014", 20, "torsdag 17 december 2026", true);
        assert!(
            t.starts_with("Betänketiden för ärende ÄR-2026-014 slutar om 10 dagar"),
            "{t}"
        );
        assert!(
            t.contains("förlängning") && t.contains("förundersökningen"),
            "{t}"
        );
        let t = series_text("X1", 30, "Thursday 17 December 2026", false);
        assert!(t.starts_with("Today is the last day"), "{t}");
    }
}

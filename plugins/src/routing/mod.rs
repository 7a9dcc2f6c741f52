//! City by city: `!stad`/`!city` shows and sets the municipality of a room (or a user's default in
//! a direct chat) and lists whom to call — open now first, then the regional coordinators, then
//! national lines — and questions like "vem ringer jag i Kiruna?" get the same list. The place is
//! taken from the question, else the room, else the user's default.

pub mod contacts;
pub mod handoff;
pub mod hours;

use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use lots_knowledge::analysis::{Lang, detect_lang};
use lots_knowledge::{Municipality, Place, Places, Region};

use crate::chat::Message;
use crate::command::{CommandSpec, Invocation};
use crate::error::PluginError;
use crate::plugin::{Background, Context, Plugin};
use crate::reply::Reply;
use crate::role::Role;
use contacts::{Contact, Directory};

/// Opening hours are read in Swedish time.
const ZONE: &str = "Europe/Stockholm";

/// Whom-to-call routing and hand-offs.
pub struct RoutingPlugin {
    places: Places,
    directory: Directory,
    handoff_reminder_after: Duration,
    background: Background,
}

impl RoutingPlugin {
    /// A plugin over the place data and a validated directory; unacknowledged hand-offs are
    /// reminded after `handoff_reminder_after`.
    pub fn new(places: Places, directory: Directory, handoff_reminder_after: Duration) -> Self {
        RoutingPlugin {
            places,
            directory,
            handoff_reminder_after,
            background: Background::new(),
        }
    }

    fn municipality(&self, name: &str) -> Result<&Municipality, PluginError> {
        self.places.municipality(name).ok_or_else(|| {
            let hint = self
                .places
                .suggest(name)
                .map(|s| format!(" Menade du {s}?"))
                .unwrap_or_default();
            let hint_en = self
                .places
                .suggest(name)
                .map(|s| format!(" Did you mean {s}?"))
                .unwrap_or_default();
            PluginError::user(
                format!("Jag hittar ingen kommun som heter {name}.{hint}"),
                format!("I find no municipality called {name}.{hint_en}"),
            )
        })
    }
}

fn db_error(e: crate::store::DbError) -> PluginError {
    PluginError::internal("place settings", e)
}

#[async_trait]
impl Plugin for RoutingPlugin {
    fn name(&self) -> &'static str {
        "routing"
    }

    fn commands(&self) -> Vec<CommandSpec> {
        vec![
            CommandSpec {
                name: "city",
                sv: &["stad"],
                en: &["city"],
                usage_sv: "[<kommun> | sätt <kommun>]",
                usage_en: "[<municipality> | set <municipality>]",
                help_sv: "vem du ringer i en kommun just nu; sätt rummets kommun",
                help_en: "whom to call in a municipality right now; set the room's municipality",
                role: Role::Staff,
                free_text: false,
            },
            CommandSpec {
                name: "handoff",
                sv: &["överlämna"],
                en: &["handoff"],
                usage_sv: "<kommun> <kort text>",
                usage_en: "<municipality> <short text>",
                help_sv: "lämnar över ett ärende till en annan kommuns rum (inga personnummer)",
                help_en: "hands a case over to another municipality's room (no identity numbers)",
                role: Role::Staff,
                free_text: false,
            },
            CommandSpec {
                name: "ack",
                sv: &["kvittera"],
                en: &["ack"],
                usage_sv: "<nummer>",
                usage_en: "<number>",
                help_sv: "kvitterar en överlämning till ert rum",
                help_en: "acknowledges a handoff to your room",
                role: Role::Staff,
                free_text: false,
            },
        ]
    }

    async fn on_start(&self, ctx: &Context) -> Result<(), PluginError> {
        ctx.db
            .migrate("routing", handoff::MIGRATIONS)
            .map_err(db_error)?;
        let ctx = ctx.clone();
        let after = self.handoff_reminder_after.as_secs() as i64;
        self.background.spawn(|mut stop| async move {
            loop {
                if let Err(e) =
                    handoff::remind_unacknowledged(&ctx, Timestamp::now().as_second(), after).await
                {
                    tracing::error!(error = %crate::error::chain(&e), "hand-off reminders");
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(30)) => {}
                    _ = stop.changed() => return,
                }
            }
        });
        Ok(())
    }

    async fn on_shutdown(&self, _ctx: &Context) {
        self.background.stop().await;
    }

    async fn on_reaction(
        &self,
        ctx: &Context,
        reaction: &crate::chat::Reaction,
        meta: &str,
    ) -> Result<(), PluginError> {
        let Some(id) = meta.strip_prefix("handoff:").and_then(|i| i.parse().ok()) else {
            return Ok(());
        };
        if !reaction.key.starts_with('✅') && !reaction.key.starts_with('✔') {
            return Ok(());
        }
        handoff::acknowledge(ctx, id, &reaction.room, &reaction.sender, Lang::Sv)
            .await
            .map(|_| ())
    }

    async fn on_command(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        match inv.command {
            "handoff" => return handoff::send(self, ctx, inv).await,
            "ack" => {
                let Ok(id) = inv.args.trim().trim_start_matches('#').parse::<i64>() else {
                    return Err(PluginError::user(
                        "Skriv överlämningens nummer, till exempel: !kvittera 7",
                        "Write the handoff's number, for example: !ack 7",
                    ));
                };
                return handoff::acknowledge(ctx, id, &inv.msg.room, &inv.msg.sender, inv.lang)
                    .await;
            }
            _ => {}
        }
        let sv = inv.lang == Lang::Sv;
        let args = inv.args.trim();
        let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        if ["sätt", "satt", "set"].contains(&first.to_lowercase().as_str()) {
            let m = self.municipality(rest.trim())?;
            let scope = if inv.msg.direct {
                &inv.msg.sender
            } else {
                if inv.role < Role::Coordinator {
                    return Err(PluginError::user(
                        "Rummets kommun ställs in av samordnare och administratörer.",
                        "The room's municipality is set by coordinators and admins.",
                    ));
                }
                &inv.msg.room
            };
            ctx.db
                .set_place(scope, &m.name, &inv.msg.sender)
                .map_err(db_error)?;
            return Ok(Reply::text(match (inv.msg.direct, sv) {
                (true, true) => format!(
                    "Din kommun är nu {}. Svar och kontakter utgår från den när du inte nämner någon annan.",
                    m.name
                ),
                (true, false) => format!(
                    "Your municipality is now {}. Answers and contacts use it unless you name another.",
                    m.name
                ),
                (false, true) => format!(
                    "Rummets kommun är nu {}. Svar och kontakter här utgår från den.",
                    m.name
                ),
                (false, false) => format!(
                    "The room's municipality is now {}. Answers and contacts here use it.",
                    m.name
                ),
            }));
        }
        if args.is_empty() {
            let room = ctx.db.place(&inv.msg.room).map_err(db_error)?;
            let user = ctx.db.place(&inv.msg.sender).map_err(db_error)?;
            return Ok(Reply::text(match (room, user, sv) {
                (Some(r), _, true) => format!("Rummets kommun är {r}. Skriv !stad {r} för vem du ringer, eller !stad sätt <kommun> för att ändra."),
                (Some(r), _, false) => format!("The room's municipality is {r}. Write !city {r} for whom to call, or !city set <municipality> to change it."),
                (None, Some(u), true) => format!("Din kommun är {u}. Skriv !stad {u} för vem du ringer."),
                (None, Some(u), false) => format!("Your municipality is {u}. Write !city {u} for whom to call."),
                (None, None, true) => "Ingen kommun är satt här. Skriv !stad <kommun> för vem du ringer, eller !stad sätt <kommun>.".to_owned(),
                (None, None, false) => "No municipality is set here. Write !city <municipality> for whom to call, or !city set <municipality>.".to_owned(),
            }));
        }
        let m = self.municipality(args)?;
        Ok(self.whom_to_call(m, sv, false, Timestamp::now()))
    }

    async fn on_message(&self, ctx: &Context, msg: &Message) -> Result<Option<Reply>, PluginError> {
        if !msg.addressed || !asks_whom_to_call(&msg.body) {
            return Ok(None);
        }
        let sv = detect_lang(&msg.body) == Lang::Sv;
        let acute = is_acute(&msg.body);
        // "whom can I phone tonight?": the contacts open then, not now.
        let now = asked_time(&msg.body, Timestamp::now());
        let place = match self.places.find_place(&msg.body) {
            Some(Place::Municipality(m)) => Some(m),
            Some(Place::County { name, region }) => {
                return Ok(Some(
                    self.whom_to_call_in_region(name, region, sv, acute, now),
                ));
            }
            Some(Place::Region(region)) => {
                let label = format!("Region {}", region.name());
                return Ok(Some(self.whom_to_call_in_region(
                    &label,
                    Some(region),
                    sv,
                    acute,
                    now,
                )));
            }
            None => ctx
                .db
                .place_for(&msg.room, &msg.sender)
                .map_err(db_error)?
                .and_then(|name| self.places.municipality(&name)),
        };
        Ok(Some(match place {
            Some(m) => self.whom_to_call(m, sv, acute, now),
            None => {
                let r = self.national_only(sv, acute, now);
                let hint = if sv {
                    "\n\nSäg vilken kommun det gäller (\"vem ringer jag i Lund?\"), eller sätt rummets kommun med !stad sätt <kommun>, så får du de lokala kontakterna."
                } else {
                    "\n\nSay which municipality (\"who do I call in Lund?\"), or set the room's with !city set <municipality>, to get the local contacts."
                };
                Reply::from_markdown(r.markdown + hint)
            }
        }))
    }
}

impl RoutingPlugin {
    /// The contacts for `m` at `now` (or the moment asked about): open ones first, then the
    /// region, then national lines.
    pub fn whom_to_call(&self, m: &Municipality, sv: bool, acute: bool, now: Timestamp) -> Reply {
        // Asked about a later moment ("at night"): say "then", not "now".
        let later = now.as_second() > Timestamp::now().as_second() + 60;
        let tz = TimeZone::get(ZONE).unwrap_or(TimeZone::UTC);
        let at = now.to_zoned_datetime(tz.clone());
        let found = self.directory.lookup(m);
        let region = m.region.map(|r| r.name()).unwrap_or("?");
        let inferred = match (m.region_inferred, sv) {
            (true, true) => ", antagen",
            (true, false) => ", inferred",
            (false, _) => "",
        };
        let when = crate::reminders::schedule::describe_instant(now, &tz, sv);
        let mut out = if sv {
            format!(
                "**{}** ({}, region {region}{inferred}) – öppet och stängt gäller {when}:",
                m.name, m.county
            )
        } else {
            format!(
                "**{}** ({}, region {region}{inferred}) – open and closed as of {when}:",
                m.name, m.county
            )
        };
        if found.local.is_empty() {
            out.push_str(&if sv {
                format!("\nLots har inga lokala kontakter för {}; här är regionens och de nationella.", m.name)
            } else {
                format!("\nLots has no local contacts for {}; here are the region's and the national ones.", m.name)
            });
        }
        let (open, closed): (Vec<&Contact>, Vec<&Contact>) =
            found.local.iter().partition(|c| c.hours.is_open(&at));
        let labels = match (later, sv) {
            (false, true) => ["\nÖppet nu:", "\nStängt nu:"],
            (false, false) => ["\nOpen now:", "\nClosed now:"],
            (true, true) => ["\nÖppet då:", "\nStängt då:"],
            (true, false) => ["\nOpen then:", "\nClosed then:"],
        };
        for (label, contacts) in labels.into_iter().zip([open, closed]) {
            if !contacts.is_empty() {
                out.push_str(label);
                for c in contacts {
                    out.push_str(&line(c, None, sv));
                }
            }
        }
        out.push('\n');
        out.push_str(&regional_lines(found.regional, region, sv, &at));
        out.push('\n');
        out.push_str(&national_lines(found.national, sv, &at));
        with_112(out, sv, acute)
    }

    /// A county or region without a municipality: the regional coordinators and national lines.
    pub fn whom_to_call_in_region(
        &self,
        label: &str,
        region: Option<Region>,
        sv: bool,
        acute: bool,
        now: Timestamp,
    ) -> Reply {
        let at = now.to_zoned_datetime(TimeZone::get(ZONE).unwrap_or(TimeZone::UTC));
        let name = region.map(|r| r.name()).unwrap_or("?");
        let mut out = if sv {
            format!(
                "**{label}** (region {name}). Säg vilken kommun det gäller för lokala kontakter.\n"
            )
        } else {
            format!("**{label}** (region {name}). Name the municipality for local contacts.\n")
        };
        let regional = region.map(|r| self.directory.region(r)).unwrap_or_default();
        out.push_str(&regional_lines(regional, name, sv, &at));
        out.push('\n');
        out.push_str(&national_lines(self.directory.national(), sv, &at));
        with_112(out, sv, acute)
    }

    /// National lines only, when no place is known.
    fn national_only(&self, sv: bool, acute: bool, now: Timestamp) -> Reply {
        let at = now.to_zoned_datetime(TimeZone::get(ZONE).unwrap_or(TimeZone::UTC));
        with_112(
            national_lines(self.directory.national(), sv, &at),
            sv,
            acute,
        )
    }
}

/// 112 first, in bold, when it is acute; otherwise last, as a reminder.
fn with_112(body: String, sv: bool, acute: bool) -> Reply {
    Reply::from_markdown(match (acute, sv) {
        (true, true) => format!("**Vid akut fara: ring 112 nu.**\n\n{body}"),
        (true, false) => format!("**In acute danger: call 112 now.**\n\n{body}"),
        (false, true) => format!("{body}\nVid akut fara: ring 112."),
        (false, false) => format!("{body}\nIn acute danger: call 112."),
    })
}

/// `Regionkoordinatorer (Syd):` and their lines, each saying when it is closed.
fn regional_lines(
    contacts: &[Contact],
    region: &str,
    sv: bool,
    at: &jiff::ZonedDateTime,
) -> String {
    let mut out = if sv {
        format!("Regionkoordinatorer ({region}):")
    } else {
        format!("Regional coordinators ({region}):")
    };
    if contacts.is_empty() {
        out.push_str(if sv {
            "\n• inget nummer i Lots data – fråga: !fråga regionkoordinator"
        } else {
            "\n• no number in Lots's data – ask: !ask regional coordinator"
        });
    }
    for c in contacts {
        out.push_str(&line(c, Some(c.hours.is_open(at)), sv));
    }
    out
}

/// `Nationellt:` and the national lines but 112 (which `with_112` places).
fn national_lines(contacts: &[Contact], sv: bool, at: &jiff::ZonedDateTime) -> String {
    let mut out = String::from(if sv { "Nationellt:" } else { "National:" });
    for c in contacts.iter().filter(|c| !c.acute) {
        out.push_str(&line(c, Some(c.hours.is_open(at)), sv));
    }
    out
}

/// `• Socialjouren, Malmö stad: 070-174 06 11 (dygnet runt)` — with "stängt nu" when asked.
fn line(c: &Contact, open: Option<bool>, sv: bool) -> String {
    let mut s = format!("\n• {}", c.role);
    if let Some(org) = &c.org {
        s.push_str(&format!(", {org}"));
    }
    let reach: Vec<&str> = [c.phone.as_deref(), c.email.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    s.push_str(&format!(": {}", reach.join(", ")));
    let mut hours = c.hours.text().to_owned();
    if let Some(note) = &c.note {
        hours.push_str("; ");
        hours.push_str(note);
    }
    s.push_str(&format!(" ({hours})"));
    if open == Some(false) {
        s.push_str(if sv {
            " – stängt nu"
        } else {
            " – closed now"
        });
    }
    s
}

/// The moment a question asks about: tonight at 23:00 for "natt/kväll/efter kontorstid/night/
/// evening/after hours", the coming Saturday noon for "helg/weekend", else `now`. Acute danger
/// always means now.
pub fn asked_time(text: &str, now: Timestamp) -> Timestamp {
    if is_acute(text) {
        return now;
    }
    let t = text.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    let tz = TimeZone::get(ZONE).unwrap_or(TimeZone::UTC);
    let here = now.to_zoned_datetime(tz.clone());
    let (date, hour) = if has(&[
        "natt",
        "kväll",
        "kvall",
        "efter kontorstid",
        "night",
        "evening",
        "after hours",
    ]) {
        if here.hour() >= 22 || here.hour() < 6 {
            return now; // it is night already
        }
        (here.date(), 23)
    } else if has(&["helg", "lördag", "söndag", "weekend", "saturday", "sunday"]) {
        let ahead = i64::from(here.date().weekday().until(jiff::civil::Weekday::Saturday));
        match here.date().checked_add(jiff::ToSpan::days(ahead)) {
            Ok(d) => (d, 12),
            Err(_) => return now,
        }
    } else {
        return now;
    };
    date.at(hour, 0, 0, 0)
        .to_zoned_datetime(tz)
        .map(|z| z.timestamp())
        .ok()
        .filter(|t| *t >= now)
        .unwrap_or(now)
}

/// The question asks whom to call (rather than what the guidance says).
pub fn asks_whom_to_call(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "vem ringer",
        "vem ska jag ringa",
        "vem ska vi ringa",
        "vem kan jag ringa",
        "vem kontaktar",
        "vem ska jag kontakta",
        "vilket nummer",
        "telefonnummer",
        "numret till",
        "who do i call",
        "who should i call",
        "who can i call",
        "who do we call",
        "who to call",
        "who do i contact",
        "phone number",
    ]
    .iter()
    .any(|p| t.contains(p))
}

/// Signals of acute danger: 112 goes first.
pub fn is_acute(text: &str) -> bool {
    let t = text.to_lowercase();
    t.split(|c: char| !c.is_alphanumeric()).any(|w| {
        matches!(
            w,
            "akut"
                | "akuta"
                | "fara"
                | "hotad"
                | "hotade"
                | "hotas"
                | "nu"
                | "urgent"
                | "danger"
                | "threatened"
                | "now"
                | "emergency"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn plugin() -> RoutingPlugin {
        let places = Places::embedded();
        let directory = Directory::embedded(&places);
        RoutingPlugin::new(places, directory, Duration::from_secs(3600))
    }

    fn at(y: i16, m: i8, d: i8, h: i8) -> Timestamp {
        date(y, m, d)
            .at(h, 0, 0, 0)
            .to_zoned_datetime(TimeZone::get(ZONE).unwrap())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn open_contacts_come_first_and_change_with_the_clock() {
        let p = plugin();
        let malmo = p.places.municipality("Malmö").unwrap().clone();
        let day = p
            .whom_to_call(&malmo, true, false, at(2026, 11, 27, 10))
            .plain;
        let open = day.split("Stängt nu:").next().unwrap();
        assert!(
            open.contains("Socialtjänstens mottagning") && !open.contains("Socialjouren"),
            "{day}"
        );
        let night = p
            .whom_to_call(&malmo, true, false, at(2026, 11, 27, 22))
            .plain;
        let open = night.split("Stängt nu:").next().unwrap();
        assert!(
            open.contains("Socialjouren") && !open.contains("mottagning"),
            "{night}"
        );
        assert!(night.contains("Regionkoordinatorer (Syd):\n• Regionkoordinatorer mot prostitution och människohandel, Region Syd (Malmö stad): 020-35 40 40 (mån-fre 08:00-16:30; vardagar, kontorstid) – stängt nu"), "{night}");
        assert!(night.ends_with("Vid akut fara: ring 112."), "{night}");
    }

    #[test]
    fn acute_danger_puts_112_first() {
        let p = plugin();
        let lund = p.places.municipality("Lund").unwrap().clone();
        let r = p
            .whom_to_call(&lund, false, true, at(2026, 11, 28, 3))
            .plain;
        assert!(r.starts_with("In acute danger: call 112 now."), "{r}");
        assert!(is_acute("hon är hotad, vem ringer jag?") && is_acute("who do I call now"));
        assert!(!is_acute("vem ringer jag i Lund?"));
    }

    #[test]
    fn a_municipality_without_local_data_falls_back_and_says_so() {
        let p = plugin();
        let umea = p.places.municipality("Umeå").unwrap().clone();
        let r = p
            .whom_to_call(&umea, true, false, at(2026, 11, 27, 10))
            .plain;
        assert!(r.contains("Lots har inga lokala kontakter för Umeå"), "{r}");
        assert!(
            r.contains("Regionkoordinatorer (Nord):\n• inget nummer"),
            "{r}"
        );
        assert!(r.contains("114 14"), "{r}");
        let orebro = p.places.municipality("Örebro").unwrap().clone();
        let r = p
            .whom_to_call(&orebro, true, false, at(2026, 11, 27, 10))
            .plain;
        assert!(
            r.starts_with("Örebro (Örebro, region Bergslagen, antagen)"),
            "{r}"
        );
    }

    #[test]
    fn a_county_or_region_gets_its_coordinators() {
        let p = plugin();
        let r = p
            .whom_to_call_in_region(
                "Skåne",
                Some(Region::Syd),
                true,
                false,
                at(2026, 11, 27, 10),
            )
            .plain;
        assert!(r.starts_with("Skåne (region Syd)."), "{r}");
        assert!(
            r.contains("020-35 40 40 (mån-fre 08:00-16:30; vardagar, kontorstid)\nNationellt:"),
            "{r}"
        );
        assert!(r.ends_with("Vid akut fara: ring 112."), "{r}");
    }

    #[test]
    fn at_night_means_tonight_and_the_weekend_means_saturday() {
        let friday_morning = at(2026, 11, 27, 10);
        let local = |t: Timestamp| {
            t.to_zoned_datetime(TimeZone::get(ZONE).unwrap())
                .datetime()
                .to_string()
        };
        assert_eq!(
            local(asked_time(
                "who can I ring tonight in Malmö?",
                friday_morning
            )),
            "2026-11-27T23:00:00"
        );
        assert_eq!(
            local(asked_time(
                "vilken jour svarar efter kontorstid?",
                friday_morning
            )),
            "2026-11-27T23:00:00"
        );
        assert_eq!(
            local(asked_time("vem ringer jag i helgen?", friday_morning)),
            "2026-11-28T12:00:00"
        );
        assert_eq!(
            asked_time("vem ringer jag?", friday_morning),
            friday_morning
        );
        assert_eq!(
            asked_time("hon är hotad i natt, vem ringer jag", friday_morning),
            friday_morning,
            "acute: now"
        );
        let p = plugin();
        let malmo = p.places.municipality("Malmö").unwrap().clone();
        let night = p
            .whom_to_call(
                &malmo,
                false,
                false,
                asked_time("whom can we phone at night?", friday_morning),
            )
            .plain;
        let open = night.split("Closed").next().unwrap();
        assert!(open.contains("Socialjouren"), "{night}");
    }

    #[test]
    fn whom_to_call_questions_are_recognised() {
        for q in [
            "Vem ringer jag i Kiruna?",
            "who do I contact tonight in Malmö?",
            "vilket nummer når socialjouren på",
            "Vem ska jag kontakta?",
        ] {
            assert!(asks_whom_to_call(q), "{q}");
        }
        for q in [
            "Hur lång är betänketiden?",
            "Who applies for the reflection period?",
        ] {
            assert!(!asks_whom_to_call(q), "{q}");
        }
    }
}

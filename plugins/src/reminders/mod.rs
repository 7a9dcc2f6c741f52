//! Reminders: `!påminn`/`!remind`, `!påminnelser`/`!reminders`, `!avbryt`/`!cancel` and
//! reflection-period series (`!betänketid`/`!reflection`). Times are read by our own Swedish and
//! English parser ([`timeparse`]) into DST-proof schedules ([`schedule`]); the [`scheduler`]
//! delivers them through an outbox in Lots's database ([`store`]) that survives crashes.

mod reflection;
pub mod schedule;
pub mod scheduler;
pub mod store;
pub mod timeparse;

pub use store::MIGRATIONS;

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use lots_knowledge::analysis::Lang;
use serde::Deserialize;
use tokio::sync::Notify;

use crate::command::{CommandSpec, Invocation};
use crate::error::PluginError;
use crate::plugin::{Background, Context, Plugin};
use crate::privacy::contains_identity_number;
use crate::reply::Reply;
use crate::role::Role;
use schedule::{When, describe_instant};
use scheduler::Scheduler;
use store::Reminder;

/// Longest reminder text, in characters.
const MAX_TEXT: usize = 1_000;

/// `[plugins.reminders]`
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RemindersConfig {
    /// Time zone of reminders (IANA name).
    pub timezone: String,
    /// Days of a reflection period with a heads-up (day 1 is the start date; day 30 the last).
    pub reflection_days: Vec<u8>,
    /// Days a delivered one-off reminder is kept before it is deleted.
    pub retention_days: u32,
}

impl Default for RemindersConfig {
    fn default() -> Self {
        RemindersConfig {
            timezone: "Europe/Stockholm".into(),
            reflection_days: vec![20, 27, 30],
            retention_days: 30,
        }
    }
}

impl RemindersConfig {
    /// Checks the table; the error names the key.
    pub fn validate(&self) -> Result<(), String> {
        if TimeZone::get(&self.timezone).is_err() {
            return Err(format!(
                "plugins.reminders.timezone: {:?} is not a time zone (write it like \"Europe/Stockholm\")",
                self.timezone
            ));
        }
        if self.reflection_days.is_empty()
            || self.reflection_days.iter().any(|d| !(1..=30).contains(d))
        {
            return Err(
                "plugins.reminders.reflection_days: list days from 1 to 30, like [20, 27, 30]"
                    .into(),
            );
        }
        Ok(())
    }
}

/// Where a time zone came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ZoneSource {
    User,
    Room,
    Default,
}

impl RemindersPlugin {
    /// The time zone for `user` in `room`: their own, else the room's, else the configured one.
    fn zone(
        &self,
        db: &crate::store::Db,
        user: &str,
        room: &str,
    ) -> Result<(String, TimeZone, ZoneSource), PluginError> {
        let (name, source) = if let Some(tz) = store::timezone(db, user).map_err(db_error)? {
            (tz, ZoneSource::User)
        } else if let Some(tz) = store::timezone(db, room).map_err(db_error)? {
            (tz, ZoneSource::Room)
        } else {
            (self.config.timezone.clone(), ZoneSource::Default)
        };
        let tz = TimeZone::get(&name).unwrap_or(TimeZone::UTC);
        Ok((name, tz, source))
    }

    fn room_zone(
        &self,
        db: &crate::store::Db,
        room: &str,
    ) -> Result<(String, TimeZone), PluginError> {
        let name = store::timezone(db, room)
            .map_err(db_error)?
            .unwrap_or_else(|| self.config.timezone.clone());
        let tz = TimeZone::get(&name).unwrap_or(TimeZone::UTC);
        Ok((name, tz))
    }
}

/// The reminders plugin.
pub struct RemindersPlugin {
    config: RemindersConfig,
    wake: Arc<Notify>,
    background: Background,
}

impl RemindersPlugin {
    /// A plugin with `config` (validated by the caller).
    pub fn new(config: RemindersConfig) -> Self {
        RemindersPlugin {
            config,
            wake: Arc::new(Notify::new()),
            background: Background::new(),
        }
    }
}

fn user(sv: impl Into<String>, en: impl Into<String>) -> PluginError {
    PluginError::user(sv, en)
}

fn db_error(e: crate::store::DbError) -> PluginError {
    PluginError::internal("reminders database", e)
}

/// Refuses texts with a personal identity number.
fn check_private(text: &str) -> Result<(), PluginError> {
    if contains_identity_number(text) {
        return Err(user(
            "Det ser ut som ett personnummer eller samordningsnummer. Sådana sparar jag inte: skriv en \
             ärendereferens i stället.",
            "That looks like a Swedish personal identity number. I do not store those: write a case \
             reference instead.",
        ));
    }
    Ok(())
}

#[async_trait]
impl Plugin for RemindersPlugin {
    fn name(&self) -> &'static str {
        "reminders"
    }

    fn commands(&self) -> Vec<CommandSpec> {
        vec![
            CommandSpec {
                name: "remind",
                sv: &["påminn"],
                en: &["remind"],
                usage_sv: "[rummet] <när> <text>",
                usage_en: "[room] <when> <text>",
                help_sv: "påminner dig (eller rummet) – t.ex. !påminn imorgon kl 9 ring tolken",
                help_en: "reminds you (or the room) – e.g. !remind tomorrow at 9 call the interpreter",
                role: Role::Staff,
                free_text: false,
            },
            CommandSpec {
                name: "reminders",
                sv: &["påminnelser"],
                en: &["reminders"],
                usage_sv: "",
                usage_en: "",
                help_sv: "visar dina och rummets påminnelser",
                help_en: "lists your and the room's reminders",
                role: Role::Staff,
                free_text: false,
            },
            CommandSpec {
                name: "cancel",
                sv: &["avbryt"],
                en: &["cancel"],
                usage_sv: "<nummer>",
                usage_en: "<number>",
                help_sv: "tar bort en påminnelse",
                help_en: "cancels a reminder",
                role: Role::Staff,
                free_text: false,
            },
            CommandSpec {
                name: "timezone",
                sv: &["tidszon"],
                en: &["timezone"],
                usage_sv: "[rummet] [zon]",
                usage_en: "[room] [zone]",
                help_sv: "visar eller ställer in tidszonen för dina (eller rummets) påminnelser, t.ex. Europe/Helsinki",
                help_en: "shows or sets the time zone of your (or the room's) reminders, e.g. Europe/Helsinki",
                role: Role::Staff,
                free_text: false,
            },
            CommandSpec {
                name: "reflection",
                sv: &["betänketid"],
                en: &["reflection"],
                usage_sv: "[<ärendereferens> [startdatum] | avsluta <ärendereferens>]",
                usage_en: "[<case ref> [start date] | end <case ref>]",
                help_sv: "påminnelser inför slutet av en betänketid (dag 20, 27 och 30)",
                help_en: "reminders before a reflection period ends (days 20, 27 and 30)",
                role: Role::Staff,
                free_text: false,
            },
        ]
    }

    async fn on_start(&self, ctx: &Context) -> Result<(), PluginError> {
        ctx.db.migrate("reminders", MIGRATIONS).map_err(db_error)?;
        let scheduler = Scheduler::new(ctx.db.clone(), ctx.port.clone(), self.config.clone());
        let wake = self.wake.clone();
        self.background.spawn(|stop| scheduler.run(wake, stop));
        Ok(())
    }

    async fn on_shutdown(&self, _ctx: &Context) {
        self.background.stop().await;
    }

    async fn on_command(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        match inv.command {
            "remind" => self.remind(ctx, inv).await,
            "reminders" => self.list(ctx, inv),
            "cancel" => self.cancel(ctx, inv),
            "timezone" => self.timezone(ctx, inv),
            _ => reflection::command(self, ctx, inv),
        }
    }
}

impl RemindersPlugin {
    async fn remind(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        let sv = inv.lang == Lang::Sv;
        let (for_room, args) = match inv.args.split_once(char::is_whitespace) {
            Some((first, rest)) if ["rummet", "room"].contains(&first.to_lowercase().as_str()) => {
                (true, rest)
            }
            _ => (false, inv.args),
        };
        if args.trim().is_empty() {
            return Err(user(
                "Skriv när och vad, till exempel: !påminn imorgon kl 9 ring tolken",
                "Write when and what, for example: !remind tomorrow at 9 call the interpreter",
            ));
        }
        if for_room && inv.role < Role::Coordinator {
            return Err(user(
                "Påminnelser till hela rummet kan samordnare och administratörer lägga. Du kan lägga en till dig själv: !påminn <när> <text>",
                "Reminders for the whole room are for coordinators and admins. You can set one for yourself: !remind <when> <text>",
            ));
        }
        let (zone, tz) = if for_room {
            self.room_zone(&ctx.db, &inv.msg.room)?
        } else {
            let (zone, tz, _) = self.zone(&ctx.db, &inv.msg.sender, &inv.msg.room)?;
            (zone, tz)
        };
        let now = Timestamp::now();
        let (when, text) = timeparse::parse(args, now, &tz)
            .map_err(|e| PluginError::User { sv: e.sv, en: e.en })?;
        if text.is_empty() {
            return Err(user(
                "Skriv vad påminnelsen gäller efter tiden, till exempel: !påminn imorgon kl 9 ring tolken",
                "Write what the reminder is about after the time, for example: !remind tomorrow at 9 call the interpreter",
            ));
        }
        if text.chars().count() > MAX_TEXT {
            return Err(user(
                format!("Påminnelsen är för lång (högst {MAX_TEXT} tecken)."),
                format!("The reminder is too long (at most {MAX_TEXT} characters)."),
            ));
        }
        check_private(text)?;
        let room = if for_room || inv.msg.direct {
            inv.msg.room.clone()
        } else {
            ctx.port
                .direct_room(&inv.msg.sender)
                .await
                .map_err(|e| PluginError::internal("finding the direct chat", e))?
        };
        let (next_at, rule) = match &when {
            When::Once(t) => (*t, None),
            When::Every(rule) => (
                rule.next_after(now, &tz)
                    .ok_or_else(|| user("Den regeln ger ingen tid.", "That rule gives no time."))?,
                Some(rule.encode()),
            ),
        };
        let reminder = Reminder {
            id: 0,
            creator: inv.msg.sender.clone(),
            room,
            for_room,
            text: text.to_owned(),
            lang: inv.lang.code().to_owned(),
            tz: zone,
            rule,
            next_at: Some(next_at.as_second()),
            series: None,
        };
        let id = store::insert(&ctx.db, &reminder, now.as_second()).map_err(db_error)?;
        self.wake.notify_one();
        let first = describe_instant(next_at, &tz, sv);
        let when_text = match &when {
            When::Once(_) => first,
            When::Every(rule) => {
                if sv {
                    format!("{}, första gången {first}", rule.describe(true))
                } else {
                    format!("{}, first {first}", rule.describe(false))
                }
            }
        };
        let place = match (for_room, inv.msg.direct, sv) {
            (true, _, true) => "i det här rummet",
            (true, _, false) => "in this room",
            (false, true, true) => "här",
            (false, true, false) => "here",
            (false, false, true) => "i vårt direktmeddelande",
            (false, false, false) => "in our direct chat",
        };
        Ok(Reply::text(if sv {
            format!("Påminnelse #{id} sparad: {when_text}, {place}. Avbryt med !avbryt {id}.")
        } else {
            format!("Reminder #{id} saved: {when_text}, {place}. Cancel with !cancel {id}.")
        }))
    }

    fn list(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        let sv = inv.lang == Lang::Sv;
        let all = store::visible_to(&ctx.db, &inv.msg.sender, &inv.msg.room).map_err(db_error)?;
        // In a shared room, the asker's own reminders are only counted: their texts stay private.
        let (shown, private): (Vec<&Reminder>, Vec<&Reminder>) =
            all.iter().partition(|r| r.for_room || inv.msg.direct);
        if shown.is_empty() && private.is_empty() {
            return Ok(Reply::text(if sv {
                "Inga påminnelser."
            } else {
                "No reminders."
            }));
        }
        let mut out = String::new();
        for r in &shown {
            let tz = TimeZone::get(&r.tz).unwrap_or(TimeZone::UTC);
            let when = r
                .next_at
                .and_then(|t| Timestamp::from_second(t).ok())
                .map(|t| describe_instant(t, &tz, sv))
                .unwrap_or_default();
            let repeat = r
                .rule
                .as_deref()
                .and_then(schedule::Rule::decode)
                .map(|rule| format!(" ({})", rule.describe(sv)))
                .unwrap_or_default();
            let whose = match (r.for_room, sv) {
                (true, true) => " [rummet]",
                (true, false) => " [room]",
                _ => "",
            };
            out.push_str(&format!("#{} {when}{repeat}{whose} – {}\n", r.id, r.text));
        }
        if !private.is_empty() {
            out.push_str(&if sv {
                format!("Du har också {} egna påminnelser; skriv !påminnelser i vårt direktmeddelande för att se dem.", private.len())
            } else {
                format!("You also have {} reminders of your own; write !reminders in our direct chat to see them.", private.len())
            });
        }
        Ok(Reply::text(out.trim_end().to_owned()))
    }

    fn timezone(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        let sv = inv.lang == Lang::Sv;
        let (for_room, zone) = match inv.args.split_once(char::is_whitespace) {
            Some((first, rest)) if ["rummet", "room"].contains(&first.to_lowercase().as_str()) => {
                (true, rest.trim())
            }
            _ if ["rummet", "room"].contains(&inv.args.to_lowercase().as_str()) => (true, ""),
            _ => (false, inv.args.trim()),
        };
        if zone.is_empty() {
            let (name, _, source) = self.zone(&ctx.db, &inv.msg.sender, &inv.msg.room)?;
            let whose = match (source, sv) {
                (ZoneSource::User, true) => "din egen",
                (ZoneSource::User, false) => "your own",
                (ZoneSource::Room, true) => "rummets",
                (ZoneSource::Room, false) => "the room's",
                (ZoneSource::Default, true) => "standard",
                (ZoneSource::Default, false) => "the default",
            };
            return Ok(Reply::text(if sv {
                format!(
                    "Dina påminnelser här använder tidszonen {name} ({whose}). Ändra med !tidszon <zon> eller !tidszon rummet <zon>."
                )
            } else {
                format!(
                    "Your reminders here use the time zone {name} ({whose}). Change it with !timezone <zone> or !timezone room <zone>."
                )
            }));
        }
        let Ok(tz) = TimeZone::get(zone) else {
            return Err(user(
                format!(
                    "{zone} är ingen tidszon jag känner till. Skriv den som Europe/Stockholm eller Europe/Helsinki."
                ),
                format!(
                    "{zone} is not a time zone I know. Write it like Europe/Stockholm or Europe/Helsinki."
                ),
            ));
        };
        let name = tz.iana_name().unwrap_or(zone).to_owned();
        if for_room && inv.role < Role::Coordinator {
            return Err(user(
                "Rummets tidszon ställs in av samordnare och administratörer.",
                "The room's time zone is set by coordinators and admins.",
            ));
        }
        let scope = if for_room {
            &inv.msg.room
        } else {
            &inv.msg.sender
        };
        store::set_timezone(&ctx.db, scope, &name).map_err(db_error)?;
        Ok(Reply::text(match (for_room, sv) {
            (true, true) => format!("Rummets nya påminnelser använder nu tidszonen {name}."),
            (true, false) => format!("The room's new reminders now use the time zone {name}."),
            (false, true) => format!("Dina nya påminnelser använder nu tidszonen {name}."),
            (false, false) => format!("Your new reminders now use the time zone {name}."),
        }))
    }

    fn cancel(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        let sv = inv.lang == Lang::Sv;
        let Ok(id) = inv.args.trim().trim_start_matches('#').parse::<i64>() else {
            return Err(user(
                "Skriv numret på påminnelsen, till exempel: !avbryt 12 (se !påminnelser).",
                "Write the reminder's number, for example: !cancel 12 (see !reminders).",
            ));
        };
        let found = store::get(&ctx.db, id).map_err(db_error)?;
        let allowed = found
            .as_ref()
            .is_some_and(|r| r.creator == inv.msg.sender || inv.role == Role::Admin);
        let Some(r) = found.filter(|_| allowed) else {
            // Someone else's reminder is reported as unknown: its existence is not shown either.
            return Err(user(
                format!("Jag hittar ingen påminnelse #{id} som du kan avbryta."),
                format!("I find no reminder #{id} that you can cancel."),
            ));
        };
        store::cancel(&ctx.db, r.id, Timestamp::now().as_second()).map_err(db_error)?;
        Ok(Reply::text(if sv {
            format!("Påminnelse #{id} är borttagen.")
        } else {
            format!("Reminder #{id} is cancelled.")
        }))
    }
}

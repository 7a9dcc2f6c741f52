//! The scheduler: every tick moves due reminders into the outbox and delivers what the outbox
//! holds. `tick` takes the time as an argument, so tests drive it with any clock; `run` is the
//! loop around it that sleeps until the next due time (or until a new reminder wakes it).
//!
//! Guarantees: a reminder due while Lots was down is delivered at the next start, marked late
//! with its original time; a transient send error is retried with backoff (and the same
//! transaction id, so a send that reached the homeserver just before a crash is not repeated);
//! a permanent one (Lots is no longer in the room) marks the delivery failed and tells the
//! creator in the direct chat.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tokio::sync::{Notify, watch};

use super::RemindersConfig;
use super::schedule::{Rule, describe_instant};
use super::store::{self, Delivery};
use crate::chat::ChatPort;
use crate::error::chain;
use crate::reply::Reply;
use crate::store::{Db, DbError};

/// A delivery later than this is marked late (on time, one arrives within a second).
const LATE_AFTER_S: i64 = 10;
/// The longest the loop sleeps without looking.
const MAX_SLEEP: Duration = Duration::from_secs(30);

/// What one tick did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Reminders that fell due.
    pub due: usize,
    /// Deliveries sent.
    pub sent: usize,
    /// Deliveries that will be retried.
    pub retrying: usize,
    /// Deliveries given up (permanent errors).
    pub failed: usize,
}

/// Moves reminders through the outbox to the chat.
#[derive(Clone)]
pub struct Scheduler {
    db: Db,
    port: Arc<dyn ChatPort>,
    config: RemindersConfig,
}

impl Scheduler {
    /// A scheduler over Lots's database and chat port.
    pub fn new(db: Db, port: Arc<dyn ChatPort>, config: RemindersConfig) -> Self {
        Scheduler { db, port, config }
    }

    /// One round at `now`.
    pub async fn tick(&self, now: Timestamp) -> Result<Tick, DbError> {
        let secs = now.as_second();
        let mut tick = Tick {
            due: store::materialize_due(&self.db, secs, |r| {
                let rule = Rule::decode(r.rule.as_deref()?)?;
                let tz = TimeZone::get(&r.tz).ok()?;
                // Occurrences missed while Lots was down are delivered once (late), then the
                // rule goes on from now.
                rule.next_after(now, &tz).map(Timestamp::as_second)
            })?,
            ..Tick::default()
        };
        for d in store::pending(&self.db, secs)? {
            let reply = message(&d, secs);
            match self
                .port
                .send_once(&d.reminder.room, &reply, &d.txn_id)
                .await
            {
                Ok(_) => {
                    store::mark_sent(&self.db, d.id, secs)?;
                    tick.sent += 1;
                }
                Err(e) if e.permanent => {
                    store::mark_failed(&self.db, d.id, &e.message, None)?;
                    tick.failed += 1;
                    tracing::warn!(reminder = d.reminder.id, error = %e, "reminder undeliverable; telling its creator");
                    self.tell_creator(&d).await;
                }
                Err(e) => {
                    let wait = (5i64 << d.attempts.min(7)).min(600);
                    store::mark_failed(&self.db, d.id, &e.message, Some(secs + wait))?;
                    tick.retrying += 1;
                    tracing::warn!(reminder = d.reminder.id, retry_in_s = wait, error = %e, "reminder not sent; retrying");
                }
            }
        }
        let keep = i64::from(self.config.retention_days) * 86_400;
        store::purge_finished(&self.db, secs - keep)?;
        Ok(tick)
    }

    async fn tell_creator(&self, d: &Delivery) {
        let sv = d.reminder.lang == "sv";
        let text = if sv {
            format!(
                "Jag kunde inte lämna påminnelse #{} i rummet där den skulle komma (jag är inte med där längre). \
                 Den gällde: {}",
                d.reminder.id, d.reminder.text
            )
        } else {
            format!(
                "I could not deliver reminder #{} in its room (I am no longer in it). It said: {}",
                d.reminder.id, d.reminder.text
            )
        };
        let result = match self.port.direct_room(&d.reminder.creator).await {
            Ok(room) => self.port.send(&room, &Reply::text(text)).await.map(|_| ()),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::error!(reminder = d.reminder.id, error = %e, "could not tell the creator either");
        }
    }

    /// Ticks until `stop` turns true; `wake` cuts a sleep short (a new reminder).
    pub async fn run(self, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        loop {
            let now = Timestamp::now();
            if let Err(e) = self.tick(now).await {
                tracing::error!(error = %chain(&e), "reminder scheduler");
            }
            let sleep = match store::next_wakeup(&self.db) {
                Ok(Some(next)) => {
                    let ms = next.saturating_mul(1000) - Timestamp::now().as_millisecond();
                    Duration::from_millis(ms.max(0) as u64).min(MAX_SLEEP)
                }
                Ok(None) => MAX_SLEEP,
                Err(e) => {
                    tracing::error!(error = %chain(&e), "reminder scheduler");
                    MAX_SLEEP
                }
            };
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                () = wake.notified() => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }
}

/// The message of a delivery at `now`: the text, and a late note with the original time.
fn message(d: &Delivery, now: i64) -> Reply {
    let r = &d.reminder;
    let sv = r.lang == "sv";
    let tz = TimeZone::get(&r.tz).unwrap_or(TimeZone::UTC);
    let mut text = format!(
        "⏰ {}: {}",
        if sv { "Påminnelse" } else { "Reminder" },
        r.text
    );
    if now - d.due_at > LATE_AFTER_S {
        let due = Timestamp::from_second(d.due_at)
            .map(|t| describe_instant(t, &tz, sv))
            .unwrap_or_default();
        text.push_str(&if sv {
            format!("\n(Försenad: den skulle ha kommit {due}.)")
        } else {
            format!("\n(Late: it was due {due}.)")
        });
    }
    if let Some(rule) = r.rule.as_deref().and_then(Rule::decode) {
        text.push_str(&if sv {
            format!(
                "\nÅterkommer {}. Avbryt med !avbryt {}.",
                rule.describe(true),
                r.id
            )
        } else {
            format!(
                "\nRepeats {}. Cancel with !cancel {}.",
                rule.describe(false),
                r.id
            )
        });
    }
    Reply::text(text)
}

//! The reminders' tables. A reminder is a row with its next time; when it falls due, one
//! transaction writes an outbox row (with the transaction id every retry of that delivery will
//! use) and moves the reminder on (the next occurrence, or done). Delivery then works through
//! the outbox, so a crash at any point either re-sends with the same transaction id (the
//! homeserver drops the duplicate) or finds nothing left to do.

use rusqlite::{OptionalExtension, params};

use crate::store::{Db, DbError};

/// The reminders plugin's migrations (owner `reminders`).
pub const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE reminders (
        id INTEGER PRIMARY KEY,
        creator TEXT NOT NULL,
        room TEXT NOT NULL,
        for_room INTEGER NOT NULL,
        text TEXT NOT NULL,
        lang TEXT NOT NULL,
        tz TEXT NOT NULL,
        rule TEXT,
        next_at INTEGER,
        series TEXT,
        state TEXT NOT NULL CHECK (state IN ('active', 'done', 'cancelled')),
        created_at INTEGER NOT NULL,
        done_at INTEGER
    );
    CREATE INDEX reminders_due ON reminders (state, next_at);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        reminder_id INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
        room TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        txn_id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try INTEGER NOT NULL,
        sent_at INTEGER,
        error TEXT
    );
    CREATE INDEX outbox_pending ON outbox (state, next_try);
    CREATE TABLE reflection_periods (
        room TEXT NOT NULL,
        case_ref TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        creator TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'ended')),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (room, case_ref)
    );
",
    "CREATE INDEX outbox_reminder ON outbox (reminder_id);",
    "CREATE TABLE timezones (scope TEXT PRIMARY KEY, tz TEXT NOT NULL);",
];

/// A reminder as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// Its id (shown as `#id`).
    pub id: i64,
    /// Who set it.
    pub creator: String,
    /// Where it is delivered.
    pub room: String,
    /// For the room (true) or for the creator (false).
    pub for_room: bool,
    /// What it says.
    pub text: String,
    /// `sv` or `en`: the language it was set in.
    pub lang: String,
    /// Its time zone.
    pub tz: String,
    /// The recurring rule ([`super::schedule::Rule::encode`]), if any.
    pub rule: Option<String>,
    /// When it fires next (seconds since the epoch); `None` when done.
    pub next_at: Option<i64>,
    /// The reflection period's case reference, for a series.
    pub series: Option<String>,
}

/// A delivery waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The outbox row.
    pub id: i64,
    /// The reminder.
    pub reminder: Reminder,
    /// The time it was due.
    pub due_at: i64,
    /// Fixed when the row was written; every retry uses it.
    pub txn_id: String,
    /// Tries so far.
    pub attempts: i64,
}

fn err(context: &str) -> impl Fn(rusqlite::Error) -> DbError + '_ {
    move |e| DbError::new(context, e)
}

const REMINDER_COLUMNS: &str =
    "r.id, r.creator, r.room, r.for_room, r.text, r.lang, r.tz, r.rule, r.next_at, r.series";

fn reminder_from(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Reminder> {
    Ok(Reminder {
        id: row.get(at)?,
        creator: row.get(at + 1)?,
        room: row.get(at + 2)?,
        for_room: row.get(at + 3)?,
        text: row.get(at + 4)?,
        lang: row.get(at + 5)?,
        tz: row.get(at + 6)?,
        rule: row.get(at + 7)?,
        next_at: row.get(at + 8)?,
        series: row.get(at + 9)?,
    })
}

/// Stores a new reminder; returns its id.
pub fn insert(db: &Db, r: &Reminder, now: i64) -> Result<i64, DbError> {
    let conn = db.lock();
    conn.execute(
        "INSERT INTO reminders (creator, room, for_room, text, lang, tz, rule, next_at, series, state, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active', ?10)",
        params![r.creator, r.room, r.for_room, r.text, r.lang, r.tz, r.rule, r.next_at, r.series, now],
    )
    .map_err(err("saving a reminder"))?;
    Ok(conn.last_insert_rowid())
}

/// Active reminders set by `user` for themselves, and those of `room`, soonest first.
pub fn visible_to(db: &Db, user: &str, room: &str) -> Result<Vec<Reminder>, DbError> {
    let conn = db.lock();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {REMINDER_COLUMNS} FROM reminders r
             WHERE r.state = 'active' AND ((r.for_room = 0 AND r.creator = ?1) OR (r.for_room = 1 AND r.room = ?2))
             ORDER BY r.next_at, r.id"
        ))
        .map_err(err("listing reminders"))?;
    stmt.query_map(params![user, room], |row| reminder_from(row, 0))
        .and_then(|rows| rows.collect())
        .map_err(err("listing reminders"))
}

/// One active reminder.
pub fn get(db: &Db, id: i64) -> Result<Option<Reminder>, DbError> {
    db.lock()
        .query_row(
            &format!(
                "SELECT {REMINDER_COLUMNS} FROM reminders r WHERE r.id = ?1 AND r.state = 'active'"
            ),
            [id],
            |row| reminder_from(row, 0),
        )
        .optional()
        .map_err(err("reading a reminder"))
}

/// Cancels a reminder and its undelivered outbox rows.
pub fn cancel(db: &Db, id: i64, now: i64) -> Result<(), DbError> {
    let mut conn = db.lock();
    let tx = conn.transaction().map_err(err("cancelling a reminder"))?;
    tx.execute(
        "UPDATE reminders SET state = 'cancelled', next_at = NULL, done_at = ?2 WHERE id = ?1",
        params![id, now],
    )
    .map_err(err("cancelling a reminder"))?;
    tx.execute(
        "DELETE FROM outbox WHERE reminder_id = ?1 AND state = 'pending'",
        [id],
    )
    .map_err(err("cancelling a reminder"))?;
    tx.commit().map_err(err("cancelling a reminder"))
}

/// Moves every reminder due at `now` into the outbox, in one transaction: `advance` gives a
/// recurring reminder its next time (`None`: done). Returns how many became due.
pub fn materialize_due(
    db: &Db,
    now: i64,
    advance: impl Fn(&Reminder) -> Option<i64>,
) -> Result<usize, DbError> {
    let mut conn = db.lock();
    let tx = conn.transaction().map_err(err("taking due reminders"))?;
    let due: Vec<Reminder> = {
        let mut stmt = tx
            .prepare(&format!(
                "SELECT {REMINDER_COLUMNS} FROM reminders r WHERE r.state = 'active' AND r.next_at <= ?1"
            ))
            .map_err(err("taking due reminders"))?;
        stmt.query_map([now], |row| reminder_from(row, 0))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(err("taking due reminders"))?
    };
    for r in &due {
        let due_at = r.next_at.unwrap_or(now);
        tx.execute(
            "INSERT OR IGNORE INTO outbox (reminder_id, room, due_at, txn_id, state, next_try)
             VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
            params![
                r.id,
                r.room,
                due_at,
                format!("lots-reminder-{}-{due_at}", r.id),
                now
            ],
        )
        .map_err(err("writing the outbox"))?;
        match advance(r) {
            Some(next) => tx.execute(
                "UPDATE reminders SET next_at = ?2 WHERE id = ?1",
                params![r.id, next],
            ),
            None => tx.execute(
                "UPDATE reminders SET state = 'done', next_at = NULL, done_at = ?2 WHERE id = ?1",
                params![r.id, now],
            ),
        }
        .map_err(err("moving a reminder on"))?;
    }
    tx.commit().map_err(err("taking due reminders"))?;
    Ok(due.len())
}

/// Outbox rows to try now, oldest first.
pub fn pending(db: &Db, now: i64) -> Result<Vec<Delivery>, DbError> {
    let conn = db.lock();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT o.id, o.due_at, o.txn_id, o.attempts, {REMINDER_COLUMNS}
             FROM outbox o JOIN reminders r ON r.id = o.reminder_id
             WHERE o.state = 'pending' AND o.next_try <= ?1 ORDER BY o.due_at, o.id"
        ))
        .map_err(err("reading the outbox"))?;
    stmt.query_map([now], |row| {
        Ok(Delivery {
            id: row.get(0)?,
            due_at: row.get(1)?,
            txn_id: row.get(2)?,
            attempts: row.get(3)?,
            reminder: reminder_from(row, 4)?,
        })
    })
    .and_then(|rows| rows.collect())
    .map_err(err("reading the outbox"))
}

/// The delivery went out.
pub fn mark_sent(db: &Db, id: i64, now: i64) -> Result<(), DbError> {
    db.lock()
        .execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?2 WHERE id = ?1",
            params![id, now],
        )
        .map_err(err("marking a delivery sent"))?;
    Ok(())
}

/// The delivery failed; retry at `next_try`, or give up (`None`).
pub fn mark_failed(db: &Db, id: i64, error: &str, next_try: Option<i64>) -> Result<(), DbError> {
    let conn = db.lock();
    match next_try {
        Some(at) => conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_try = ?2, error = ?3 WHERE id = ?1",
            params![id, at, error],
        ),
        None => conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, state = 'failed', error = ?2 WHERE id = ?1",
            params![id, error],
        ),
    }
    .map_err(err("recording a failed delivery"))?;
    Ok(())
}

/// The earliest time anything is due: a reminder or a retry.
pub fn next_wakeup(db: &Db) -> Result<Option<i64>, DbError> {
    db.lock()
        .query_row(
            "SELECT min(t) FROM (
                SELECT min(next_at) AS t FROM reminders WHERE state = 'active'
                UNION ALL SELECT min(next_try) FROM outbox WHERE state = 'pending')",
            [],
            |r| r.get(0),
        )
        .map_err(err("finding the next due time"))
}

/// Deletes one-off reminders finished before `before` (their outbox rows go with them).
pub fn purge_finished(db: &Db, before: i64) -> Result<usize, DbError> {
    db.lock()
        .execute(
            "DELETE FROM reminders WHERE state IN ('done', 'cancelled') AND done_at < ?1
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.reminder_id = reminders.id AND o.state = 'pending')",
            [before],
        )
        .map_err(err("deleting old reminders"))
}

/// A reflection period being followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The case reference.
    pub case_ref: String,
    /// First day (YYYY-MM-DD).
    pub start: String,
    /// Last day (YYYY-MM-DD).
    pub end: String,
}

/// Records a reflection period; `false` if the room already follows one with that reference.
pub fn start_period(
    db: &Db,
    room: &str,
    p: &Period,
    creator: &str,
    now: i64,
) -> Result<bool, DbError> {
    let n = db
        .lock()
        .execute(
            "INSERT INTO reflection_periods (room, case_ref, start_date, end_date, creator, state, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6)
             ON CONFLICT (room, case_ref) DO UPDATE SET start_date = excluded.start_date,
                end_date = excluded.end_date, creator = excluded.creator, state = 'running',
                created_at = excluded.created_at
             WHERE reflection_periods.state = 'ended'",
            params![room, p.case_ref, p.start, p.end, creator, now],
        )
        .map_err(err("saving a reflection period"))?;
    Ok(n == 1)
}

/// Running periods of a room.
pub fn running_periods(db: &Db, room: &str) -> Result<Vec<Period>, DbError> {
    let conn = db.lock();
    let mut stmt = conn
        .prepare(
            "SELECT case_ref, start_date, end_date FROM reflection_periods
             WHERE room = ?1 AND state = 'running' ORDER BY end_date, case_ref",
        )
        .map_err(err("listing reflection periods"))?;
    stmt.query_map([room], |r| {
        Ok(Period {
            case_ref: r.get(0)?,
            start: r.get(1)?,
            end: r.get(2)?,
        })
    })
    .and_then(|rows| rows.collect())
    .map_err(err("listing reflection periods"))
}

/// Ends a period and cancels its remaining reminders; `false` if none was running.
pub fn end_period(db: &Db, room: &str, case_ref: &str, now: i64) -> Result<bool, DbError> {
    let mut conn = db.lock();
    let tx = conn
        .transaction()
        .map_err(err("ending a reflection period"))?;
    let n = tx
        .execute(
            "UPDATE reflection_periods SET state = 'ended' WHERE room = ?1 AND case_ref = ?2 AND state = 'running'",
            params![room, case_ref],
        )
        .map_err(err("ending a reflection period"))?;
    tx.execute(
        "DELETE FROM outbox WHERE state = 'pending' AND reminder_id IN
            (SELECT id FROM reminders WHERE room = ?1 AND series = ?2 AND state = 'active')",
        params![room, case_ref],
    )
    .map_err(err("ending a reflection period"))?;
    tx.execute(
        "UPDATE reminders SET state = 'cancelled', next_at = NULL, done_at = ?3
         WHERE room = ?1 AND series = ?2 AND state = 'active'",
        params![room, case_ref, now],
    )
    .map_err(err("ending a reflection period"))?;
    tx.commit().map_err(err("ending a reflection period"))?;
    Ok(n == 1)
}

/// The time zone set for a user or a room (`scope` is the user or room id).
pub fn timezone(db: &Db, scope: &str) -> Result<Option<String>, DbError> {
    db.lock()
        .query_row("SELECT tz FROM timezones WHERE scope = ?1", [scope], |r| {
            r.get(0)
        })
        .optional()
        .map_err(err("reading a time zone"))
}

/// Sets the time zone of a user or a room.
pub fn set_timezone(db: &Db, scope: &str, tz: &str) -> Result<(), DbError> {
    db.lock()
        .execute(
            "INSERT INTO timezones (scope, tz) VALUES (?1, ?2) ON CONFLICT (scope) DO UPDATE SET tz = excluded.tz",
            params![scope, tz],
        )
        .map_err(err("saving a time zone"))?;
    Ok(())
}

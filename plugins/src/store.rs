//! Lots's own SQLite database (`<data>/lots.sqlite3`): each plugin owns its tables and upgrades
//! them with numbered migrations (like maubot's upgrade tables), recorded in `schema_versions`.
//! The core tables remember which events were handled (so nothing is answered twice, even
//! after a restart), what was sent for whom (so a reaction finds its answer), and one-time notices.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};

/// A database error, with the step that failed.
#[derive(Debug, thiserror::Error)]
#[error("{context}: {source}")]
pub struct DbError {
    context: String,
    #[source]
    source: rusqlite::Error,
}

impl DbError {
    /// An error of the step `context`.
    pub fn new(context: impl Into<String>, source: rusqlite::Error) -> Self {
        DbError {
            context: context.into(),
            source,
        }
    }
}

trait Context<T> {
    fn context(self, context: impl Into<String>) -> Result<T, DbError>;
}

impl<T> Context<T> for Result<T, rusqlite::Error> {
    fn context(self, context: impl Into<String>) -> Result<T, DbError> {
        self.map_err(|source| DbError {
            context: context.into(),
            source,
        })
    }
}

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

const CORE_MIGRATIONS: &[&str] = &[
    "CREATE TABLE handled_events (event_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
     CREATE TABLE sent (event_id TEXT PRIMARY KEY, plugin TEXT NOT NULL, meta TEXT NOT NULL, at INTEGER NOT NULL);
     CREATE TABLE notices (room TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (room, kind));",
    "CREATE TABLE places (scope TEXT PRIMARY KEY, municipality TEXT NOT NULL, set_by TEXT NOT NULL, at INTEGER NOT NULL);",
];

impl Db {
    /// Opens (or creates) the database file and brings the core tables up to date.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        let conn = Connection::open(path).context(format!("opening {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .context("setting the busy timeout")?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .context("switching to WAL")?;
        // WAL with synchronous=FULL: a commit is on disk before Lots says "saved", so a power
        // loss cannot take a confirmed reminder (NORMAL could lose the last commits). The cost
        // is one fsync of the WAL per commit, small beside a homeserver round trip.
        conn.pragma_update(None, "synchronous", "FULL")
            .context("setting synchronous")?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .context("enabling foreign keys")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)",
        )
        .context("creating schema_versions")?;
        let db = Db {
            conn: Arc::new(Mutex::new(conn)),
        };
        db.migrate("core", CORE_MIGRATIONS)?;
        Ok(db)
    }

    /// Runs the migrations of `owner` that have not run yet, each in its own transaction.
    /// Migration `i` brings the owner's tables to version `i + 1`; never edit a shipped one.
    pub fn migrate(&self, owner: &str, migrations: &[&str]) -> Result<(), DbError> {
        let mut conn = self.lock();
        let current: i64 = conn
            .query_row(
                "SELECT version FROM schema_versions WHERE owner = ?1",
                [owner],
                |r| r.get(0),
            )
            .optional()
            .context(format!("reading the schema version of {owner}"))?
            .unwrap_or(0);
        for (i, sql) in migrations.iter().enumerate().skip(current as usize) {
            let version = i as i64 + 1;
            let tx = conn
                .transaction()
                .context(format!("starting migration {version} of {owner}"))?;
            tx.execute_batch(sql)
                .context(format!("migration {version} of {owner}"))?;
            tx.execute(
                "INSERT INTO schema_versions (owner, version) VALUES (?1, ?2)
                 ON CONFLICT(owner) DO UPDATE SET version = excluded.version",
                params![owner, version],
            )
            .context(format!("recording migration {version} of {owner}"))?;
            tx.commit()
                .context(format!("committing migration {version} of {owner}"))?;
        }
        Ok(())
    }

    /// The connection, for a plugin's own queries. Keep the guard short.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Claims an event for handling: `true` the first time, `false` ever after.
    pub fn claim_event(&self, event_id: &str) -> Result<bool, DbError> {
        let n = self
            .lock()
            .execute(
                "INSERT OR IGNORE INTO handled_events (event_id, at) VALUES (?1, ?2)",
                params![event_id, now()],
            )
            .context("recording a handled event")?;
        Ok(n == 1)
    }

    /// Remembers that `plugin` sent `event_id` with its own note `meta` (for reactions).
    pub fn remember_sent(&self, event_id: &str, plugin: &str, meta: &str) -> Result<(), DbError> {
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO sent (event_id, plugin, meta, at) VALUES (?1, ?2, ?3, ?4)",
                params![event_id, plugin, meta, now()],
            )
            .context("recording a sent event")?;
        Ok(())
    }

    /// The plugin and note of a sent event.
    pub fn sent(&self, event_id: &str) -> Result<Option<(String, String)>, DbError> {
        self.lock()
            .query_row(
                "SELECT plugin, meta FROM sent WHERE event_id = ?1",
                [event_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context("looking up a sent event")
    }

    /// `true` the first time a notice of `kind` is due in `room`, `false` ever after.
    pub fn notice_once(&self, room: &str, kind: &str) -> Result<bool, DbError> {
        let n = self
            .lock()
            .execute(
                "INSERT OR IGNORE INTO notices (room, kind, at) VALUES (?1, ?2, ?3)",
                params![room, kind, now()],
            )
            .context("recording a notice")?;
        Ok(n == 1)
    }
}

impl Db {
    /// The municipality set for a room or a user (`scope` is the room or user id).
    pub fn place(&self, scope: &str) -> Result<Option<String>, DbError> {
        self.lock()
            .query_row(
                "SELECT municipality FROM places WHERE scope = ?1",
                [scope],
                |r| r.get(0),
            )
            .optional()
            .context("reading a place setting")
    }

    /// Sets the municipality of a room or a user.
    pub fn set_place(&self, scope: &str, municipality: &str, by: &str) -> Result<(), DbError> {
        self.lock()
            .execute(
                "INSERT INTO places (scope, municipality, set_by, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (scope) DO UPDATE SET municipality = excluded.municipality,
                    set_by = excluded.set_by, at = excluded.at",
                params![scope, municipality, by, now()],
            )
            .context("saving a place setting")?;
        Ok(())
    }

    /// The place that applies to a message: the room's, else the sender's default.
    pub fn place_for(&self, room: &str, user: &str) -> Result<Option<String>, DbError> {
        match self.place(room)? {
            Some(p) => Ok(Some(p)),
            None => self.place(user),
        }
    }
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_claimed_once_even_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lots.sqlite3");
        let db = Db::open(&path).unwrap();
        assert!(db.claim_event("$a").unwrap());
        assert!(!db.claim_event("$a").unwrap());
        drop(db);
        let db = Db::open(&path).unwrap();
        assert!(
            !db.claim_event("$a").unwrap(),
            "remembered across a restart"
        );
        assert!(db.claim_event("$b").unwrap());
    }

    #[test]
    fn migrations_run_once_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lots.sqlite3");
        let db = Db::open(&path).unwrap();
        let v1 = ["CREATE TABLE t (a INTEGER)"];
        db.migrate("p", &v1).unwrap();
        db.lock()
            .execute("INSERT INTO t (a) VALUES (1)", [])
            .unwrap();
        let v2 = [
            "CREATE TABLE t (a INTEGER)",
            "ALTER TABLE t ADD COLUMN b TEXT",
        ];
        db.migrate("p", &v2).unwrap();
        db.migrate("p", &v2).unwrap();
        let (a, b): (i64, Option<String>) = db
            .lock()
            .query_row("SELECT a, b FROM t", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((a, b), (1, None), "data kept through the upgrade");
    }

    #[test]
    fn a_failing_migration_changes_nothing_and_says_which() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("lots.sqlite3")).unwrap();
        let e = db
            .migrate("p", &["CREATE TABLE ok (a INTEGER); CREATE TABLE broken ("])
            .unwrap_err();
        assert!(e.to_string().starts_with("migration 1 of p"), "{e}");
        let tables: i64 = db
            .lock()
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'ok'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "rolled back");
    }

    #[test]
    fn sent_events_and_notices() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("lots.sqlite3")).unwrap();
        db.remember_sent("$r", "guidance", "m").unwrap();
        assert_eq!(
            db.sent("$r").unwrap(),
            Some(("guidance".into(), "m".into()))
        );
        assert_eq!(db.sent("$x").unwrap(), None);
        assert!(db.notice_once("!room", "unencrypted").unwrap());
        assert!(!db.notice_once("!room", "unencrypted").unwrap());
    }
}

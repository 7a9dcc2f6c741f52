//! Guidance versions and the audit log, in Lots's database.
//!
//! A version is what admins did in chat on top of the configured folders: the uploaded files
//! (by document id, each stored once under its content hash) and the folder documents taken
//! out. Version 0 is the folders alone. Every load or removal makes a new version and makes it
//! active; a rollback makes an earlier one active again. A restart serves the active version.
//! The audit log records every load, removal, rollback, refused file and folder reload, with
//! who and when — never a file's contents.

use std::collections::{BTreeMap, BTreeSet};

use lots_knowledge::Given;
use rusqlite::{OptionalExtension, Transaction, params};

use crate::store::{Db, DbError, now};

const MIGRATIONS: &[&str] = &["CREATE TABLE guidance_versions (
        version INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        by TEXT NOT NULL,
        summary TEXT NOT NULL
    );
    CREATE TABLE guidance_uploads (
        version INTEGER NOT NULL REFERENCES guidance_versions (version),
        doc TEXT NOT NULL,
        file TEXT NOT NULL,
        name TEXT NOT NULL,
        given TEXT NOT NULL,
        PRIMARY KEY (version, doc)
    );
    CREATE TABLE guidance_removed (
        version INTEGER NOT NULL REFERENCES guidance_versions (version),
        doc TEXT NOT NULL,
        PRIMARY KEY (version, doc)
    );
    CREATE TABLE guidance_active (
        only INTEGER PRIMARY KEY CHECK (only = 1),
        version INTEGER NOT NULL,
        at INTEGER NOT NULL,
        by TEXT NOT NULL
    );
    CREATE TABLE guidance_audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        by TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
    );"];

/// Who changed the guidance when it was not a person: the watched folders.
pub const FOLDERS: &str = "folders";

/// A stored uploaded file and the metadata it was loaded with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Its name in the file store: `<sha256>.<ext>`.
    pub file: String,
    /// The name the admin's file had; gives the extension and, for text and PDF, the id.
    pub name: String,
    /// The options it was loaded with.
    pub given: Given,
}

/// What a version holds on top of the folders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Uploaded documents by id; they replace folder documents with the same id.
    pub uploads: BTreeMap<String, Upload>,
    /// Folder documents taken out.
    pub removed: BTreeSet<String>,
}

/// One version, for `!vägledning versioner`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Its number; 0 is the folders alone.
    pub number: i64,
    /// When it was made, seconds since the epoch.
    pub at: i64,
    /// Who made it.
    pub by: String,
    /// What changed, e.g. `load tolk (tolk.md)`.
    pub summary: String,
}

/// The active version and when and by whom it was made active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Active {
    /// The version served.
    pub number: i64,
    /// When it became active (0 if never changed).
    pub at: i64,
    /// Who made it active (empty if never changed).
    pub by: String,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When, seconds since the epoch.
    pub at: i64,
    /// Who.
    pub by: String,
    /// `load`, `replace`, `remove`, `rollback`, `refused` or `folders`.
    pub action: String,
    /// Ids, file names, version numbers; never contents.
    pub detail: String,
}

pub(super) fn migrate(db: &Db) -> Result<(), DbError> {
    db.migrate("guidance-versions", MIGRATIONS)
}

/// The version served now.
pub fn active(db: &Db) -> Result<Active, DbError> {
    let conn = db.lock();
    Ok(conn
        .query_row(
            "SELECT version, at, by FROM guidance_active WHERE only = 1",
            [],
            |r| {
                Ok(Active {
                    number: r.get(0)?,
                    at: r.get(1)?,
                    by: r.get(2)?,
                })
            },
        )
        .optional()
        .map_err(|e| DbError::new("reading the active guidance version", e))?
        .unwrap_or(Active {
            number: 0,
            at: 0,
            by: String::new(),
        }))
}

/// What `version` holds; `None` when there is no such version.
pub fn manifest(db: &Db, version: i64) -> Result<Option<Manifest>, DbError> {
    if version == 0 {
        return Ok(Some(Manifest::default()));
    }
    let conn = db.lock();
    let ctx = |e| DbError::new(format!("reading guidance version {version}"), e);
    let exists: Option<i64> = conn
        .query_row(
            "SELECT version FROM guidance_versions WHERE version = ?1",
            [version],
            |r| r.get(0),
        )
        .optional()
        .map_err(ctx)?;
    if exists.is_none() {
        return Ok(None);
    }
    let mut manifest = Manifest::default();
    let mut stmt = conn
        .prepare("SELECT doc, file, name, given FROM guidance_uploads WHERE version = ?1")
        .map_err(ctx)?;
    let rows = stmt
        .query_map([version], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .map_err(ctx)?;
    for row in rows {
        let (doc, file, name, given) = row.map_err(ctx)?;
        // Written by `commit` from a `Given`; unreadable only if the file was edited by hand.
        let given = serde_json::from_str(&given).unwrap_or_default();
        manifest.uploads.insert(doc, Upload { file, name, given });
    }
    let mut stmt = conn
        .prepare("SELECT doc FROM guidance_removed WHERE version = ?1")
        .map_err(ctx)?;
    manifest.removed = stmt
        .query_map([version], |r| r.get(0))
        .map_err(ctx)?
        .collect::<Result<_, _>>()
        .map_err(ctx)?;
    Ok(Some(manifest))
}

/// Stores `manifest` as a new version, makes it active and logs `action`, all in one
/// transaction. Returns the new version's number.
pub fn commit(
    db: &Db,
    manifest: &Manifest,
    by: &str,
    action: &str,
    detail: &str,
) -> Result<i64, DbError> {
    let mut conn = db.lock();
    let ctx = |e| DbError::new("storing a new guidance version", e);
    let tx = conn.transaction().map_err(ctx)?;
    let at = now();
    let version: i64 = tx
        .query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM guidance_versions",
            [],
            |r| r.get(0),
        )
        .map_err(ctx)?;
    tx.execute(
        "INSERT INTO guidance_versions (version, at, by, summary) VALUES (?1, ?2, ?3, ?4)",
        params![version, at, by, format!("{action} {detail}")],
    )
    .map_err(ctx)?;
    for (doc, u) in &manifest.uploads {
        let given = serde_json::to_string(&u.given).unwrap_or_else(|_| "{}".into());
        tx.execute(
            "INSERT INTO guidance_uploads (version, doc, file, name, given) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![version, doc, u.file, u.name, given],
        )
        .map_err(ctx)?;
    }
    for doc in &manifest.removed {
        tx.execute(
            "INSERT INTO guidance_removed (version, doc) VALUES (?1, ?2)",
            params![version, doc],
        )
        .map_err(ctx)?;
    }
    set_active(&tx, version, at, by).map_err(ctx)?;
    log(&tx, at, by, action, &format!("{detail} → v{version}")).map_err(ctx)?;
    tx.commit().map_err(ctx)?;
    Ok(version)
}

/// Makes an existing `version` active again and logs the rollback.
pub fn activate(db: &Db, version: i64, by: &str) -> Result<(), DbError> {
    let mut conn = db.lock();
    let ctx = |e| DbError::new(format!("activating guidance version {version}"), e);
    let tx = conn.transaction().map_err(ctx)?;
    let at = now();
    set_active(&tx, version, at, by).map_err(ctx)?;
    log(&tx, at, by, "rollback", &format!("v{version}")).map_err(ctx)?;
    tx.commit().map_err(ctx)
}

/// Logs something that made no version: a refused file, a folder reload.
pub fn audit(db: &Db, by: &str, action: &str, detail: &str) -> Result<(), DbError> {
    let conn = db.lock();
    log(&conn, now(), by, action, detail).map_err(|e| DbError::new("writing the audit log", e))
}

/// Every version, newest first (version 0, the folders, last).
pub fn versions(db: &Db) -> Result<Vec<Version>, DbError> {
    let conn = db.lock();
    let ctx = |e| DbError::new("listing guidance versions", e);
    let mut stmt = conn
        .prepare("SELECT version, at, by, summary FROM guidance_versions ORDER BY version DESC")
        .map_err(ctx)?;
    let mut all: Vec<Version> = stmt
        .query_map([], |r| {
            Ok(Version {
                number: r.get(0)?,
                at: r.get(1)?,
                by: r.get(2)?,
                summary: r.get(3)?,
            })
        })
        .map_err(ctx)?
        .collect::<Result<_, _>>()
        .map_err(ctx)?;
    all.push(Version {
        number: 0,
        at: 0,
        by: String::new(),
        summary: "folders".into(),
    });
    Ok(all)
}

/// The last `limit` audit entries, newest first.
pub fn audit_log(db: &Db, limit: usize) -> Result<Vec<AuditEntry>, DbError> {
    let conn = db.lock();
    let ctx = |e| DbError::new("reading the audit log", e);
    let mut stmt = conn
        .prepare("SELECT at, by, action, detail FROM guidance_audit ORDER BY id DESC LIMIT ?1")
        .map_err(ctx)?;
    stmt.query_map([limit as i64], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            by: r.get(1)?,
            action: r.get(2)?,
            detail: r.get(3)?,
        })
    })
    .map_err(ctx)?
    .collect::<Result<_, _>>()
    .map_err(ctx)
}

fn set_active(tx: &Transaction<'_>, version: i64, at: i64, by: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO guidance_active (only, version, at, by) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT(only) DO UPDATE SET version = excluded.version, at = excluded.at, by = excluded.by",
        params![version, at, by],
    )
    .map(|_| ())
}

fn log(
    conn: &rusqlite::Connection,
    at: i64,
    by: &str,
    action: &str,
    detail: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO guidance_audit (at, by, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![at, by, action, detail],
    )
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_commit_activate_and_log_in_a_real_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lots.sqlite3");
        let db = Db::open(&path).unwrap();
        migrate(&db).unwrap();
        assert_eq!(active(&db).unwrap().number, 0);
        assert_eq!(manifest(&db, 0).unwrap(), Some(Manifest::default()));
        assert_eq!(manifest(&db, 1).unwrap(), None);

        let mut m = Manifest::default();
        m.uploads.insert(
            "tolk".into(),
            Upload {
                file: "ab.txt".into(),
                name: "Tolk.txt".into(),
                given: Given {
                    title: Some("Tolk".into()),
                    ..Given::default()
                },
            },
        );
        m.removed.insert("gammal".into());
        assert_eq!(
            commit(&db, &m, "@admin:x", "load", "tolk (Tolk.txt)").unwrap(),
            1
        );
        assert_eq!(
            commit(&db, &Manifest::default(), "@admin:x", "remove", "tolk").unwrap(),
            2
        );
        activate(&db, 1, "@other:x").unwrap();
        drop(db);

        let db = Db::open(&path).unwrap();
        migrate(&db).unwrap();
        let a = active(&db).unwrap();
        assert_eq!((a.number, a.by.as_str()), (1, "@other:x"));
        assert_eq!(manifest(&db, 1).unwrap(), Some(m));
        let numbers: Vec<i64> = versions(&db).unwrap().iter().map(|v| v.number).collect();
        assert_eq!(numbers, [2, 1, 0]);
        let log: Vec<String> = audit_log(&db, 10)
            .unwrap()
            .iter()
            .map(|e| format!("{} {} {}", e.by, e.action, e.detail))
            .collect();
        assert_eq!(
            log,
            [
                "@other:x rollback v1",
                "@admin:x remove tolk → v2",
                "@admin:x load tolk (Tolk.txt) → v1"
            ]
        );
    }
}

//! 👍/👎 on answers, for admins: which section answered a question (by hash, never the text)
//! and how it was received. Who voted is not stored.

use rusqlite::params;
use sha2::{Digest, Sha256};

use lots_knowledge::Answer;

use crate::store::{Db, DbError, now};

const MIGRATIONS: &[&str] = &["CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        question_hash TEXT NOT NULL,
        doc TEXT NOT NULL,
        heading TEXT NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        at INTEGER NOT NULL
    );
    CREATE INDEX feedback_section ON feedback (doc, heading);",
    "CREATE TABLE gaps (id INTEGER PRIMARY KEY, question TEXT NOT NULL, lang TEXT NOT NULL, at INTEGER NOT NULL);
     CREATE INDEX gaps_at ON gaps (at);"];

/// Records a question Lots could not answer — the text only, never who asked, and nothing
/// that holds a personal identity number. Ones older than `retention_days` are deleted on the way.
pub(super) fn record_gap(
    db: &Db,
    question: &str,
    lang: &str,
    retention_days: i64,
) -> Result<(), DbError> {
    let now = now();
    let conn = db.lock();
    conn.execute(
        "DELETE FROM gaps WHERE at < ?1",
        [now - retention_days * 86_400],
    )
    .map_err(|e| DbError::new("deleting old gaps", e))?;
    if crate::privacy::contains_identity_number(question) {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO gaps (question, lang, at) VALUES (?1, ?2, ?3)",
        params![
            question.split_whitespace().collect::<Vec<_>>().join(" "),
            lang,
            now
        ],
    )
    .map_err(|e| DbError::new("recording a gap", e))?;
    Ok(())
}

/// Unanswered questions since `since`, grouped case-insensitively, most asked first.
pub fn gaps_since(db: &Db, since: i64) -> Result<Vec<(String, i64)>, DbError> {
    let conn = db.lock();
    let mut stmt = conn
        .prepare(
            "SELECT min(question), count(*) AS n FROM gaps WHERE at >= ?1
             GROUP BY lower(trim(question, ' ?!.')) ORDER BY n DESC, min(at) LIMIT 20",
        )
        .map_err(|e| DbError::new("reading gaps", e))?;
    stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(|e| DbError::new("reading gaps", e))
}

/// Sections that got 👎 since `since`: (document, heading, 👎 count, 👍 count), worst first.
pub fn disliked_since(db: &Db, since: i64) -> Result<Vec<(String, String, i64, i64)>, DbError> {
    let conn = db.lock();
    let mut stmt = conn
        .prepare(
            "SELECT doc, heading, sum(vote < 0), sum(vote > 0) FROM feedback WHERE at >= ?1
             GROUP BY doc, heading HAVING sum(vote < 0) > 0 ORDER BY sum(vote < 0) DESC LIMIT 20",
        )
        .map_err(|e| DbError::new("reading feedback", e))?;
    stmt.query_map([since], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .and_then(|rows| rows.collect())
    .map_err(|e| DbError::new("reading feedback", e))
}

/// A vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    /// 👍
    Up,
    /// 👎
    Down,
}

impl Vote {
    /// 👍 and 👎 in any skin tone or variation; other reactions are not votes.
    pub fn from_key(key: &str) -> Option<Vote> {
        if key.starts_with('👍') || key == "+1" {
            Some(Vote::Up)
        } else if key.starts_with('👎') || key == "-1" {
            Some(Vote::Down)
        } else {
            None
        }
    }
}

/// One recorded vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// SHA-256 of the normalised question, hex (first 16 bytes).
    pub question_hash: String,
    /// Document id of the answer.
    pub doc: String,
    /// Heading of the answer.
    pub heading: String,
    /// The vote.
    pub vote: Vote,
    /// When, seconds since the epoch.
    pub at: i64,
}

pub(super) fn migrate(db: &Db) -> Result<(), DbError> {
    db.migrate("guidance", MIGRATIONS)
}

/// The note kept with an answer: question hash, document id and heading, tab-separated.
pub(super) fn meta(question: &str, answer: &Answer) -> String {
    format!(
        "{}\t{}\t{}",
        question_hash(question),
        answer.section.doc,
        answer.section.heading.replace('\t', " ")
    )
}

fn question_hash(question: &str) -> String {
    let normalised = question
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let digest = Sha256::digest(normalised.as_bytes());
    super::hex(&digest[..16])
}

pub(super) fn record(db: &Db, meta: &str, vote: Vote) -> Result<(), DbError> {
    let mut parts = meta.splitn(3, '\t');
    let (Some(hash), Some(doc), Some(heading)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(());
    };
    let v: i64 = match vote {
        Vote::Up => 1,
        Vote::Down => -1,
    };
    db.lock()
        .execute(
            "INSERT INTO feedback (question_hash, doc, heading, vote, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash, doc, heading, v, now()],
        )
        .map_err(|e| DbError::new("recording feedback", e))?;
    Ok(())
}

/// Every vote, oldest first.
pub fn all(db: &Db) -> Result<Vec<Feedback>, DbError> {
    let conn = db.lock();
    let mut stmt = conn
        .prepare("SELECT question_hash, doc, heading, vote, at FROM feedback ORDER BY id")
        .map_err(|e| DbError::new("reading feedback", e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Feedback {
                question_hash: r.get(0)?,
                doc: r.get(1)?,
                heading: r.get(2)?,
                vote: if r.get::<_, i64>(3)? > 0 {
                    Vote::Up
                } else {
                    Vote::Down
                },
                at: r.get(4)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| DbError::new("reading feedback", e))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn votes_are_thumbs_in_any_tone() {
        assert_eq!(Vote::from_key("👍"), Some(Vote::Up));
        assert_eq!(Vote::from_key("👍️"), Some(Vote::Up));
        assert_eq!(Vote::from_key("👍🏽"), Some(Vote::Up));
        assert_eq!(Vote::from_key("👎"), Some(Vote::Down));
        assert_eq!(Vote::from_key("❤️"), None);
    }

    #[test]
    fn the_question_is_hashed_not_kept() {
        let a = question_hash("Hur lång är  betänketiden?");
        assert_eq!(a, question_hash("hur lång är betänketiden?"));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("bet"));
    }

    #[test]
    fn unanswered_questions_are_kept_only_as_long_as_configured() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("lots.sqlite3")).unwrap();
        migrate(&db).unwrap();
        let day = 86_400;
        db.lock()
            .execute(
                "INSERT INTO gaps (question, lang, at) VALUES ('gammal fråga', 'sv', ?1), ('nyare fråga', 'sv', ?2)",
                [now() - 40 * day, now() - 10 * day],
            )
            .unwrap();
        record_gap(&db, "ny fråga", "sv", 30).unwrap();
        let kept: Vec<String> = gaps_since(&db, 0)
            .unwrap()
            .into_iter()
            .map(|(q, _)| q)
            .collect();
        assert_eq!(kept.len(), 2, "{kept:?}");
        assert!(!kept.contains(&"gammal fråga".to_owned()), "{kept:?}");
        record_gap(&db, "ny fråga", "sv", 5).unwrap();
        let kept = gaps_since(&db, 0).unwrap();
        assert_eq!(kept, [("ny fråga".to_owned(), 2)]);
    }
}

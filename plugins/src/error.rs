//! Errors of plugins: a user error is shown to the user (in their language, with what to do); an
//! internal error is logged with its context and an incident id, and the user only sees the id.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};

/// What went wrong in a handler.
#[derive(Debug)]
pub enum PluginError {
    /// The user can fix it: the text says what was wrong and what to do.
    User {
        /// In Swedish.
        sv: String,
        /// In English.
        en: String,
    },
    /// Lots's fault: logged, never shown.
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl PluginError {
    /// A user error in both languages.
    pub fn user(sv: impl Into<String>, en: impl Into<String>) -> Self {
        PluginError::User {
            sv: sv.into(),
            en: en.into(),
        }
    }

    /// An internal error with context (which step failed); the source is kept for the log.
    pub fn internal(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        PluginError::Internal(Box::new(Contextual {
            context: context.into(),
            source: Box::new(source),
        }))
    }
}

#[derive(Debug)]
struct Contextual {
    context: String,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl fmt::Display for Contextual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.context)
    }
}

impl std::error::Error for Contextual {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// The whole chain of an error, `a: b: c`, for the log.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// A short id that ties what the user was told to the log line, e.g. `L-7K3QF2`.
pub fn incident_id() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) as u64;
    // Mix time and counter (splitmix64) so ids made in the same instant differ.
    let mut x = nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    let mut id = String::from("L-");
    for i in 0..6 {
        id.push(ALPHABET[((x >> (i * 5)) & 31) as usize] as char);
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_ids_are_short_and_distinct() {
        let a = incident_id();
        let b = incident_id();
        assert_eq!(a.len(), 8);
        assert!(a.starts_with("L-"));
        assert_ne!(a, b);
    }

    #[test]
    fn internal_errors_keep_their_chain_for_the_log() {
        let io = std::io::Error::other("disk full");
        let PluginError::Internal(e) = PluginError::internal("saving feedback", io) else {
            panic!("not internal")
        };
        assert_eq!(chain(&*e), "saving feedback: disk full");
    }
}

//! Lots end to end: the real `lots` binary against a real Synapse, talked to by real
//! end-to-end-encrypting Matrix users. See `lots_tests` for the harness.

mod conversation;
mod guidance;
mod reminders;
mod resilience;
mod routing;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long a reply may take before a test fails (generous: CI machines are slow and shared).
pub const REPLY: Duration = Duration::from_secs(60);

/// A user or bot name unique in this test process (all tests share one Synapse).
pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

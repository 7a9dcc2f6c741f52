//! Lots drives its own sync loop with `sync_once` instead of `Client::sync`: the latter sleeps
//! a second whenever two syncs come less than a second apart, which a bot in conversation pays
//! on nearly every message. Errors (the homeserver gone, a network hiccup) are logged and
//! retried with exponential backoff until the homeserver is back or Lots is told to stop.

use std::time::Duration;

use matrix_sdk::Client;
use matrix_sdk::config::SyncSettings;
use tokio_util::sync::CancellationToken;

/// How long the homeserver may hold a sync open when nothing happens.
const LONG_POLL: Duration = Duration::from_secs(30);

/// Exponential backoff: 1 s, 2 s, 4 s, … up to `max`, reset after a success.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    next: Duration,
    max: Duration,
}

impl Backoff {
    /// Starting at `first`, never more than `max`.
    pub fn new(first: Duration, max: Duration) -> Self {
        Backoff {
            first,
            next: first,
            max,
        }
    }

    /// The delay to wait now; the one after it is twice as long.
    pub fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.max);
        d
    }

    /// After a success.
    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

/// One sync that succeeds, retried until it does; `false` when stopped first. Used for the
/// first sync, whose events (history, and whatever came while Lots was down) are not answered.
pub async fn first_sync(client: &Client, stop: &CancellationToken) -> bool {
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    loop {
        let settings = SyncSettings::default().timeout(Duration::ZERO);
        tokio::select! {
            () = stop.cancelled() => return false,
            r = client.sync_once(settings) => match r {
                Ok(_) => return true,
                Err(e) => {
                    let wait = backoff.next_delay();
                    tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "first sync failed; is the homeserver up?");
                    if !sleep(wait, stop).await {
                        return false;
                    }
                }
            }
        }
    }
}

/// Syncs until `stop`; event handlers registered on the client run inside each sync.
pub async fn sync_until_stopped(client: &Client, stop: &CancellationToken) {
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    let mut failing = false;
    loop {
        let settings = SyncSettings::default().timeout(LONG_POLL);
        tokio::select! {
            () = stop.cancelled() => return,
            r = client.sync_once(settings) => match r {
                Ok(_) => {
                    if failing {
                        tracing::info!("homeserver reachable again; syncing");
                        failing = false;
                    }
                    backoff.reset();
                }
                Err(e) => {
                    failing = true;
                    let wait = backoff.next_delay();
                    tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "sync failed; retrying");
                    if !sleep(wait, stop).await {
                        return;
                    }
                }
            }
        }
    }
}

/// Sleeps `d`; `false` if stopped first.
pub async fn sleep(d: Duration, stop: &CancellationToken) -> bool {
    tokio::select! {
        () = stop.cancelled() => false,
        () = tokio::time::sleep(d) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(5));
        let got: Vec<u64> = (0..5).map(|_| b.next_delay().as_secs()).collect();
        assert_eq!(got, [1, 2, 4, 5, 5]);
        b.reset();
        assert_eq!(b.next_delay().as_secs(), 1);
    }
}

//! A per-user rate limit over a fixed window: past the limit Lots says once, politely, that it
//! will wait, and then stays quiet for that user until the window is over.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What to do with a user's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the limit.
    Allow,
    /// The first message over the limit: tell the user, once.
    Warn,
    /// Over the limit and already told: ignore.
    Drop,
}

/// Counts messages per user and window.
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    users: Mutex<HashMap<String, Window>>,
}

struct Window {
    start: Instant,
    count: u32,
}

impl RateLimiter {
    /// At most `limit` messages per user in each `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            users: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a message from `user` at `now`.
    pub fn check(&self, user: &str, now: Instant) -> Verdict {
        let mut users = self.users.lock().unwrap_or_else(|p| p.into_inner());
        if users.len() > 10_000 {
            let window = self.window;
            users.retain(|_, w| now.duration_since(w.start) < window);
        }
        let w = users.entry(user.to_owned()).or_insert(Window {
            start: now,
            count: 0,
        });
        if now.duration_since(w.start) >= self.window {
            *w = Window {
                start: now,
                count: 0,
            };
        }
        w.count += 1;
        match w.count.cmp(&(self.limit + 1)) {
            std::cmp::Ordering::Less => Verdict::Allow,
            std::cmp::Ordering::Equal => Verdict::Warn,
            std::cmp::Ordering::Greater => Verdict::Drop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_once_then_drops_until_the_window_is_over() {
        let rl = RateLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        let got: Vec<Verdict> = (0..6)
            .map(|i| rl.check("@a:x", t0 + Duration::from_secs(i)))
            .collect();
        assert_eq!(
            got,
            [
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Warn,
                Verdict::Drop,
                Verdict::Drop
            ]
        );
        assert_eq!(
            rl.check("@b:x", t0 + Duration::from_secs(5)),
            Verdict::Allow,
            "per user"
        );
        assert_eq!(
            rl.check("@a:x", t0 + Duration::from_secs(61)),
            Verdict::Allow,
            "a new window"
        );
    }
}

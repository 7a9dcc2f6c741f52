//! The in-process chat port: it records everything sent and can echo it to a writer. `lots chat`
//! runs on it, and plugin tests use it to see exactly what a user would have seen.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

use crate::chat::{Attachment, ChatPort, Message, PortError};
use crate::reply::Reply;

/// Something sent through the port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The id it got.
    pub id: String,
    /// The room it went to.
    pub room: String,
    /// The message it replied to, if it was a reply.
    pub in_reply_to: Option<String>,
    /// The thread it went to, if any.
    pub thread: Option<String>,
    /// What was sent.
    pub reply: Reply,
}

/// Records sent replies; optionally prints their plain text.
#[derive(Default)]
pub struct LocalPort {
    sent: Mutex<Vec<Sent>>,
    echo: Option<Mutex<Box<dyn Write + Send>>>,
    next: AtomicU64,
    /// Keys of `send_once`, with the id they got: a repeat returns that id and sends nothing.
    once: Mutex<std::collections::HashMap<String, String>>,
    /// Rooms that sending to fails in, and whether permanently (for tests of failure paths).
    failing: Mutex<std::collections::HashMap<String, bool>>,
    /// Files seen in messages, by event id; here a file's handle is its path on this machine.
    files: Mutex<std::collections::HashMap<String, Attachment>>,
}

impl LocalPort {
    /// A port that only records.
    pub fn new() -> Self {
        Self::default()
    }

    /// A port that records and writes each reply's plain text (and a blank line) to `out`.
    pub fn echoing(out: Box<dyn Write + Send>) -> Self {
        LocalPort {
            echo: Some(Mutex::new(out)),
            ..Self::default()
        }
    }

    /// Everything sent so far, oldest first.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Takes everything sent so far, leaving the record empty.
    pub fn take(&self) -> Vec<Sent> {
        std::mem::take(&mut *self.sent.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// From now on, sending to `room` fails (permanently or not); `None` heals it.
    pub fn fail_room(&self, room: &str, permanent: Option<bool>) {
        let mut failing = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        match permanent {
            Some(p) => failing.insert(room.to_owned(), p),
            None => failing.remove(room),
        };
    }

    /// Remembers the file `msg` carries, so a later reply to it finds it.
    pub fn saw(&self, msg: &Message) {
        if let Some(file) = &msg.attachment {
            self.files
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(msg.id.clone(), file.clone());
        }
    }

    fn record(&self, room: &str, to: Option<&Message>, reply: &Reply) -> Result<String, PortError> {
        if let Some(&permanent) = self
            .failing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(room)
        {
            return Err(if permanent {
                PortError::permanent(format!("not in {room}"))
            } else {
                PortError::transient("homeserver unreachable")
            });
        }
        let id = format!("$local-{}", self.next.fetch_add(1, Ordering::Relaxed));
        if let Some(out) = &self.echo {
            let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
            writeln!(out, "{}\n", reply.plain)
                .and_then(|()| out.flush())
                .map_err(|e| PortError::transient(e.to_string()))?;
        }
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Sent {
                id: id.clone(),
                room: room.to_owned(),
                in_reply_to: to.map(|m| m.id.clone()),
                thread: to.and_then(|m| m.thread.clone()),
                reply: reply.clone(),
            });
        Ok(id)
    }
}

#[async_trait]
impl ChatPort for LocalPort {
    async fn reply(&self, to: &Message, reply: &Reply) -> Result<String, PortError> {
        self.record(&to.room, Some(to), reply)
    }

    async fn send(&self, room: &str, reply: &Reply) -> Result<String, PortError> {
        self.record(room, None, reply)
    }

    async fn send_once(&self, room: &str, reply: &Reply, key: &str) -> Result<String, PortError> {
        if let Some(id) = self.once.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
            return Ok(id.clone());
        }
        let id = self.record(room, None, reply)?;
        self.once
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_owned(), id.clone());
        Ok(id)
    }

    async fn direct_room(&self, user: &str) -> Result<String, PortError> {
        Ok(format!("!dm-{user}"))
    }

    async fn attachment_of(
        &self,
        _room: &str,
        event: &str,
    ) -> Result<Option<Attachment>, PortError> {
        Ok(self
            .files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(event)
            .cloned())
    }

    async fn download(&self, file: &Attachment, max_bytes: u64) -> Result<Vec<u8>, PortError> {
        let size = std::fs::metadata(&file.handle)
            .map_err(|e| PortError::permanent(format!("reading {}: {e}", file.name)))?
            .len();
        if size > max_bytes {
            return Err(PortError::permanent(format!(
                "{} is {size} bytes, more than {max_bytes}",
                file.name
            )));
        }
        std::fs::read(&file.handle)
            .map_err(|e| PortError::permanent(format!("reading {}: {e}", file.name)))
    }
}

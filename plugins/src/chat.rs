//! The chat port: what an adapter (Matrix, the terminal, a test) gives the plugins and what it
//! does for them. Plugins only see these types; they never see matrix-sdk.

use async_trait::async_trait;

use crate::reply::Reply;

/// A message an adapter received, already decrypted and stripped of the mention of Lots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The adapter's event id; unique, so the same event is never handled twice.
    pub id: String,
    /// The room (or terminal session) it came from.
    pub room: String,
    /// The sender's user id, e.g. `@anna:example.org`.
    pub sender: String,
    /// The text, without the mention of Lots.
    pub body: String,
    /// Meant for Lots: a direct chat, or Lots was mentioned.
    pub addressed: bool,
    /// The room is a direct chat with Lots.
    pub direct: bool,
    /// The thread the message is in, if any; replies go to the same thread.
    pub thread: Option<String>,
}

/// A reaction (👍, 👎, …) on an earlier event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// The reaction's own event id.
    pub id: String,
    /// The room.
    pub room: String,
    /// Who reacted.
    pub sender: String,
    /// The event reacted on.
    pub target: String,
    /// The reaction key, usually an emoji.
    pub key: String,
}

/// Sending failed; the adapter says why (without message contents).
#[derive(Debug, thiserror::Error)]
#[error("sending failed: {0}")]
pub struct PortError(pub String);

/// What plugins can do in the chat.
#[async_trait]
pub trait ChatPort: Send + Sync {
    /// Replies to `to` (in its thread, if it was in one). Returns the sent event's id.
    async fn reply(&self, to: &Message, reply: &Reply) -> Result<String, PortError>;
    /// Sends to a room, not as a reply (reminders, hand-offs). Returns the sent event's id.
    async fn send(&self, room: &str, reply: &Reply) -> Result<String, PortError>;
}

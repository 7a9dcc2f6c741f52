//! The chat port: what an adapter (Matrix, the terminal, a test) gives the plugins and what it
//! does for them. Plugins only see these types; they never see matrix-sdk.

use async_trait::async_trait;

use crate::reply::Reply;

/// A message an adapter received, already decrypted and stripped of the mention of Lots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// The event this message replies to, if it is a reply.
    pub reply_to: Option<String>,
    /// The file this message carries; its body is then empty.
    pub attachment: Option<Attachment>,
}

/// A file sent in the chat, not yet downloaded.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name the sender gave.
    pub name: String,
    /// Its size in bytes, if the sender said.
    pub size: Option<u64>,
    /// How the adapter finds the file again (for Matrix, the media source, which for an
    /// encrypted file holds its key). Never logged.
    pub handle: String,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
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

/// Sending failed; the adapter says why (without message contents) and whether trying again
/// can help.
#[derive(Debug, thiserror::Error)]
#[error("sending failed: {message}")]
pub struct PortError {
    /// What went wrong.
    pub message: String,
    /// Retrying cannot help (Lots is not in the room, or may not write there).
    pub permanent: bool,
}

impl PortError {
    /// A failure that may pass (network, homeserver away).
    pub fn transient(message: impl Into<String>) -> Self {
        PortError {
            message: message.into(),
            permanent: false,
        }
    }

    /// A failure that will not pass by retrying.
    pub fn permanent(message: impl Into<String>) -> Self {
        PortError {
            message: message.into(),
            permanent: true,
        }
    }
}

/// What plugins can do in the chat.
#[async_trait]
pub trait ChatPort: Send + Sync {
    /// Replies to `to` (in its thread, if it was in one). Returns the sent event's id.
    async fn reply(&self, to: &Message, reply: &Reply) -> Result<String, PortError>;
    /// Sends to a room, not as a reply. Returns the sent event's id.
    async fn send(&self, room: &str, reply: &Reply) -> Result<String, PortError>;
    /// Sends to a room exactly once per `key`: sending again with the same key (after a crash,
    /// a timeout) does not post a second message. Matrix uses the key as the transaction id.
    async fn send_once(&self, room: &str, reply: &Reply, key: &str) -> Result<String, PortError>;
    /// The direct chat with `user`, created (encrypted) if there is none yet.
    async fn direct_room(&self, user: &str) -> Result<String, PortError>;
    /// The file carried by the event `event` in `room`, if it carries one.
    async fn attachment_of(&self, room: &str, event: &str)
    -> Result<Option<Attachment>, PortError>;
    /// Downloads (and, if encrypted, decrypts) a file; refuses one larger than `max_bytes`.
    async fn download(&self, file: &Attachment, max_bytes: u64) -> Result<Vec<u8>, PortError>;
}

//! The Matrix side of the chat port: replies as `m.notice` (so other bots don't answer them)
//! with an escaped HTML body and a plain fallback, as a reply to the question and in its thread,
//! with an empty `m.mentions` so nothing in a reply can ping anyone. Sending is retried with
//! the same transaction id, so a retry can never post the answer twice.

use std::time::Duration;

use async_trait::async_trait;
use lots_plugins::{Attachment, ChatPort, Message, PortError, Reply};
use matrix_sdk::media::{MediaFormat, MediaRequestParameters};
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::relation::{InReplyTo, Thread};
use matrix_sdk::ruma::events::room::MediaSource;
use matrix_sdk::ruma::events::room::message::{FileMessageEventContent, MessageType};
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
};
use matrix_sdk::ruma::{EventId, OwnedTransactionId, RoomId, TransactionId, UserId};
use matrix_sdk::{Client, RoomState};

/// Attempts per message before giving up.
const ATTEMPTS: u32 = 5;

/// Sends through a logged-in client.
pub struct MatrixPort {
    client: Client,
}

impl MatrixPort {
    /// A port over `client`.
    pub fn new(client: Client) -> Self {
        MatrixPort { client }
    }

    async fn send_content(
        &self,
        room: &str,
        mut content: RoomMessageEventContent,
        txn: OwnedTransactionId,
    ) -> Result<String, PortError> {
        content.mentions = Some(Mentions::new());
        let room_id = RoomId::parse(room)
            .map_err(|e| PortError::permanent(format!("room id {room}: {e}")))?;
        let room = self
            .client
            .get_room(&room_id)
            .filter(|r| r.state() == RoomState::Joined)
            .ok_or_else(|| PortError::permanent(format!("not in room {room_id}")))?;
        let mut delay = Duration::from_millis(500);
        let mut attempt = 1;
        loop {
            match room
                .send(content.clone())
                .with_transaction_id(txn.clone())
                .await
            {
                Ok(sent) => return Ok(sent.response.event_id.to_string()),
                Err(e) if attempt < ATTEMPTS && !is_forbidden(&e) => {
                    tracing::warn!(room = %room_id, attempt, error = %e, "sending failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(8));
                    attempt += 1;
                }
                Err(e) if is_forbidden(&e) => return Err(PortError::permanent(e.to_string())),
                Err(e) => return Err(PortError::transient(e.to_string())),
            }
        }
    }
}

/// The homeserver refuses: Lots may not write in that room (left, kicked, banned, muted).
fn is_forbidden(e: &matrix_sdk::Error) -> bool {
    e.as_client_api_error()
        .is_some_and(|api| api.status_code.as_u16() == 403)
}

/// A file message as the plugins see it; the media source (with its key, for an encrypted
/// file) becomes the opaque handle.
pub fn attachment_of_file(file: &FileMessageEventContent) -> Attachment {
    Attachment {
        name: file.filename.clone().unwrap_or_else(|| file.body.clone()),
        size: file.info.as_ref().and_then(|i| i.size).map(u64::from),
        handle: serde_json::to_string(&file.source).unwrap_or_default(),
    }
}

/// The content of a reply: plain and escaped HTML.
pub fn content_of(reply: &Reply) -> RoomMessageEventContent {
    RoomMessageEventContent::notice_html(reply.plain.clone(), reply.html())
}

#[async_trait]
impl ChatPort for MatrixPort {
    async fn reply(&self, to: &Message, reply: &Reply) -> Result<String, PortError> {
        let mut content = content_of(reply);
        let event =
            EventId::parse(&to.id).map_err(|e| PortError::permanent(format!("event id: {e}")))?;
        content.relates_to = Some(match &to.thread {
            Some(root) => {
                let root = EventId::parse(root)
                    .map_err(|e| PortError::permanent(format!("thread id: {e}")))?;
                Relation::Thread(Thread::reply(root, event))
            }
            None => Relation::Reply(matrix_sdk::ruma::events::relation::Reply::new(
                InReplyTo::new(event),
            )),
        });
        self.send_content(&to.room, content, TransactionId::new())
            .await
    }

    async fn send(&self, room: &str, reply: &Reply) -> Result<String, PortError> {
        self.send_content(room, content_of(reply), TransactionId::new())
            .await
    }

    async fn send_once(&self, room: &str, reply: &Reply, key: &str) -> Result<String, PortError> {
        self.send_content(room, content_of(reply), key.into()).await
    }

    async fn direct_room(&self, user: &str) -> Result<String, PortError> {
        let user = UserId::parse(user)
            .map_err(|e| PortError::permanent(format!("user id {user}: {e}")))?;
        if let Some(room) = self.client.get_dm_room(&user) {
            return Ok(room.room_id().to_string());
        }
        let room = self
            .client
            .create_dm(&user)
            .await
            .map_err(|e| PortError::transient(format!("creating a direct chat: {e}")))?;
        Ok(room.room_id().to_string())
    }

    async fn attachment_of(
        &self,
        room: &str,
        event: &str,
    ) -> Result<Option<Attachment>, PortError> {
        let room_id = RoomId::parse(room)
            .map_err(|e| PortError::permanent(format!("room id {room}: {e}")))?;
        let event_id =
            EventId::parse(event).map_err(|e| PortError::permanent(format!("event id: {e}")))?;
        let Some(room) = self.client.get_room(&room_id) else {
            return Err(PortError::permanent(format!("not in room {room_id}")));
        };
        let found = match room.event(&event_id, None).await {
            Ok(found) => found,
            Err(e)
                if e.as_client_api_error()
                    .is_some_and(|a| a.status_code.as_u16() == 404) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(PortError::transient(format!("fetching the event: {e}"))),
        };
        let Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
            SyncMessageLikeEvent::Original(ev),
        ))) = found.raw().deserialize()
        else {
            return Ok(None);
        };
        Ok(match &ev.content.msgtype {
            MessageType::File(file) => Some(attachment_of_file(file)),
            _ => None,
        })
    }

    async fn download(&self, file: &Attachment, max_bytes: u64) -> Result<Vec<u8>, PortError> {
        let source: MediaSource = serde_json::from_str(&file.handle)
            .map_err(|e| PortError::permanent(format!("not a media source: {e}")))?;
        let request = MediaRequestParameters {
            source,
            format: MediaFormat::File,
        };
        // Decrypts an encrypted file with the key from its event; nothing is cached on disk.
        let bytes = self
            .client
            .media()
            .get_media_content(&request, false)
            .await
            .map_err(|e| PortError::transient(format!("downloading: {e}")))?;
        if bytes.len() as u64 > max_bytes {
            return Err(PortError::permanent(format!(
                "{} bytes, more than {max_bytes}",
                bytes.len()
            )));
        }
        Ok(bytes)
    }
}

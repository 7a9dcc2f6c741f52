//! A real Matrix user for the tests: matrix-sdk with its own encrypted SQLite store, its own
//! sync loop, and a record of every message it receives (decrypted) to wait on.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use matrix_sdk::config::SyncSettings;
use matrix_sdk::room::Room;
use matrix_sdk::ruma::api::client::room::create_room::v3::{
    Request as CreateRoomRequest, RoomPreset,
};
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
};
use matrix_sdk::ruma::events::{InitialStateEvent, Mentions};
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId, RoomId, UserId};
use matrix_sdk::{Client, RoomMemberships};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// A message as a user saw it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its event id.
    pub event_id: String,
    /// The room.
    pub room_id: String,
    /// Who sent it.
    pub sender: String,
    /// `m.text`, `m.notice`, …
    pub msgtype: String,
    /// The plain body.
    pub body: String,
    /// The HTML body, if any.
    pub html: Option<String>,
    /// The event it replies to.
    pub in_reply_to: Option<String>,
    /// The thread it is in.
    pub thread: Option<String>,
    /// It arrived encrypted.
    pub encrypted: bool,
    /// When it arrived.
    pub at: std::time::Instant,
}

/// A registered, logged-in, syncing user.
pub struct User {
    /// The client.
    pub client: Client,
    /// The user id.
    pub user_id: OwnedUserId,
    inbox: Arc<(Mutex<Vec<Received>>, Notify)>,
    sync: JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl User {
    /// Registers `name` on `homeserver` with an encrypted store and starts syncing.
    pub async fn register(homeserver: &str, name: &str) -> User {
        let dir = tempfile::Builder::new()
            .prefix("lots-user-")
            .tempdir()
            .expect("a temp dir");
        let client = Client::builder()
            .homeserver_url(homeserver)
            .sqlite_store(dir.path(), Some(&format!("{name}-passphrase")))
            .build()
            .await
            .expect("a client");
        let mut request = crate::bot::registration(name, &format!("{name}-password"));
        request.initial_device_display_name = Some(format!("{name}'s test device"));
        client
            .matrix_auth()
            .register(request)
            .await
            .unwrap_or_else(|e| panic!("registering {name}: {e}"));
        client
            .encryption()
            .wait_for_e2ee_initialization_tasks()
            .await;
        let user_id = client.user_id().expect("logged in").to_owned();
        let inbox: Arc<(Mutex<Vec<Received>>, Notify)> = Arc::default();
        let sink = inbox.clone();
        client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
            let sink = sink.clone();
            async move {
                let html = match &ev.content.msgtype {
                    MessageType::Text(t) => t.formatted.as_ref().map(|f| f.body.clone()),
                    MessageType::Notice(n) => n.formatted.as_ref().map(|f| f.body.clone()),
                    _ => None,
                };
                let (in_reply_to, thread) = match &ev.content.relates_to {
                    Some(Relation::Reply(r)) => (Some(r.in_reply_to.event_id.to_string()), None),
                    Some(Relation::Thread(t)) => (
                        t.in_reply_to.as_ref().map(|r| r.event_id.to_string()),
                        Some(t.event_id.to_string()),
                    ),
                    _ => (None, None),
                };
                let encrypted = room
                    .latest_encryption_state()
                    .await
                    .is_ok_and(|s| s.is_encrypted());
                let r = Received {
                    event_id: ev.event_id.to_string(),
                    room_id: room.room_id().to_string(),
                    sender: ev.sender.to_string(),
                    msgtype: ev.content.msgtype().to_owned(),
                    body: ev.content.body().to_owned(),
                    html,
                    in_reply_to,
                    thread,
                    encrypted,
                    at: std::time::Instant::now(),
                };
                sink.0.lock().expect("inbox").push(r);
                sink.1.notify_waiters();
            }
        });
        let syncing = client.clone();
        let sync = tokio::spawn(async move {
            loop {
                let settings = SyncSettings::default().timeout(Duration::from_secs(5));
                if syncing.sync_once(settings).await.is_err() {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
        });
        User {
            client,
            user_id,
            inbox,
            sync,
            _dir: dir,
        }
    }

    /// Creates an encrypted direct chat with `other` and waits until they joined.
    pub async fn dm(&self, other: &str) -> Room {
        let other = UserId::parse(other).expect("a user id");
        let room = self.client.create_dm(&other).await.expect("creating a DM");
        self.wait_joined(&room, &other, Duration::from_secs(60))
            .await;
        room
    }

    /// Creates a room (encrypted or not, not direct), invites `others` and waits until they
    /// joined.
    pub async fn room(&self, encrypted: bool, others: &[&User], bot: &str) -> Room {
        let mut request = CreateRoomRequest::new();
        request.preset = Some(RoomPreset::PrivateChat);
        let mut invite: Vec<OwnedUserId> = others.iter().map(|u| u.user_id.clone()).collect();
        let bot = UserId::parse(bot).expect("a user id");
        invite.push(bot.clone());
        request.invite = invite;
        if encrypted {
            request.initial_state = vec![
                InitialStateEvent::with_empty_state_key(
                    RoomEncryptionEventContent::with_recommended_defaults(),
                )
                .to_raw_any(),
            ];
        }
        let room = self
            .client
            .create_room(request)
            .await
            .expect("creating a room");
        for other in others {
            other.join(room.room_id()).await;
        }
        self.wait_joined(&room, &bot, Duration::from_secs(60)).await;
        room
    }

    /// Joins a room this user was invited to (waiting for the invite to arrive).
    pub async fn join(&self, room_id: &RoomId) {
        for _ in 0..200 {
            if self.client.join_room_by_id(room_id).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{} could not join {room_id}", self.user_id);
    }

    /// Waits until `who` is a joined member of `room`.
    pub async fn wait_joined(&self, room: &Room, who: &UserId, timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let _ = room.sync_members().await;
            if let Ok(members) = room.members(RoomMemberships::JOIN).await
                && members.iter().any(|m| m.user_id() == who)
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{who} did not join {} within {timeout:?}",
                room.room_id()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Sends a plain text message; returns its event id.
    pub async fn send(&self, room: &Room, body: &str) -> OwnedEventId {
        self.send_content(room, RoomMessageEventContent::text_plain(body))
            .await
    }

    /// Sends `body` mentioning `who` (as clients do for a pill: `m.mentions` and the name).
    pub async fn send_mention(
        &self,
        room: &Room,
        who: &str,
        name: &str,
        body: &str,
    ) -> OwnedEventId {
        let who = UserId::parse(who).expect("a user id");
        let content = RoomMessageEventContent::text_plain(format!("{name}: {body}"))
            .add_mentions(Mentions::with_user_ids([who]));
        self.send_content(room, content).await
    }

    /// Sends a file (encrypted in an encrypted room, as clients do); returns its event id.
    pub async fn send_file(
        &self,
        room: &Room,
        name: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> OwnedEventId {
        let mime: mime::Mime = mime.parse().expect("a MIME type");
        self.own(room)
            .send_attachment(
                name,
                &mime,
                bytes,
                matrix_sdk::attachment::AttachmentConfig::new(),
            )
            .await
            .expect("sending a file")
            .event_id
    }

    /// Sends any message content as this user; returns its event id.
    pub async fn send_content(
        &self,
        room: &Room,
        content: RoomMessageEventContent,
    ) -> OwnedEventId {
        self.own(room)
            .send(content)
            .await
            .expect("sending a message")
            .response
            .event_id
    }

    /// This user's handle to `room` (a `Room` from another user's client sends as that user).
    pub fn own(&self, room: &Room) -> Room {
        self.client
            .get_room(room.room_id())
            .unwrap_or_else(|| panic!("{} is not in {}", self.user_id, room.room_id()))
    }

    /// Waits for a message that satisfies `pred`, received at any time.
    pub async fn wait_for(&self, timeout: Duration, pred: impl Fn(&Received) -> bool) -> Received {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inbox.1.notified();
            if let Some(r) = self.inbox.0.lock().expect("inbox").iter().find(|r| pred(r)) {
                return r.clone();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let seen: Vec<String> = self
                    .inbox
                    .0
                    .lock()
                    .expect("inbox")
                    .iter()
                    .map(|r| format!("{} {}: {}", r.event_id, r.sender, r.body))
                    .collect();
                panic!(
                    "no such message within {timeout:?}; received:\n{}",
                    seen.join("\n")
                );
            }
        }
    }

    /// The reply from `from` to `event`, waiting up to `timeout`.
    pub async fn reply_to(&self, event: &OwnedEventId, from: &str, timeout: Duration) -> Received {
        let event = event.to_string();
        self.wait_for(timeout, |r| {
            r.sender == from && r.in_reply_to.as_deref() == Some(event.as_str())
        })
        .await
    }

    /// Sends `body` and waits for `from`'s reply to it.
    pub async fn say(&self, room: &Room, body: &str, from: &str, timeout: Duration) -> Received {
        let sent = self.send(room, body).await;
        self.reply_to(&sent, from, timeout).await
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.0.lock().expect("inbox").clone()
    }
}

impl Drop for User {
    fn drop(&mut self) {
        self.sync.abort();
    }
}

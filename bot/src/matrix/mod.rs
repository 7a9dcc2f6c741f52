//! The Matrix adapter: `lots run`. How it works:
//!
//! 1. [`session::connect`] restores (or, the first time, creates) the bot's one device.
//! 2. The first sync runs with no handlers, so history — and whatever came while Lots was
//!    down — is never answered. Only then are the handlers registered.
//! 3. [`sync::sync_until_stopped`] drives `sync_once` in Lots's own loop. Handlers do no
//!    waiting themselves: each message becomes a tracked task that turns the event into a
//!    [`Message`] and hands it to the [`Framework`]; replies go out through [`port::MatrixPort`].
//! 4. On SIGINT/SIGTERM the loop stops, in-flight replies finish, plugins shut down, the
//!    stores close, and the process exits 0.

pub mod events;
pub mod port;
pub mod session;
pub mod sync;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lots_plugins::guidance::GuidancePlugin;
use lots_plugins::{Attachment, Db, Framework, Message, Reaction, Reply, builtin};
use matrix_sdk::event_handler::EventHandlerHandle;
use matrix_sdk::room::Room;
use matrix_sdk::ruma::OwnedUserId;
use matrix_sdk::ruma::events::reaction::OriginalSyncReactionEvent;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation,
};
use matrix_sdk::{Client, RoomMemberships, RoomState};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use sync::Backoff;

/// How long in-flight replies may take to finish at shutdown.
const DRAIN: Duration = Duration::from_secs(30);

/// Runs the bot until SIGINT or SIGTERM.
pub async fn run(config: Config, db: Db, guidance: GuidancePlugin) -> anyhow::Result<()> {
    let client = session::connect(&config).await?;
    let own = client
        .user_id()
        .context("no user id after login")?
        .to_owned();
    let display_name = client.account().get_display_name().await.ok().flatten();
    let port = Arc::new(port::MatrixPort::new(client.clone()));
    let framework = Arc::new(Framework::new(
        builtin(
            guidance,
            config.plugins.reminders.clone(),
            config.directory()?,
            Duration::from_secs(u64::from(config.plugins.routing.handoff_reminder_hours) * 3600),
        ),
        config.access.clone(),
        db,
        port,
    )?);
    framework.start().await.map_err(anyhow::Error::msg)?;

    let stop = CancellationToken::new();
    tokio::spawn(stop_on_signal(stop.clone()));
    if sync::first_sync(&client, &stop).await {
        let handlers = Arc::new(Handlers {
            framework: framework.clone(),
            tracker: TaskTracker::new(),
            names: events::own_names(own.as_str(), display_name.as_deref()),
            own,
            stop: stop.clone(),
        });
        let registered = handlers.clone().register(&client);
        tracing::info!("Lots is listening");
        sync::sync_until_stopped(&client, &stop).await;
        for handle in registered {
            client.remove_event_handler(handle);
        }
        handlers.tracker.close();
        if tokio::time::timeout(DRAIN, handlers.tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!("some replies did not finish within {DRAIN:?}");
        }
    }
    framework.shutdown().await;
    drop(framework);
    drop(client);
    tracing::info!("Lots stopped");
    Ok(())
}

/// A direct chat with Lots: marked so (m.direct), or Lots and one other person are all that
/// joined. Counted from the member list, as the room summary is often absent.
async fn is_direct(room: &Room) -> bool {
    if room.is_direct().await.unwrap_or(false) {
        return true;
    }
    match room.members_no_sync(RoomMemberships::JOIN).await {
        Ok(members) => members.len() <= 2,
        Err(e) => {
            tracing::warn!(room = %room.room_id(), error = %e, "cannot read the member list");
            false
        }
    }
}

async fn stop_on_signal(stop: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                let _ = tokio::signal::ctrl_c().await;
                stop.cancel();
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("stopping: finishing replies in flight");
    stop.cancel();
}

/// What the event handlers share.
struct Handlers {
    framework: Arc<Framework>,
    tracker: TaskTracker,
    own: OwnedUserId,
    names: Vec<String>,
    stop: CancellationToken,
}

impl Handlers {
    fn register(self: Arc<Self>, client: &Client) -> Vec<EventHandlerHandle> {
        let h = self.clone();
        let messages =
            client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
                let h = h.clone();
                async move { h.on_message(ev, room) }
            });
        let h = self.clone();
        let reactions =
            client.add_event_handler(move |ev: OriginalSyncReactionEvent, room: Room| {
                let h = h.clone();
                async move { h.on_reaction(ev, &room) }
            });
        let h = self;
        let invites = client.add_event_handler(move |ev: StrippedRoomMemberEvent, room: Room| {
            let h = h.clone();
            async move { h.on_invite(ev, room) }
        });
        vec![messages, reactions, invites]
    }

    fn on_message(self: Arc<Self>, ev: OriginalSyncRoomMessageEvent, room: Room) {
        if ev.sender == self.own || room.state() != RoomState::Joined {
            return;
        }
        let (body, attachment) = match &ev.content.msgtype {
            MessageType::Text(text) => (text.body.clone(), None),
            // A file: no text, but an admin may load it as guidance next.
            MessageType::File(file) => (String::new(), Some(port::attachment_of_file(file))),
            _ => return,
        };
        if matches!(ev.content.relates_to, Some(Relation::Replacement(_))) {
            return; // an edit: the original was answered already
        }
        let tracker = self.tracker.clone();
        tracker.spawn(async move { self.handle_message(ev, room, body, attachment).await });
    }

    async fn handle_message(
        &self,
        ev: OriginalSyncRoomMessageEvent,
        room: Room,
        body: String,
        attachment: Option<Attachment>,
    ) {
        let direct = is_direct(&room).await;
        let mentioned = ev
            .content
            .mentions
            .as_ref()
            .is_some_and(|m| m.user_ids.contains(&self.own));
        let stripped =
            events::strip_leading_mention(&body, &self.names).filter(|_| attachment.is_none());
        let addressed = direct || mentioned || stripped.is_some();
        let msg = Message {
            id: ev.event_id.to_string(),
            room: room.room_id().to_string(),
            sender: ev.sender.to_string(),
            body: stripped.unwrap_or(&body).to_owned(),
            addressed,
            direct,
            thread: match &ev.content.relates_to {
                Some(Relation::Thread(t)) => Some(t.event_id.to_string()),
                _ => None,
            },
            reply_to: match &ev.content.relates_to {
                Some(Relation::Reply(r)) => Some(r.in_reply_to.event_id.to_string()),
                Some(Relation::Thread(t)) if !t.is_falling_back => {
                    t.in_reply_to.as_ref().map(|r| r.event_id.to_string())
                }
                _ => None,
            },
            attachment,
        };
        let encrypted = match room.latest_encryption_state().await {
            Ok(state) => state.is_encrypted(),
            Err(e) => {
                tracing::warn!(room = %msg.room, error = %e, "cannot tell whether the room is encrypted");
                false
            }
        };
        if self.framework.access().require_encryption && !encrypted {
            self.refuse_unencrypted(&msg).await;
            return;
        }
        let outcome = self.framework.handle_message(&msg).await;
        tracing::debug!(room = %msg.room, event = %msg.id, ?outcome, "message handled");
    }

    /// In an unencrypted room Lots answers nothing, and says why once per room — only to an
    /// allowed user who is talking to it.
    async fn refuse_unencrypted(&self, msg: &Message) {
        let for_lots = msg.addressed || lots_plugins::command::split_command(&msg.body).is_some();
        if !for_lots || self.framework.access().role_of(&msg.sender).is_none() {
            return;
        }
        let ctx = self.framework.context();
        match ctx.db.notice_once(&msg.room, "unencrypted") {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                tracing::error!(error = %e, "recording the unencrypted-room notice");
                return;
            }
        }
        tracing::info!(room = %msg.room, "unencrypted room: explaining once why Lots is silent");
        let reply = Reply::text(
            "Jag svarar bara i krypterade rum, eftersom frågorna kan gälla utsatta personer. Slå på kryptering \
             i rummets inställningar, eller skriv till mig i ett krypterat direktmeddelande. \
             (I only answer in encrypted rooms; turn on encryption or write to me directly.)",
        );
        if let Err(e) = ctx.port.reply(msg, &reply).await {
            tracing::error!(room = %msg.room, error = %e, "could not send the unencrypted-room notice");
        }
    }

    fn on_reaction(self: Arc<Self>, ev: OriginalSyncReactionEvent, room: &Room) {
        if ev.sender == self.own {
            return;
        }
        let reaction = Reaction {
            id: ev.event_id.to_string(),
            room: room.room_id().to_string(),
            sender: ev.sender.to_string(),
            target: ev.content.relates_to.event_id.to_string(),
            key: ev.content.relates_to.key.clone(),
        };
        let tracker = self.tracker.clone();
        tracker.spawn(async move { self.framework.handle_reaction(&reaction).await });
    }

    fn on_invite(self: Arc<Self>, ev: StrippedRoomMemberEvent, room: Room) {
        if ev.state_key != self.own || ev.content.membership != MembershipState::Invite {
            return;
        }
        if self
            .framework
            .access()
            .role_of(ev.sender.as_str())
            .is_none()
        {
            tracing::info!(room = %room.room_id(), "ignoring an invite from a server that is not allowed");
            return;
        }
        let direct = ev.content.is_direct == Some(true);
        // Joining waits (and retries) on the homeserver: never in the sync loop.
        tokio::spawn(async move {
            let mut backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(300));
            for attempt in 1..=12 {
                match room.join().await {
                    Ok(()) => {
                        tracing::info!(room = %room.room_id(), direct, "joined");
                        // Like a client accepting a DM invite: remember it as direct (m.direct).
                        if direct && let Err(e) = room.set_is_direct(true).await {
                            tracing::warn!(room = %room.room_id(), error = %e, "could not mark the room as direct");
                        }
                        return;
                    }
                    Err(e) => {
                        let wait = backoff.next_delay();
                        tracing::warn!(room = %room.room_id(), attempt, error = %e, "joining failed; retrying");
                        if !sync::sleep(wait, &self.stop).await {
                            return;
                        }
                    }
                }
            }
            tracing::error!(room = %room.room_id(), "giving up joining after 12 attempts");
        });
    }
}

//! The `Plugin` trait (like serenity's `EventHandler`: every hook has a no-op default) and the
//! [`Context`] handed to every hook.

use std::sync::Arc;

use async_trait::async_trait;

use crate::chat::{ChatPort, Message, Reaction};
use crate::command::{CommandSpec, Invocation};
use crate::error::PluginError;
use crate::reply::Reply;
use crate::store::Db;

/// What every hook can reach.
#[derive(Clone)]
pub struct Context {
    /// The chat, for sending outside a reply (reminders, hand-offs).
    pub port: Arc<dyn ChatPort>,
    /// Lots's own database.
    pub db: Db,
    /// Every registered command, for generated help.
    pub commands: Arc<[CommandSpec]>,
}

/// A plugin. Implement what you need; the rest does nothing.
#[async_trait]
pub trait Plugin: Send + Sync {
    /// A short, unique name (also the owner of its database tables).
    fn name(&self) -> &'static str;

    /// The commands it handles in [`Plugin::on_command`].
    fn commands(&self) -> Vec<CommandSpec> {
        Vec::new()
    }

    /// Once, before the first message: migrations, background tasks.
    async fn on_start(&self, _ctx: &Context) -> Result<(), PluginError> {
        Ok(())
    }

    /// One of its commands, after the role was checked.
    async fn on_command(&self, _ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        Err(PluginError::Internal(
            format!(
                "plugin {} declares !{} but does not handle it",
                self.name(),
                inv.command
            )
            .into(),
        ))
    }

    /// A message that is not a command. Return a reply to answer it; the first plugin that
    /// answers wins. Check `msg.addressed` before answering in a room.
    async fn on_message(
        &self,
        _ctx: &Context,
        _msg: &Message,
    ) -> Result<Option<Reply>, PluginError> {
        Ok(None)
    }

    /// A file someone sent (to Lots or in a room Lots is in), from a user of role `role`.
    /// Nothing is replied; a later command can use it.
    async fn on_file(&self, _ctx: &Context, _msg: &Message, _role: crate::role::Role) {}

    /// A reaction on a reply this plugin sent with a `meta` note.
    async fn on_reaction(
        &self,
        _ctx: &Context,
        _reaction: &Reaction,
        _meta: &str,
    ) -> Result<(), PluginError> {
        Ok(())
    }

    /// Once, on shutdown, after the last message was handled.
    async fn on_shutdown(&self, _ctx: &Context) {}
}

/// A plugin's background task (a scheduler, a reminder loop): started in `on_start`, told to
/// stop and awaited in `on_shutdown`.
#[derive(Default)]
pub struct Background {
    stop: Option<tokio::sync::watch::Sender<bool>>,
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Background {
    /// Nothing running yet.
    pub fn new() -> Self {
        Background {
            stop: Some(tokio::sync::watch::channel(false).0),
            task: std::sync::Mutex::new(None),
        }
    }

    /// Spawns `task`, which gets a receiver that changes when it must stop.
    pub fn spawn<F>(&self, task: impl FnOnce(tokio::sync::watch::Receiver<bool>) -> F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let Some(stop) = &self.stop else { return };
        let handle = tokio::spawn(task(stop.subscribe()));
        *self.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
    }

    /// Tells the task to stop and waits for it.
    pub async fn stop(&self) {
        if let Some(stop) = &self.stop {
            let _ = stop.send(true);
        }
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

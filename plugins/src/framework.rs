//! The registry of plugins and the dispatcher. One way through for every message:
//! sender allowed? → not seen before? → command or addressed to Lots? → within the rate limit?
//! → command: role check, the plugin's handler · free text: the plugins' `on_message` in order →
//! the reply goes back through the chat port. Errors end here: a user error is shown in the
//! user's language; an internal one is logged with an incident id, which is all the user sees.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lots_knowledge::analysis::{Lang, detect_lang};

use crate::chat::{ChatPort, Message, Reaction};
use crate::command::{Invocation, alias_matches, split_command};
use crate::error::{PluginError, chain, incident_id};
use crate::plugin::{Context, Plugin};
use crate::ratelimit::{RateLimiter, Verdict};
use crate::reply::Reply;
use crate::role::Access;
use crate::store::{Db, DbError};

/// What became of a message; adapters log it and tests assert it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The sender is not on an allowed server.
    NotAllowed,
    /// Handled before (e.g. seen again after a restart).
    Duplicate,
    /// Neither a command nor addressed to Lots.
    NotForMe,
    /// Over the rate limit (told once).
    RateLimited,
    /// A reply was sent.
    Replied,
    /// Nothing to say (a plugin declined, or an unknown command in a room).
    Silent,
    /// The reply could not be sent (logged).
    SendFailed,
}

/// Two commands share a name or an alias.
#[derive(Debug, thiserror::Error)]
#[error("the alias !{alias} is used by both {first} and {second}")]
pub struct RegistryError {
    alias: String,
    first: String,
    second: String,
}

/// The plugins, their commands, and the rules that apply to every message.
pub struct Framework {
    plugins: Vec<Arc<dyn Plugin>>,
    /// Command → index of its plugin.
    owners: Vec<usize>,
    access: Access,
    limiter: RateLimiter,
    ctx: Context,
}

impl Framework {
    /// Registers `plugins` (order matters for free text: the first that answers wins).
    /// Fails when two commands share a name or an alias, diacritics folded.
    pub fn new(
        plugins: Vec<Arc<dyn Plugin>>,
        access: Access,
        db: Db,
        port: Arc<dyn ChatPort>,
    ) -> Result<Framework, RegistryError> {
        let mut commands = Vec::new();
        let mut owners = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        for (i, plugin) in plugins.iter().enumerate() {
            for spec in plugin.commands() {
                let names = std::iter::once(spec.name).chain(spec.aliases().map(|(a, _)| a));
                let mut own = Vec::new();
                for alias in names {
                    let key = crate::command::fold_alias(alias);
                    if own.contains(&key) {
                        continue;
                    }
                    let label = format!("{}::{}", plugin.name(), spec.name);
                    if let Some(first) = seen.insert(key.clone(), label.clone()) {
                        return Err(RegistryError {
                            alias: alias.to_owned(),
                            first,
                            second: label,
                        });
                    }
                    own.push(key);
                }
                commands.push(spec);
                owners.push(i);
            }
        }
        let limiter = RateLimiter::new(access.messages_per_minute, Duration::from_secs(60));
        Ok(Framework {
            plugins,
            owners,
            access,
            limiter,
            ctx: Context {
                port,
                db,
                commands: commands.into(),
            },
        })
    }

    /// The context plugins get.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The access rules.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// Runs every plugin's `on_start`; the first failure stops the start.
    pub async fn start(&self) -> Result<(), String> {
        for p in &self.plugins {
            if let Err(e) = p.on_start(&self.ctx).await {
                let why = match e {
                    PluginError::User { en, .. } => en,
                    PluginError::Internal(e) => chain(&*e),
                };
                return Err(format!("plugin {} failed to start: {why}", p.name()));
            }
        }
        Ok(())
    }

    /// Runs every plugin's `on_shutdown`.
    pub async fn shutdown(&self) {
        for p in &self.plugins {
            p.on_shutdown(&self.ctx).await;
        }
    }

    /// Handles one message from an adapter.
    pub async fn handle_message(&self, msg: &Message) -> Outcome {
        let Some(role) = self.access.role_of(&msg.sender) else {
            return Outcome::NotAllowed;
        };
        match self.ctx.db.claim_event(&msg.id) {
            Ok(true) => {}
            Ok(false) => return Outcome::Duplicate,
            Err(e) => {
                // Better to risk answering twice than to fall silent.
                tracing::error!(error = %chain(&e), "could not record the event as handled");
            }
        }
        if msg.attachment.is_some() {
            for plugin in &self.plugins {
                plugin.on_file(&self.ctx, msg, role).await;
            }
            return Outcome::Silent;
        }
        let command = split_command(&msg.body);
        if command.is_none() && !msg.addressed {
            return Outcome::NotForMe;
        }
        match self.limiter.check(&msg.sender, Instant::now()) {
            Verdict::Allow => {}
            Verdict::Drop => return Outcome::RateLimited,
            Verdict::Warn => {
                let reply = user_reply(
                    detect_lang(&msg.body),
                    "Du har skickat många meddelanden på kort tid. Jag tar en paus för dig och svarar igen om en minut.",
                    "You have sent many messages in a short time. I will pause for you and answer again in a minute.",
                );
                self.send(None, msg, reply).await;
                return Outcome::RateLimited;
            }
        }
        tracing::debug!(room = %msg.room, body = %msg.body, "message for Lots");
        let free_text = self.free_text_command(command.as_ref(), msg);
        let (msg, command) = match &free_text {
            Some(asked) => (asked, None),
            None => (msg, command),
        };
        let result = match command {
            Some((alias, args)) => {
                let found =
                    self.ctx
                        .commands
                        .iter()
                        .zip(&self.owners)
                        .find_map(|(spec, &owner)| {
                            spec.aliases()
                                .find(|(a, _)| alias_matches(&alias, a))
                                .map(|(_, lang)| (spec, owner, lang))
                        });
                let Some((spec, owner, lang)) = found else {
                    if !msg.addressed {
                        // Another bot's command, perhaps: in a room, say nothing.
                        return Outcome::Silent;
                    }
                    let reply = Reply::text(format!(
                        "Jag känner inte till kommandot !{alias}. Skriv !hjälp för att se vad jag kan. \
                         (I don't know !{alias}; type !help.)"
                    ));
                    return self.send(None, msg, reply).await;
                };
                let plugin = &self.plugins[owner];
                if role < spec.role {
                    let sv = lang == Lang::Sv;
                    let reply = user_reply(
                        lang,
                        &format!(
                            "Kommandot !{alias} är till för rollen {}. Be en administratör om du behöver det.",
                            spec.role.name(sv)
                        ),
                        &format!(
                            "The command !{alias} is for the {} role. Ask an admin if you need it.",
                            spec.role.name(sv)
                        ),
                    );
                    return self.send(None, msg, reply).await;
                }
                let inv = Invocation {
                    command: spec.name,
                    args,
                    lang,
                    msg,
                    role,
                };
                let r = plugin.on_command(&self.ctx, inv).await.map(Some);
                (plugin.name(), lang, r)
            }
            None => {
                let lang = detect_lang(&msg.body);
                let mut answered = ("", lang, Ok(None));
                for plugin in &self.plugins {
                    let r = plugin.on_message(&self.ctx, msg).await;
                    if !matches!(r, Ok(None)) {
                        answered = (plugin.name(), lang, r);
                        break;
                    }
                }
                answered
            }
        };
        match result {
            (plugin, _, Ok(Some(reply))) => self.send(Some(plugin), msg, reply).await,
            (_, _, Ok(None)) => Outcome::Silent,
            (_, lang, Err(PluginError::User { sv, en })) => {
                self.send(None, msg, user_reply(lang, &sv, &en)).await
            }
            (plugin, lang, Err(PluginError::Internal(e))) => {
                let incident = incident_id();
                tracing::error!(%incident, plugin, error = %chain(&*e), "internal error");
                let reply = user_reply(
                    lang,
                    &format!(
                        "Något gick fel hos mig (ärende {incident}). Försök igen om en stund; \
                         om det fortsätter, ge ärendenumret till den som sköter Lots."
                    ),
                    &format!(
                        "Something went wrong on my side (incident {incident}). Please try again in a while; \
                         if it persists, give the incident id to whoever runs Lots."
                    ),
                );
                self.send(None, msg, reply).await
            }
        }
    }

    /// Hands a reaction to the plugin that sent the event reacted on.
    pub async fn handle_reaction(&self, reaction: &Reaction) {
        if self.access.role_of(&reaction.sender).is_none() {
            return;
        }
        let sent = match self.ctx.db.sent(&reaction.target) {
            Ok(Some(sent)) => sent,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(error = %chain(&e), "looking up a reacted-on event");
                return;
            }
        };
        match self.ctx.db.claim_event(&reaction.id) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                tracing::error!(error = %chain(&e), "could not record the reaction as handled");
            }
        }
        let (plugin, meta) = sent;
        let Some(p) = self.plugins.iter().find(|p| p.name() == plugin) else {
            return;
        };
        if let Err(e) = p.on_reaction(&self.ctx, reaction, &meta).await {
            let error = match e {
                PluginError::User { en, .. } => en,
                PluginError::Internal(e) => chain(&*e),
            };
            tracing::error!(incident = %incident_id(), plugin, %error, "handling a reaction");
        }
    }

    /// `!fråga <text>` and the like: the text as a message addressed to Lots.
    fn free_text_command(
        &self,
        command: Option<&(String, &str)>,
        msg: &Message,
    ) -> Option<Message> {
        let (alias, args) = command?;
        let spec = self
            .ctx
            .commands
            .iter()
            .find(|spec| spec.aliases().any(|(a, _)| alias_matches(alias, a)))?;
        (spec.free_text && !args.is_empty()).then(|| Message {
            body: (*args).to_owned(),
            addressed: true,
            ..msg.clone()
        })
    }

    async fn send(&self, plugin: Option<&str>, msg: &Message, reply: Reply) -> Outcome {
        match self.ctx.port.reply(msg, &reply).await {
            Ok(id) => {
                if let (Some(plugin), Some(meta)) = (plugin, &reply.meta)
                    && let Err(e) = self.ctx.db.remember_sent(&id, plugin, meta)
                {
                    log_db(&e);
                }
                Outcome::Replied
            }
            Err(e) => {
                tracing::error!(room = %msg.room, error = %e, "could not send a reply");
                Outcome::SendFailed
            }
        }
    }
}

fn log_db(e: &DbError) {
    tracing::error!(error = %chain(e), "database");
}

fn user_reply(lang: Lang, sv: &str, en: &str) -> Reply {
    Reply::text(if lang == Lang::Sv { sv } else { en })
}

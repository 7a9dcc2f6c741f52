//! The guidance plugin: answers questions from the indexed guidance — free text in a direct
//! chat or when Lots is mentioned, and `!fråga`/`!ask` anywhere — and records 👍/👎 on its
//! answers (a hash of the question, the section, the vote and the time; never who voted).

mod admin;
pub mod curator;
mod feedback;
pub mod grammar;
pub mod render;
mod upload;
pub mod versions;
mod watch;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use lots_knowledge::analysis::Lang;
use lots_knowledge::{Answerer, Answers, Asker};

use crate::chat::{Message, Reaction};
use crate::command::{CommandSpec, Invocation};
use crate::error::PluginError;
use crate::plugin::{Background, Context, Plugin};
use crate::reply::Reply;
use crate::role::Role;

pub use curator::{Curator, CuratorConfig, FolderCheck, Loaded};
pub use upload::FILE_WINDOW;

pub use feedback::{Feedback, Vote, all as all_feedback, disliked_since, gaps_since};
pub use render::{citation, render};

/// Bytes as lower-case hex (content hashes of stored files, question hashes).
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Longest question answered, in characters.
const MAX_QUESTION: usize = 2_000;

/// The answerer in use; admins replace it when they load new guidance.
#[derive(Clone)]
pub struct Library(Arc<RwLock<Arc<Answerer>>>);

impl Library {
    /// A library serving `answerer`.
    pub fn new(answerer: Answerer) -> Self {
        Library(Arc::new(RwLock::new(Arc::new(answerer))))
    }

    /// The answerer now in use.
    pub fn current(&self) -> Arc<Answerer> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Serve `answerer` from now on; questions already being answered finish on the old one.
    pub fn replace(&self, answerer: Answerer) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(answerer);
    }
}

/// How the guidance plugin behaves (`[plugins.guidance]`).
#[derive(Debug, Clone)]
pub struct GuidanceSettings {
    /// Where problems with the guidance folders are reported, if anywhere.
    pub admin_room: Option<String>,
    /// Largest file an admin can load.
    pub max_upload_bytes: u64,
    /// Unanswered questions are kept this many days, then deleted.
    pub gaps_retention_days: i64,
    /// How often the guidance folders are checked for changes.
    pub watch_interval: Duration,
}

impl Default for GuidanceSettings {
    fn default() -> Self {
        GuidanceSettings {
            admin_room: None,
            max_upload_bytes: 10_000_000,
            gaps_retention_days: 90,
            watch_interval: Duration::from_secs(10),
        }
    }
}

/// Answers from the guidance; lets admins change it.
pub struct GuidancePlugin {
    curator: Arc<Curator>,
    settings: GuidanceSettings,
    recent: upload::RecentFiles,
    watcher: Background,
}

impl GuidancePlugin {
    /// A plugin answering from what `curator` serves.
    pub fn new(curator: Arc<Curator>, settings: GuidanceSettings) -> Self {
        GuidancePlugin {
            curator,
            settings,
            recent: upload::RecentFiles::default(),
            watcher: Background::new(),
        }
    }

    async fn answer(
        &self,
        ctx: &Context,
        msg: &Message,
        question: &str,
    ) -> Result<Reply, PluginError> {
        let question = question.trim();
        if question.chars().count() > MAX_QUESTION {
            return Err(PluginError::user(
                format!(
                    "Frågan är för lång för mig (högst {MAX_QUESTION} tecken). Försök korta den."
                ),
                format!(
                    "The question is too long for me (at most {MAX_QUESTION} characters). Please shorten it."
                ),
            ));
        }
        // The place: named in the question (the answerer finds it), else the room's, else the
        // asker's own default.
        let place = ctx
            .db
            .place_for(&msg.room, &msg.sender)
            .map_err(|e| PluginError::internal("reading the place setting", e))?;
        let answerer = self.curator.library().current();
        let q = question.to_owned();
        let answers: Answers = tokio::task::spawn_blocking(move || {
            let asker = Asker {
                municipality: place.as_deref(),
            };
            answerer.answer(&q, asker, crate::today())
        })
        .await
        .map_err(|e| PluginError::internal("answering a question", e))?
        .map_err(|e| PluginError::internal("searching the guidance", e))?;
        if answers.no_answer
            && answers.decline != Some(lots_knowledge::Decline::SmallTalk)
            && let Err(e) = feedback::record_gap(
                &ctx.db,
                question,
                answers.lang.code(),
                self.settings.gaps_retention_days,
            )
        {
            tracing::error!(error = %crate::error::chain(&e), "recording an unanswered question");
        }
        let reply = render(&answers);
        // A question with an identity number is answered, with a warning, and nothing of it
        // is kept: not as a gap (record_gap refuses it), not even as a hash for feedback.
        if crate::privacy::contains_identity_number(question) {
            return Ok(reply.after(identity_number_warning(answers.lang == Lang::Sv)));
        }
        Ok(match answers.best() {
            Some(best) => reply.with_meta(feedback::meta(question, best)),
            None => reply,
        })
    }
}

#[async_trait]
impl Plugin for GuidancePlugin {
    fn name(&self) -> &'static str {
        "guidance"
    }

    fn commands(&self) -> Vec<CommandSpec> {
        vec![
            CommandSpec {
                name: "ask",
                sv: &["fråga"],
                en: &["ask"],
                usage_sv: "<fråga>",
                usage_en: "<question>",
                help_sv: "svarar ur vägledningen och anger källan",
                help_en: "answers from the guidance and cites the source",
                role: Role::Staff,
                free_text: true,
            },
            CommandSpec {
                name: "guidance",
                sv: &["vägledning"],
                en: &["guidance"],
                usage_sv: "status | lista | visa <id> | lägg till [--titel … --språk … --kommun … --region … --källa …] | ta bort <id> | versioner | återställ <version> | logg | luckor [dagar]",
                usage_en: "status | list | show <id> | add [--title … --lang … --municipality … --region … --source …] | remove <id> | versions | rollback <version> | log | gaps [days]",
                help_sv: "vilken vägledning Lots svarar ur; läs in en fil du just skickat, ta bort, återställ; vad personalen frågat som den inte kunde besvara",
                help_en: "which guidance Lots answers from; load a file you just sent, remove, roll back; what staff asked that it could not answer",
                role: Role::Admin,
                free_text: false,
            },
        ]
    }

    async fn on_start(&self, ctx: &Context) -> Result<(), PluginError> {
        feedback::migrate(&ctx.db).map_err(|e| PluginError::internal("feedback tables", e))?;
        let rejected = self.curator.startup_rejections();
        if !rejected.is_empty() {
            tracing::warn!(rejected = ?rejected, "guidance files left out at start");
            watch::report(&*ctx.port, self.settings.admin_room.as_deref(), rejected).await;
        }
        let (curator, port) = (self.curator.clone(), ctx.port.clone());
        let (room, interval) = (
            self.settings.admin_room.clone(),
            self.settings.watch_interval,
        );
        self.watcher
            .spawn(move |stop| watch::watch(curator, port, room, interval, stop));
        Ok(())
    }

    async fn on_shutdown(&self, _ctx: &Context) {
        self.watcher.stop().await;
    }

    async fn on_file(&self, _ctx: &Context, msg: &Message, role: Role) {
        // Only admins load guidance; nobody else's file (or its key) is kept.
        if role >= Role::Admin {
            self.recent.remember(msg);
        }
    }

    async fn on_command(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        if inv.command == "guidance" {
            return admin::command(self, ctx, inv).await;
        }
        if inv.args.is_empty() {
            return Err(PluginError::user(
                "Skriv frågan efter kommandot, till exempel: !fråga Hur lång är betänketiden?",
                "Write the question after the command, for example: !ask Who appoints injured-party counsel?",
            ));
        }
        self.answer(ctx, inv.msg, inv.args).await
    }

    async fn on_message(&self, ctx: &Context, msg: &Message) -> Result<Option<Reply>, PluginError> {
        if !msg.addressed || msg.body.trim().is_empty() {
            return Ok(None);
        }
        self.answer(ctx, msg, &msg.body).await.map(Some)
    }

    async fn on_reaction(
        &self,
        ctx: &Context,
        reaction: &Reaction,
        meta: &str,
    ) -> Result<(), PluginError> {
        let Some(vote) = Vote::from_key(&reaction.key) else {
            return Ok(());
        };
        feedback::record(&ctx.db, meta, vote)
            .map_err(|e| PluginError::internal("recording feedback", e))
    }
}

/// Said before the answer to a question that holds a personal identity number.
fn identity_number_warning(sv: bool) -> &'static str {
    if sv {
        "**Din fråga innehåller något som ser ut som ett personnummer.** Jag sparar inget av \
         frågan, men skriv inte personnummer här: rummet och dess historik når fler än dig. \
         Använd ett ärendenummer."
    } else {
        "**Your question holds what looks like a Swedish personal identity number.** I keep \
         nothing of the question, but do not write identity numbers here: the room and its \
         history reach more people than you. Use a case reference."
    }
}

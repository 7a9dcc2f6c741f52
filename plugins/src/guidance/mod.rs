//! The guidance plugin: answers questions from the indexed guidance — free text in a direct
//! chat or when Lots is mentioned, and `!fråga`/`!ask` anywhere — and records 👍/👎 on its
//! answers (a hash of the question, the section, the vote and the time; never who voted).

mod admin;
mod feedback;
pub mod render;
pub mod watch;

use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use lots_knowledge::{Answerer, Answers, Asker};

use crate::chat::{Message, Reaction};
use crate::command::{CommandSpec, Invocation};
use crate::error::PluginError;
use crate::plugin::{Context, Plugin};
use crate::reply::Reply;
use crate::role::Role;

pub use feedback::{
    Feedback, GAPS_RETENTION_DAYS, Vote, all as all_feedback, disliked_since, gaps_since,
};
pub use render::{citation, render};

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

/// Answers from the guidance.
pub struct GuidancePlugin {
    library: Library,
}

impl GuidancePlugin {
    /// A plugin answering from `library`.
    pub fn new(library: Library) -> Self {
        GuidancePlugin { library }
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
        let answerer = self.library.current();
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
            && let Err(e) = feedback::record_gap(&ctx.db, question, answers.lang.code())
        {
            tracing::error!(error = %crate::error::chain(&e), "recording an unanswered question");
        }
        let reply = render(&answers);
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
                usage_sv: "status | lista | visa <id> | luckor [dagar]",
                usage_en: "status | list | show <id> | gaps [days]",
                help_sv: "vilken vägledning Lots svarar ur, och vad personalen frågat som den inte kunde besvara",
                help_en: "which guidance Lots answers from, and what staff asked that it could not answer",
                role: Role::Admin,
                free_text: false,
            },
        ]
    }

    async fn on_start(&self, ctx: &Context) -> Result<(), PluginError> {
        feedback::migrate(&ctx.db).map_err(|e| PluginError::internal("feedback tables", e))
    }

    async fn on_command(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        if inv.command == "guidance" {
            return admin::command(&self.library, ctx, inv);
        }
        if inv.args.is_empty() {
            return Err(PluginError::user(
                "Skriv frågan efter kommandot, till exempel: !fråga Hur lång är betänketiden?",
                "Write the question after the command, for example: !ask How long is the reflection period?",
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

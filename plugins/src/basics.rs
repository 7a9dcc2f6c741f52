//! `!hjälp`/`!help`, generated from the registered commands and the asker's role, and
//! `!ping`, which answers `pong` at once: a health check for staff and the latency floor in
//! benchmarks.

use async_trait::async_trait;
use lots_knowledge::analysis::Lang;

use crate::command::{CommandSpec, Invocation};
use crate::error::PluginError;
use crate::plugin::{Context, Plugin};
use crate::reply::Reply;
use crate::role::Role;

/// Help and ping.
pub struct Basics;

#[async_trait]
impl Plugin for Basics {
    fn name(&self) -> &'static str {
        "basics"
    }

    fn commands(&self) -> Vec<CommandSpec> {
        vec![
            CommandSpec {
                name: "help",
                sv: &["hjälp"],
                en: &["help"],
                usage_sv: "",
                usage_en: "",
                help_sv: "visar vad jag kan",
                help_en: "shows what I can do",
                role: Role::Staff,
                free_text: false,
            },
            CommandSpec {
                name: "ping",
                sv: &["ping"],
                en: &["ping"],
                usage_sv: "",
                usage_en: "",
                help_sv: "svarar pong – så ser du att jag är igång",
                help_en: "answers pong, so you know I am running",
                role: Role::Staff,
                free_text: false,
            },
        ]
    }

    async fn on_command(&self, ctx: &Context, inv: Invocation<'_>) -> Result<Reply, PluginError> {
        match inv.command {
            "ping" => Ok(Reply::text("pong")),
            _ => Ok(help(&ctx.commands, inv.role, inv.lang)),
        }
    }
}

/// The help text for `role`, in `lang`: only the commands the asker may use.
pub fn help(commands: &[CommandSpec], role: Role, lang: Lang) -> Reply {
    let sv = lang == Lang::Sv;
    let mut out = String::from(if sv {
        "**Lots** svarar på frågor om stöd till utsatta för människohandel, ur vägledningen, och anger källan. \
         Skriv din fråga direkt till mig i ett privat samtal, eller nämn mig eller skriv !fråga i ett rum.\n"
    } else {
        "**Lots** answers questions about support for victims of human trafficking from the guidance, and cites \
         its source. Write your question to me in a direct chat, or mention me or write !ask in a room.\n"
    });
    for spec in commands.iter().filter(|c| c.role <= role) {
        let (aliases, usage, text) = if sv {
            (spec.sv, spec.usage_sv, spec.help_sv)
        } else {
            (spec.en, spec.usage_en, spec.help_en)
        };
        let Some(alias) = aliases.first() else {
            continue;
        };
        let usage = if usage.is_empty() {
            String::new()
        } else {
            format!(" {usage}")
        };
        out.push_str(&format!("\n**!{alias}**{usage} – {text}"));
    }
    out.push_str(if sv {
        "\n\nVid akut fara: ring 112."
    } else {
        "\n\nIn acute danger: call 112."
    });
    Reply::from_markdown(out)
}

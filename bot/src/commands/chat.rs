//! `lots chat`: the terminal adapter. The same plugins and framework as in Matrix, over the
//! local chat port; the person at the terminal is an admin of their own machine. Interactive
//! with a prompt on a terminal; line by line when piped (each line is a message, then exit).
//! `/fil PATH` (or `/file PATH`) sends a file, as an attachment would in Matrix, so
//! `!vägledning lägg till` can be tried here too.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use lots_plugins::guidance::{Curator, CuratorConfig, GuidancePlugin, GuidanceSettings};
use lots_plugins::local::LocalPort;
use lots_plugins::reminders::RemindersConfig;
use lots_plugins::routing::contacts::Directory;
use lots_plugins::{Access, Attachment, Framework, Message, builtin};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::run::open_db;
use super::{load_glossary, runtime};
use crate::cli::GuidanceArgs;

/// Who is typing, as far as the plugins know.
const LOCAL_USER: &str = "@du:localhost";
const ROOM: &str = "!terminal:localhost";

pub fn run(args: &GuidanceArgs) -> anyhow::Result<ExitCode> {
    let db = open_db(&args.data_dir)?;
    let curator = Curator::open(
        CuratorConfig {
            dirs: args.guidance.clone(),
            data_dir: args.data_dir.clone(),
            glossary: load_glossary(args.glossary.as_deref())?,
            semantics: super::model::open_semantics(&args.model)?,
            ranking: super::load_ranking(args.ranking.as_deref())?,
        },
        db.clone(),
    )?;
    for rejected in curator.startup_rejections() {
        eprintln!("skipped {rejected}");
    }
    let guidance = GuidancePlugin::new(Arc::new(curator), GuidanceSettings::default());
    runtime()?.block_on(chat(db, guidance))?;
    Ok(ExitCode::SUCCESS)
}

async fn chat(db: lots_plugins::Db, guidance: GuidancePlugin) -> anyhow::Result<()> {
    let port = Arc::new(LocalPort::echoing(Box::new(std::io::stdout())));
    let access = Access {
        allowed_servers: vec!["localhost".into()],
        admins: vec![LOCAL_USER.into()],
        coordinators: vec![],
        require_encryption: false,
        messages_per_minute: u32::MAX - 1,
    };
    let framework = Framework::new(
        builtin(
            guidance,
            RemindersConfig::default(),
            Directory::embedded(&lots_knowledge::Places::embedded()),
            std::time::Duration::from_secs(4 * 3600),
        ),
        access,
        db,
        port.clone(),
    )?;
    framework.start().await.map_err(anyhow::Error::msg)?;
    let interactive = std::io::stdin().is_terminal();
    let mut stdout = tokio::io::stdout();
    if interactive {
        stdout
            .write_all(
                "Lots i terminalen. Ställ en fråga, eller skriv !hjälp. Avsluta med Ctrl-D.\n\n"
                    .as_bytes(),
            )
            .await?;
    }
    let session = jiff::Timestamp::now().as_nanosecond();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut n = 0u64;
    loop {
        if interactive {
            stdout.write_all(b"> ").await?;
            stdout.flush().await?;
        }
        let Some(line) = lines.next_line().await.context("reading stdin")? else {
            break;
        };
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        n += 1;
        let mut msg = Message {
            id: format!("$tty-{session}-{n}"),
            room: ROOM.into(),
            sender: LOCAL_USER.into(),
            body: body.to_owned(),
            addressed: true,
            direct: true,
            ..Message::default()
        };
        if let Some(path) = body
            .strip_prefix("/fil ")
            .or_else(|| body.strip_prefix("/file "))
        {
            let path = std::path::Path::new(path.trim());
            let Ok(meta) = std::fs::metadata(path) else {
                stdout
                    .write_all(format!("Hittar ingen fil {}.\n\n", path.display()).as_bytes())
                    .await?;
                continue;
            };
            msg.body.clear();
            msg.attachment = Some(Attachment {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                size: Some(meta.len()),
                handle: path.display().to_string(),
            });
            port.saw(&msg);
        }
        framework.handle_message(&msg).await;
    }
    framework.shutdown().await;
    Ok(())
}

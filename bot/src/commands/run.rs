//! `lots run --config FILE`: the Matrix bot.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use lots_plugins::Db;
use lots_plugins::guidance::{Curator, CuratorConfig, GuidancePlugin};

use super::{load_glossary, runtime};
use crate::config::Config;

pub fn run(path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(path)?;
    let db = open_db(&config.data_dir)?;
    let curator = Curator::open(
        CuratorConfig {
            dirs: config.guidance.dirs.clone(),
            data_dir: config.data_dir.clone(),
            glossary: load_glossary(config.guidance.glossary.as_deref())?,
            semantics: super::model::open_semantics(&crate::cli::ModelArgs {
                model: config.knowledge.model.clone(),
                cache_dir: config.knowledge.cache_dir.clone(),
            })?,
            ranking: super::load_ranking(config.knowledge.ranking.as_deref())?,
        },
        db.clone(),
    )?;
    let guidance = GuidancePlugin::new(Arc::new(curator), config.plugins.guidance.settings());
    runtime()?.block_on(crate::matrix::run(config, db, guidance))?;
    Ok(ExitCode::SUCCESS)
}

/// Lots's own database in `data_dir`, created with the (private) folder if needed; refused
/// when it was lost while the rest of Lots's state is still there.
pub fn open_db(data_dir: &Path) -> anyhow::Result<Db> {
    let path = crate::data_dir::prepare(data_dir)?;
    Db::open(&path).with_context(|| format!("opening {}", path.display()))
}

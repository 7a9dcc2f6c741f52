//! `lots run --config FILE`: the Matrix bot.

use std::path::Path;
use std::process::ExitCode;

use lots_plugins::guidance::Library;
use lots_plugins::guidance::watch::Watcher;

use super::{load_glossary, open_answerer, runtime};
use crate::cli::GuidanceArgs;
use crate::config::Config;

pub fn run(path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(path)?;
    let (answerer, _) = open_answerer(&GuidanceArgs {
        guidance: config.guidance.dirs.clone(),
        glossary: config.guidance.glossary.clone(),
        data_dir: config.data_dir.clone(),
    })?;
    let library = Library::new(answerer);
    let watcher = Watcher::new(
        config.guidance.dirs.clone(),
        config.data_dir.join("index"),
        load_glossary(config.guidance.glossary.as_deref())?,
        library.clone(),
    );
    runtime()?.block_on(crate::matrix::run(config, library, watcher))?;
    Ok(ExitCode::SUCCESS)
}

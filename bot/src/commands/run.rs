//! `lots run --config FILE`: the Matrix bot.

use std::path::Path;
use std::process::ExitCode;

use lots_plugins::guidance::Library;

use super::{open_answerer, runtime};
use crate::cli::GuidanceArgs;
use crate::config::Config;

pub fn run(path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(path)?;
    let (answerer, _) = open_answerer(&GuidanceArgs {
        guidance: config.guidance.dirs.clone(),
        glossary: config.guidance.glossary.clone(),
        data_dir: config.data_dir.clone(),
    })?;
    runtime()?.block_on(crate::matrix::run(config, Library::new(answerer)))?;
    Ok(ExitCode::SUCCESS)
}

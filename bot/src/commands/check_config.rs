//! `lots check-config FILE`: validates the configuration and loads its guidance, without
//! connecting anywhere. Exit 0 when Lots would start, 1 with the reason when not.

use std::path::Path;
use std::process::ExitCode;

use lots_knowledge::{Places, load_dirs};

use crate::config::Config;

pub fn run(path: &Path) -> ExitCode {
    let config = match Config::load(path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = load_dirs(&config.guidance.dirs, &Places::embedded());
    for rejection in &report.rejected {
        eprintln!("warning: guidance file skipped: {rejection}");
    }
    if report.documents.is_empty() {
        eprintln!("error: guidance.dirs: no guidance could be loaded");
        return ExitCode::FAILURE;
    }
    println!(
        "ok: {} as {}, data in {}, {} guidance documents ({} skipped)",
        config.matrix.homeserver,
        config.matrix.user,
        config.data_dir.display(),
        report.documents.len(),
        report.rejected.len()
    );
    ExitCode::SUCCESS
}

//! `lots guidance check`: the load report of guidance folders, for the people who write them.

use std::path::PathBuf;
use std::process::ExitCode;

use lots_knowledge::{Places, load_dirs};

pub fn check(dirs: &[PathBuf]) -> ExitCode {
    let report = load_dirs(dirs, &Places::embedded());
    for doc in &report.documents {
        println!(
            "ok       {} ({}, {} sections)",
            doc.path.display(),
            doc.id,
            doc.sections.len()
        );
    }
    for rejection in &report.rejected {
        println!("REJECTED {rejection}");
    }
    println!(
        "{} documents, {} sections loaded; {} rejected",
        report.documents.len(),
        report.section_count(),
        report.rejected.len()
    );
    if report.is_clean() && !report.documents.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

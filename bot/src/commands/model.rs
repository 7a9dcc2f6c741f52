//! The semantic model for every command: resolved, fetched on first use with a progress bar,
//! loaded; and the commands that work with it directly (`embed`, `model install`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use lots_knowledge::embed::Role;
use lots_knowledge::embed::install::{self, Progress};
use lots_knowledge::vectors::{EmbedProgress, Semantics};

use crate::cli::ModelArgs;

/// The cache dir: the flag or config key, else the per-user default.
pub fn cache_dir(configured: Option<&Path>) -> anyhow::Result<PathBuf> {
    match configured {
        Some(dir) => Ok(dir.to_owned()),
        None => Ok(install::default_cache_dir()?),
    }
}

/// The model and vector cache, ready (fetching the model the first time), with progress shown
/// as bars on a terminal and as log lines otherwise.
pub fn open_semantics(args: &ModelArgs) -> anyhow::Result<Semantics> {
    let cache = cache_dir(args.cache_dir.as_deref())?;
    let mut download = Shown::new("model", false);
    let semantics = Semantics::open(args.model.as_deref(), &cache, &mut download)?;
    Ok(
        semantics.with_progress(Arc::new(EmbeddingShown(Mutex::new(Shown::new(
            "sections", true,
        ))))),
    )
}

/// Progress on stderr: a bar on a terminal, a log line every tenth otherwise.
struct Shown {
    what: &'static str,
    /// Whether to log progress when there is no terminal (the installer logs its own).
    log_lines: bool,
    bar: Option<ProgressBar>,
    total: Option<u64>,
    done: u64,
    last_tenth: u64,
}

impl Shown {
    fn new(what: &'static str, log_lines: bool) -> Self {
        Self {
            what,
            log_lines,
            bar: None,
            total: None,
            done: 0,
            last_tenth: 0,
        }
    }

    fn begin(&mut self, message: &str, total: Option<u64>, bytes: bool) {
        self.total = total;
        self.done = 0;
        self.last_tenth = 0;
        if std::io::stderr().is_terminal() {
            let bar = total.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
            let template = if bytes {
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})"
            } else {
                "{msg} [{bar:30}] {pos}/{len} ({eta})"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(message.to_owned());
            self.bar = Some(bar);
        } else if self.log_lines {
            tracing::info!(what = self.what, total, "{message}");
        }
    }

    fn set(&mut self, done: u64) {
        self.done = done;
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        } else if let Some(total) = self.total.filter(|&t| t > 0 && self.log_lines) {
            let tenth = done * 10 / total;
            if tenth > self.last_tenth {
                self.last_tenth = tenth;
                tracing::info!(what = self.what, done, total, "{} % done", tenth * 10);
            }
        }
    }

    fn end(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Shown {
    fn start(&mut self, what: &str, total: Option<u64>) {
        self.begin(what, total, true);
    }
    fn advance(&mut self, bytes: u64) {
        self.set(self.done + bytes);
    }
    fn finish(&mut self) {
        self.end();
    }
}

/// Progress of embedding sections.
struct EmbeddingShown(Mutex<Shown>);

impl EmbedProgress for EmbeddingShown {
    fn embedded(&self, done: usize, total: usize) {
        let mut shown = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if shown.total != Some(total as u64) || done == 0 {
            shown.begin(
                "embedding guidance sections (once; cached after)",
                Some(total as u64),
                false,
            );
        }
        shown.set(done as u64);
        if done >= total {
            shown.end();
            shown.total = None;
        }
    }
}

/// `lots embed [--passage]`: one JSON array per line of stdin.
pub fn embed(passage: bool, args: &ModelArgs) -> anyhow::Result<ExitCode> {
    let semantics = open_semantics(args)?;
    let role = if passage { Role::Passage } else { Role::Query };
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line.context("reading stdin")?;
        let text = lots_knowledge::vectors::query_text(&line);
        let vector = semantics
            .embedder()
            .embed(&[text.as_str()], role)
            .pop()
            .unwrap_or_default();
        serde_json::to_writer(&mut out, &vector).context("writing stdout")?;
        writeln!(out).context("writing stdout")?;
    }
    out.flush().context("writing stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// `lots model install FILE`.
pub fn install(file: &Path, cache_dir_flag: Option<&Path>) -> anyhow::Result<ExitCode> {
    let cache = cache_dir(cache_dir_flag)?;
    let path = install::install_from_file(file, &cache)?;
    println!("model installed: {}", path.display());
    Ok(ExitCode::SUCCESS)
}

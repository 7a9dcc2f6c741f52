//! The subcommands, and the shared step of turning guidance folders into an [`Answerer`].

mod ask;
mod bench;
mod bench_reminders;
mod chat;
mod check_config;
mod eval;
mod fit;
mod guidance;
mod model;
mod run;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use lots_knowledge::{
    Answerer, Glossary, GuidanceIndex, LoadReport, Places, RankingModel, load_dirs,
};

use crate::cli::{Command, GuidanceArgs, GuidanceCommand, ModelCommand};

/// The glossary admins edit, used when present.
const CONFIG_GLOSSARY: &str = "config/glossary.toml";

/// Runs one subcommand.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run { config } => run::run(&config),
        Command::CheckConfig { config } => Ok(check_config::run(&config)),
        Command::Chat { guidance } => chat::run(&guidance),
        Command::Ask {
            guidance,
            municipality,
            json,
            question,
        } => ask::run(&guidance, municipality.as_deref(), json, question),
        Command::Eval {
            guidance,
            questions,
            folds,
            ablate,
            precision,
        } => eval::run(
            &guidance,
            &questions,
            folds.map(usize::from),
            &ablate,
            precision,
        ),
        Command::Fit {
            guidance,
            questions,
            out,
            precision,
            ablate,
        } => fit::run(&guidance, &questions, &out, precision, &ablate),
        Command::Guidance {
            command: GuidanceCommand::Check { dirs },
        } => Ok(guidance::check(&dirs)),
        Command::Embed { passage, model } => model::embed(passage, &model),
        Command::Model {
            command: ModelCommand::Install { file, cache_dir },
        } => model::install(&file, cache_dir.as_deref()),
        Command::Bench {
            sections,
            queries,
            model,
        } => bench::run(sections, queries, &model),
        Command::BenchEmbed {
            texts,
            rounds,
            model,
        } => bench::embedder(&texts, rounds, &model),
        Command::BenchReminders { count, due } => bench_reminders::run(count, due),
    }
}

/// Loads the guidance, reports rejected files on stderr, builds the index in the data dir
/// (atomically replacing the previous one) and returns an answerer over it.
fn open_answerer(args: &GuidanceArgs) -> anyhow::Result<(Answerer, LoadReport)> {
    let places = Places::embedded();
    let glossary = load_glossary(args.glossary.as_deref())?;
    let report = load_dirs(&args.guidance, &places);
    for rejection in &report.rejected {
        eprintln!("skipped {rejection}");
    }
    if report.documents.is_empty() {
        let dirs: Vec<_> = args
            .guidance
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        bail!(
            "no guidance loaded from {}; check the folder with `lots guidance check`",
            dirs.join(", ")
        );
    }
    let semantics = model::open_semantics(&args.model)?;
    let root = args.data_dir.join("index");
    let index = GuidanceIndex::build_on_disk(&root, &report.documents, &semantics)
        .with_context(|| format!("building the search index in {}", root.display()))?;
    tracing::info!(
        documents = report.documents.len(),
        sections = index.section_count(),
        embedded = index.embed_counts().embedded,
        "guidance indexed"
    );
    let answerer = Answerer::new(index, glossary, places, &semantics)
        .context("preparing the answerer")?
        .with_model(load_ranking(args.ranking.as_deref())?);
    Ok((answerer, report))
}

/// The ranking model at `path`, else the shipped one.
fn load_ranking(path: Option<&Path>) -> anyhow::Result<RankingModel> {
    match path {
        Some(p) => Ok(RankingModel::from_file(p)?),
        None => Ok(RankingModel::embedded()),
    }
}

fn load_glossary(path: Option<&Path>) -> anyhow::Result<Glossary> {
    match path {
        Some(p) => Ok(Glossary::from_file(p)?),
        None if Path::new(CONFIG_GLOSSARY).exists() => {
            Ok(Glossary::from_file(Path::new(CONFIG_GLOSSARY))?)
        }
        None => Ok(Glossary::embedded()),
    }
}

/// Today in Sweden, for review dates.
fn today() -> jiff::civil::Date {
    lots_plugins::today()
}

/// The async runtime for the commands that chat.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

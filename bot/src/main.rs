//! `lots`: the Lots command line. Wires configuration, guidance and plugins to an adapter.

mod cli;
mod commands;
mod config;
mod logging;
mod matrix;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    logging::init(cli.verbose, cli.log_format);
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

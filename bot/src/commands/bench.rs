//! `lots bench`: placeholder replaced below.
use std::process::ExitCode;
pub fn run(_sections: usize, _queries: usize) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}

//! The harness of Lots's end-to-end tests: a real Synapse ([`synapse`]), the real `lots`
//! binary ([`bot`]) and real, end-to-end-encrypting Matrix users ([`user`]).
//!
//! Synapse comes from PyPI, installed by the harness itself into a cached virtual environment
//! under the target directory on first use; each instance runs on a free loopback port with
//! SQLite and open registration, and is stopped when dropped (the one shared by a test process
//! is stopped by a watchdog when that process ends).
#![warn(missing_docs)]

pub mod bot;
pub mod synapse;
pub mod user;

use std::path::PathBuf;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_owned()
}

/// The directory of the running profile (`target/debug`), where the `lots` binary is built.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the running binary's path");
    // Tests run as target/<profile>/deps/e2e-…, binaries as target/<profile>/matrix-bench.
    let dir = exe.parent().expect("a binary lives in a folder");
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir.parent().expect("deps/ has a parent").to_owned()
    } else {
        dir.to_owned()
    }
}

/// The target directory (`target/`), for caches such as the Synapse environment.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

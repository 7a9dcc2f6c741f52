//! Lots's data folder: readable by Lots's own user alone, and never silently started afresh.
//!
//! The process runs with umask 0077, so every file Lots, SQLite or the Matrix store creates is
//! private whatever the operator's umask; at each start the folder itself is made 0700 and
//! anything in it that an older Lots or a copy left readable by others is made 0600 (0700 for
//! folders). Symbolic links are left as they are and not followed.
//!
//! A database that is missing or empty while the rest of Lots's state is there (the Matrix
//! store, uploaded guidance) is not a first start: reminders, reflection periods and
//! the audit log would be gone without a word. Such a folder is refused with what to do.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Lots's own database, in the data folder.
pub const DATABASE: &str = "lots.sqlite3";

/// What lives next to the database and cannot be rebuilt from the guidance folders: the Matrix
/// device and its keys, and guidance uploaded in chat. (The index can: `lots ask` and `lots eval`
/// build one in a data folder that has no database.)
const OTHER_STATE: &[&str] = &["matrix", "guidance"];

/// Makes every file this process creates readable by its owner alone.
pub fn restrict_new_files() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Creates `dir` (0700) or makes it and what it holds private, then checks that its database
/// was not lost. Returns the database's path.
pub fn prepare(dir: &Path) -> anyhow::Result<PathBuf> {
    lots_knowledge::files::create_private_dir_all(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    make_private(dir).with_context(|| format!("making {} private", dir.display()))?;
    let database = dir.join(DATABASE);
    refuse_lost_database(dir, &database)?;
    Ok(database)
}

/// Folders 0700 and files 0600, all the way down; links untouched.
fn make_private(path: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o777 != want {
            fs::set_permissions(path, fs::Permissions::from_mode(want))?;
        }
    }
    if meta.is_dir() {
        for entry in fs::read_dir(path)? {
            make_private(&entry?.path())?;
        }
    }
    Ok(())
}

fn refuse_lost_database(dir: &Path, database: &Path) -> anyhow::Result<()> {
    let lost = match fs::metadata(database) {
        Ok(meta) => meta.len() == 0,
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => return Err(e).with_context(|| format!("reading {}", database.display())),
    };
    let others: Vec<&str> = OTHER_STATE
        .iter()
        .copied()
        .filter(|name| dir.join(name).exists())
        .collect();
    if lost && !others.is_empty() {
        bail!(
            "{} is missing or empty, but {} holds Lots's other state ({}): the reminders, \
             reflection periods, city settings, guidance versions and audit log it held would be \
             lost. Restore {DATABASE} from a backup; or, to start afresh on purpose, move {} out \
             of {} first.",
            database.display(),
            dir.display(),
            others.join(", "),
            others.join(", "),
            dir.display(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_left_readable_is_made_private_and_links_are_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        fs::create_dir_all(dir.join("matrix/store")).unwrap();
        fs::write(dir.join(DATABASE), b"not empty").unwrap();
        fs::write(dir.join("matrix/store/matrix-sdk-crypto.sqlite3"), b"x").unwrap();
        let outside = tmp.path().join("outside");
        fs::write(&outside, b"someone else's").unwrap();
        fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("link")).unwrap();
        for p in [&dir, &dir.join("matrix"), &dir.join("matrix/store")] {
            fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
        }
        for p in [
            dir.join(DATABASE),
            dir.join("matrix/store/matrix-sdk-crypto.sqlite3"),
        ] {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        }

        assert_eq!(prepare(&dir).unwrap(), dir.join(DATABASE));
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("matrix/store")), 0o700);
        assert_eq!(mode(&dir.join(DATABASE)), 0o600);
        assert_eq!(
            mode(&dir.join("matrix/store/matrix-sdk-crypto.sqlite3")),
            0o600
        );
        assert_eq!(
            mode(&outside),
            0o644,
            "a link is not followed out of the folder"
        );
    }

    #[test]
    fn a_lost_database_beside_other_state_is_refused_and_a_new_folder_is_not() {
        let tmp = tempfile::tempdir().unwrap();
        let new = tmp.path().join("new");
        prepare(&new).unwrap();
        assert!(
            !new.join(DATABASE).exists(),
            "nothing is created but the folder"
        );

        let dir = tmp.path().join("data");
        fs::create_dir_all(dir.join("index")).unwrap();
        prepare(&dir).expect("an index alone is rebuilt, not state");
        fs::create_dir_all(dir.join("matrix")).unwrap();
        fs::create_dir_all(dir.join("guidance/files")).unwrap();
        let missing = prepare(&dir).unwrap_err().to_string();
        assert!(
            missing.contains("is missing or empty") && missing.contains("(matrix, guidance)"),
            "{missing}"
        );
        fs::write(dir.join(DATABASE), b"").unwrap();
        let empty = prepare(&dir).unwrap_err().to_string();
        assert!(
            empty.contains("Restore lots.sqlite3 from a backup"),
            "{empty}"
        );
        assert!(
            dir.join("index").exists() && dir.join("matrix").exists(),
            "nothing moved"
        );
    }
}

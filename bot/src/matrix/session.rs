//! The bot's Matrix identity: one device, kept for its whole life. The first start logs in with
//! the password, saves the session next to the encrypted store and bootstraps cross-signing;
//! every later start restores that session into the same store, so the device and its keys stay
//! the same (a fresh login with an old store, or an old session with a new store, would break
//! encryption — both are refused with a clear message instead).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use matrix_sdk::Client;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::encryption::EncryptionSettings;
use matrix_sdk::ruma::api::client::uiaa;

use crate::config::{Config, Secret};

/// Where the store and the session live under the data dir.
pub struct Paths {
    /// matrix-sdk's SQLite stores (encrypted with the passphrase).
    pub store: PathBuf,
    /// The saved session (user id, device id, access token); readable by the owner only.
    pub session: PathBuf,
}

impl Paths {
    /// The paths under `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        let dir = data_dir.join("matrix");
        Paths {
            store: dir.join("store"),
            session: dir.join("session.json"),
        }
    }
}

/// A logged-in client with its device's keys, ready to sync.
pub async fn connect(config: &Config) -> anyhow::Result<Client> {
    let paths = Paths::new(&config.data_dir);
    let passphrase = config
        .store_passphrase()
        .map_err(|(key, msg)| anyhow::anyhow!("{key}: {msg}"))?;
    let has_session = paths.session.exists();
    let has_store = paths.store.exists();
    if has_store && !has_session {
        bail!(
            "{} exists but {} does not: logging in again would create a new device that cannot read \
             this store. Restore session.json from a backup, or move the store away to start as a new device.",
            paths.store.display(),
            paths.session.display()
        );
    }
    if has_session && !has_store {
        bail!(
            "{} exists but the encrypted store {} is gone: its device keys are lost. Move session.json away \
             to log in as a new device.",
            paths.session.display(),
            paths.store.display()
        );
    }
    std::fs::create_dir_all(&paths.store)
        .with_context(|| format!("creating {}", paths.store.display()))?;
    let client = build_client(config, &paths.store, &passphrase).await?;
    if has_session {
        let text = std::fs::read_to_string(&paths.session)
            .with_context(|| format!("reading {}", paths.session.display()))?;
        let session: MatrixSession = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a saved session", paths.session.display()))?;
        if session.meta.user_id.as_str() != config.matrix.user {
            bail!(
                "{} belongs to {}, but matrix.user is {}",
                paths.session.display(),
                session.meta.user_id,
                config.matrix.user
            );
        }
        client
            .restore_session(session)
            .await
            .context("restoring the Matrix session")?;
        tracing::info!(device = %client.device_id().map(|d| d.to_string()).unwrap_or_default(), "session restored");
    } else {
        let password = config
            .password()
            .map_err(|(key, msg)| anyhow::anyhow!("{key}: {msg}"))?;
        client
            .matrix_auth()
            .login_username(&config.matrix.user, password.expose())
            .initial_device_display_name(&config.matrix.device_name)
            .send()
            .await
            .with_context(|| format!("logging in as {}", config.matrix.user))?;
        let session = client
            .matrix_auth()
            .session()
            .context("the homeserver returned no session")?;
        save_session(&paths.session, &session)?;
        tracing::info!(device = %session.meta.device_id, "logged in as a new device");
    }
    // Every start, not only the first: a crash between login and bootstrap must not leave
    // the device without cross-signing for good. Without anything to do it is a no-op.
    bootstrap_cross_signing(&client, config).await?;
    Ok(client)
}

async fn build_client(
    config: &Config,
    store: &Path,
    passphrase: &Secret,
) -> anyhow::Result<Client> {
    Client::builder()
        .homeserver_url(&config.matrix.homeserver)
        .sqlite_store(store, Some(passphrase.expose()))
        .with_encryption_settings(EncryptionSettings {
            auto_enable_cross_signing: false,
            ..Default::default()
        })
        .build()
        .await
        .with_context(|| format!("opening the Matrix store in {}", store.display()))
}

/// Writes the session atomically, readable by the owner only (it holds the access token).
fn save_session(path: &Path, session: &MatrixSession) -> anyhow::Result<()> {
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string(session).context("encoding the session")?;
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options
            .open(&tmp)
            .with_context(|| format!("writing {}", tmp.display()))?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .with_context(|| format!("writing {}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("saving {}", path.display()))
}

/// Creates the bot's cross-signing keys (if it has none) and signs its device with them;
/// when the homeserver wants the password again (user-interactive auth), it gets it.
async fn bootstrap_cross_signing(client: &Client, config: &Config) -> anyhow::Result<()> {
    let encryption = client.encryption();
    if let Err(e) = encryption.bootstrap_cross_signing_if_needed(None).await {
        let Some(response) = e.as_uiaa_response() else {
            return Err(e).context("bootstrapping cross-signing");
        };
        let password = config
            .password()
            .map_err(|(key, msg)| anyhow::anyhow!("{key}: {msg}"))?;
        let mut auth = uiaa::Password::new(
            uiaa::UserIdentifier::Matrix(uiaa::MatrixUserIdentifier::new(
                config.matrix.user.clone(),
            )),
            password.expose().to_owned(),
        );
        auth.session = response.session.clone();
        encryption
            .bootstrap_cross_signing(Some(uiaa::AuthData::Password(auth)))
            .await
            .context("bootstrapping cross-signing with the password")?;
    }
    tracing::info!("cross-signing ready");
    Ok(())
}

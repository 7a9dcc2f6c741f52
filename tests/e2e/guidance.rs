//! Admins change the guidance from an encrypted room: they upload a file (an encrypted
//! attachment), Lots loads it and answers from it right away; a PDF loaded by replying to it; a
//! broken file changes nothing; staff cannot load; rollback restores the earlier answer; a
//! restart keeps the active version; the gaps report lists what Lots could not answer.

use std::path::PathBuf;

use lots_tests::bot::{Bot, BotOptions};
use lots_tests::synapse::Synapse;
use lots_tests::user::User;
use matrix_sdk::room::Room;
use matrix_sdk::ruma::OwnedEventId;
use matrix_sdk::ruma::events::relation::{InReplyTo, Reply};
use matrix_sdk::ruma::events::room::MediaSource;
use matrix_sdk::ruma::events::room::message::{MessageType, Relation, RoomMessageEventContent};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
};

use crate::{REPLY, unique};

const TOLK_LUND: &str = "+++\nid = \"tolk-lund\"\ntitle = \"Tolk i Lund\"\nlang = \"sv\"\nsource = \"Lunds kommun\"\n+++\n\n## Beställa tolk till samtal\nTolk beställs via kommunens tolkcentral på 070-174 06 44 (exempelnummer), helst två dagar i förväg.\n";
const TOLK_Q: &str = "!fråga Hur beställer jag tolk till ett samtal?";

/// Sends `body` as a reply to `target` and returns the bot's reply.
async fn say_replying(
    user: &User,
    room: &Room,
    bot: &Bot,
    target: &OwnedEventId,
    body: &str,
) -> String {
    let mut content = RoomMessageEventContent::text_plain(body);
    content.relates_to = Some(Relation::Reply(Reply::new(InReplyTo::new(target.clone()))));
    let id = user.send_content(room, content).await;
    user.reply_to(&id, &bot.user_id, REPLY).await.body
}

/// The file message is an encrypted event, and its file is encrypted too (its source carries a
/// key), as clients send files in encrypted rooms.
async fn assert_encrypted_file(user: &User, room: &Room, event: &OwnedEventId) {
    let ev = user
        .own(room)
        .event(event, None)
        .await
        .expect("fetching the file event");
    assert!(
        ev.encryption_info().is_some(),
        "the file event is encrypted"
    );
    let Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
        SyncMessageLikeEvent::Original(msg),
    ))) = ev.raw().deserialize()
    else {
        panic!("not a room message")
    };
    let MessageType::File(file) = msg.content.msgtype else {
        panic!("not a file message")
    };
    assert!(
        matches!(file.source, MediaSource::Encrypted(_)),
        "the attachment is encrypted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_uploads_markdown_in_an_encrypted_room_and_staff_get_answers_from_it() {
    let hs = Synapse::shared();
    let anna = User::register(&hs.url, &unique("anna")).await;
    let bo = User::register(&hs.url, &unique("bo")).await;
    let bot = Bot::start(
        hs,
        &unique("lots"),
        BotOptions {
            admins: vec![anna.user_id.to_string()],
            ..BotOptions::default()
        },
    )
    .await;
    let room = anna.room(true, &[&bo], &bot.user_id).await;

    let before = bo.say(&room, TOLK_Q, &bot.user_id, REPLY).await.body;
    assert!(!before.contains("tolkcentral"), "{before}");

    // Staff cannot load guidance.
    bo.send_file(&room, "tolk-lund.md", "text/markdown", TOLK_LUND.into())
        .await;
    let refused = bo
        .say(&room, "!vägledning lägg till", &bot.user_id, REPLY)
        .await
        .body;
    assert!(refused.contains("rollen administratör"), "{refused}");

    // The admin's file, an encrypted attachment, then the command right after it.
    let file = anna
        .send_file(&room, "tolk-lund.md", "text/markdown", TOLK_LUND.into())
        .await;
    assert_encrypted_file(&anna, &room, &file).await;
    let loaded = anna
        .say(&room, "!vägledning lägg till", &bot.user_id, REPLY)
        .await
        .body;
    assert!(
        loaded.starts_with(
            "Inläst: tolk-lund – Tolk i Lund (1 avsnitt, sv, nationell). Aktiv version: 1."
        ),
        "{loaded}"
    );
    let after = bo.say(&room, TOLK_Q, &bot.user_id, REPLY).await.body;
    assert!(
        after.contains("tolkcentral") && after.contains("Tolk i Lund"),
        "answered and cited from the new file: {after}"
    );

    // A broken file is refused with file and line; the answers stay.
    let broken = TOLK_LUND.replace("lang = \"sv\"", "lang = \"sv\"\nregions = [\"Söder\"]");
    anna.send_file(&room, "tolk-lund.md", "text/markdown", broken.into_bytes())
        .await;
    let refused = anna
        .say(&room, "!vägledning lägg till", &bot.user_id, REPLY)
        .await
        .body;
    assert!(
        refused.contains("Filen laddades inte")
            && refused.contains("tolk-lund.md:5: unknown region"),
        "{refused}"
    );
    assert_eq!(bo.say(&room, TOLK_Q, &bot.user_id, REPLY).await.body, after);

    // What Lots could not answer reaches the curators, without names.
    let gap = bo
        .say(
            &room,
            "!fråga Vilka skatteregler gäller för tolkarvoden?",
            &bot.user_id,
            REPLY,
        )
        .await
        .body;
    assert!(gap.starts_with("Jag har inget säkert svar"), "{gap}");
    let gaps = anna
        .say(&room, "!vägledning luckor 7", &bot.user_id, REPLY)
        .await
        .body;
    assert!(
        gaps.contains("1× Vilka skatteregler gäller för tolkarvoden?"),
        "{gaps}"
    );
    assert!(!gaps.contains(bo.user_id.as_str()), "{gaps}");
    let log = anna
        .say(&room, "!vägledning logg", &bot.user_id, REPLY)
        .await
        .body;
    assert!(
        log.contains(&format!(
            "{} – läste in tolk-lund (tolk-lund.md) → v1",
            anna.user_id
        )),
        "{log}"
    );
    assert!(
        !bot.log().contains("tolkcentral"),
        "no file contents in the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_loaded_by_reply_survives_a_restart_and_rollback_restores_the_earlier_answer() {
    let hs = Synapse::shared();
    // The fixtures without the PDF, so only the upload can answer questions about the shelter.
    let folder = tempfile::tempdir().unwrap();
    let fixtures = lots_tests::workspace_root().join("tests/fixtures/guidance");
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        if path.extension().is_some_and(|e| e != "pdf") {
            std::fs::copy(&path, folder.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let anna = User::register(&hs.url, &unique("anna")).await;
    let mut bot = Bot::start(
        hs,
        &unique("lots"),
        BotOptions {
            admins: vec![anna.user_id.to_string()],
            guidance: vec![folder.path().to_owned()],
            ..BotOptions::default()
        },
    )
    .await;
    let room = anna.room(true, &[], &bot.user_id).await;
    const Q: &str = "!fråga Vem beslutar om placering i skyddat boende?";
    let before = anna.say(&room, Q, &bot.user_id, REPLY).await.body;
    assert!(!before.contains("Socialtjansten beslutar"), "{before}");

    let pdf = std::fs::read(fixtures.join("skyddat-boende.pdf")).unwrap();
    let file = anna
        .send_file(&room, "Handbok boende.pdf", "application/pdf", pdf)
        .await;
    // Another message in between: replying to the file says which one.
    anna.send(&room, "(handboken från länsstyrelsen)").await;
    let loaded = say_replying(
        &anna,
        &room,
        &bot,
        &file,
        "!vägledning lägg till --titel Handbok för skyddat boende --språk sv --källa Länsstyrelsen 2026",
    )
    .await;
    assert!(
        loaded.starts_with("Inläst: handbok-boende – Handbok för skyddat boende (")
            && loaded.contains("Aktiv version: 1."),
        "{loaded}"
    );
    let answer = anna.say(&room, Q, &bot.user_id, REPLY).await.body;
    assert!(
        answer.contains("Socialtjansten beslutar") && answer.contains("Handbok för skyddat boende"),
        "{answer}"
    );

    // Rollback to the folders alone restores the earlier answer; forward again to v1.
    let back = anna
        .say(&room, "!vägledning återställ 0", &bot.user_id, REPLY)
        .await
        .body;
    assert_eq!(back, "Version 0 används igen.");
    assert_eq!(anna.say(&room, Q, &bot.user_id, REPLY).await.body, before);
    anna.say(&room, "!vägledning återställ 1", &bot.user_id, REPLY)
        .await;

    // A restart serves the active version.
    assert!(bot.stop().success());
    bot.restart_stopped();
    let status = anna
        .say(&room, "!vägledning status", &bot.user_id, REPLY)
        .await
        .body;
    assert!(status.contains("Aktiv version: 1 (sedan "), "{status}");
    assert_eq!(anna.say(&room, Q, &bot.user_id, REPLY).await.body, answer);
    let versions = anna
        .say(&room, "!vägledning versioner", &bot.user_id, REPLY)
        .await
        .body;
    assert!(
        versions.starts_with("v1 – ")
            && versions.contains("läste in handbok-boende (Handbok boende.pdf) ◀"),
        "{versions}"
    );
}

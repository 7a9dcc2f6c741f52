//! Questions and answers in encrypted rooms: direct chats, rooms, commands, mentions, threads,
//! escaping, feedback, and the rooms and users Lots must not answer.

use std::time::Duration;

use lots_tests::bot::{Bot, BotOptions};
use lots_tests::synapse::Synapse;
use lots_tests::user::User;
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::relation::{Annotation, Thread};
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent};
use matrix_sdk::ruma::{EventId, OwnedEventId};

use crate::{REPLY, unique};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_direct_question_gets_a_cited_escaped_reply_and_thumbs_are_recorded() {
    let hs = Synapse::shared();
    let bot = Bot::start(hs, &unique("lots"), BotOptions::default()).await;
    let anna = User::register(&hs.url, &unique("anna")).await;
    let dm = anna.dm(&bot.user_id).await;

    let answer = anna
        .say(&dm, "Hur lång är betänketiden?", &bot.user_id, REPLY)
        .await;
    assert!(answer.encrypted, "the reply is end-to-end encrypted");
    assert_eq!(answer.msgtype, "m.notice");
    assert!(answer.body.contains("30 dagar"), "{}", answer.body);
    assert!(
        answer
            .body
            .contains("Källa: Betänketid › Vad betänketid är"),
        "{}",
        answer.body
    );
    let html = answer.html.clone().expect("an HTML body");
    assert!(
        html.contains("<strong>"),
        "matched words emphasised: {html}"
    );

    let english = anna
        .send(&dm, "Who applies for the reflection period?")
        .await;
    let reply = anna.reply_to(&english, &bot.user_id, REPLY).await;
    assert!(reply.body.contains("Source: "), "{}", reply.body);

    let injection = anna
        .send(
            &dm,
            "!<b>x</b><a href=\"https://matrix.to/#/@room\">@room</a>",
        )
        .await;
    let reply = anna.reply_to(&injection, &bot.user_id, REPLY).await;
    let html = reply.html.unwrap_or_default();
    assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"), "{html}");
    assert!(
        !html.contains("<b>") && !html.contains("<a "),
        "markup got through: {html}"
    );

    let reaction = ReactionEventContent::new(Annotation::new(
        EventId::parse(&answer.event_id).expect("event id"),
        "👍".into(),
    ));
    dm.send(reaction).await.expect("reacting");
    let db = bot.data_dir().join("lots.sqlite3");
    let deadline = std::time::Instant::now() + REPLY;
    loop {
        let votes = feedback(&db);
        if !votes.is_empty() {
            assert_eq!(
                votes,
                [("betanketid".to_owned(), "Vad betänketid är".to_owned(), 1)]
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the 👍 was not recorded:\n{}",
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The bot runs at info level, as operators run it: no question or answer text in its log.
    let log = bot.log();
    for private in ["betänketiden", "reflection period", "30 dagar", "<b>x</b>"] {
        assert!(!log.contains(private), "{private:?} in the log:\n{log}");
    }
}

/// The votes in the bot's own database (doc, heading, vote).
fn feedback(db: &std::path::Path) -> Vec<(String, String, i64)> {
    let conn = rusqlite::Connection::open(db).expect("the bot's database");
    let mut stmt = conn
        .prepare("SELECT doc, heading, vote FROM feedback")
        .expect("feedback table");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_room_lots_answers_mentions_and_commands_but_not_chatter() {
    let hs = Synapse::shared();
    let name = unique("lots");
    let bot = Bot::start(hs, &name, BotOptions::default()).await;
    let anna = User::register(&hs.url, &unique("anna")).await;
    let bo = User::register(&hs.url, &unique("bo")).await;
    let room = anna.room(true, &[&bo], &bot.user_id).await;

    let chatter = anna.send(&room, "Hur lång är betänketiden?").await;
    let by_mention = anna
        .send_mention(
            &room,
            &bot.user_id,
            &name,
            "vem är det som ansöker om betänketid?",
        )
        .await;
    let reply = anna.reply_to(&by_mention, &bot.user_id, REPLY).await;
    assert!(reply.body.contains("Källa: "), "{}", reply.body);

    let by_command = bo.send(&room, "!fråga Hur lång är betänketiden?").await;
    let reply = bo.reply_to(&by_command, &bot.user_id, REPLY).await;
    assert!(reply.body.contains("30 dagar"), "{}", reply.body);

    // A question in a thread is answered in that thread.
    let root = anna.send(&room, "Ärende: ny klient i Lund").await;
    let mut content =
        RoomMessageEventContent::text_plain("!ask What does the reflection period give her?");
    content.relates_to = Some(Relation::Thread(Thread::plain(root.clone(), root.clone())));
    let in_thread = anna.send_content(&room, content).await;
    let reply = anna.reply_to(&in_thread, &bot.user_id, REPLY).await;
    assert_eq!(
        reply.thread.as_deref(),
        Some(root.as_str()),
        "the reply stays in the thread"
    );

    // By now the chatter, sent first, would long have been answered.
    let ping = anna.send(&room, "!ping").await;
    let pong = anna.reply_to(&ping, &bot.user_id, REPLY).await;
    assert_eq!(pong.body, "pong");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_no_reply(&anna, &[&chatter, &root], &bot.user_id);
}

fn assert_no_reply(user: &User, events: &[&OwnedEventId], from: &str) {
    for r in user.received() {
        if r.sender == from {
            for e in events {
                assert_ne!(
                    r.in_reply_to.as_deref(),
                    Some(e.as_str()),
                    "Lots answered {e}: {}",
                    r.body
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_an_unencrypted_room_lots_says_once_why_it_is_silent() {
    let hs = Synapse::shared();
    let bot = Bot::start(hs, &unique("lots"), BotOptions::default()).await;
    let anna = User::register(&hs.url, &unique("anna")).await;
    let bo = User::register(&hs.url, &unique("bo")).await;
    let room = anna.room(false, &[&bo], &bot.user_id).await;

    let first = anna.send(&room, "!ping").await;
    let notice = anna.reply_to(&first, &bot.user_id, REPLY).await;
    assert!(!notice.encrypted);
    assert!(notice.body.contains("krypterade rum"), "{}", notice.body);
    let second = anna.send(&room, "!fråga Hur lång är betänketiden?").await;

    // Proof of life elsewhere, then check the unencrypted room got nothing more.
    let dm = anna.dm(&bot.user_id).await;
    let ping = anna.send(&dm, "!ping").await;
    anna.reply_to(&ping, &bot.user_id, REPLY).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let from_bot_in_room = anna
        .received()
        .into_iter()
        .filter(|r| r.sender == bot.user_id && r.room_id == room.room_id().as_str())
        .count();
    assert_eq!(from_bot_in_room, 1, "one notice, nothing else");
    assert_no_reply(&anna, &[&second], &bot.user_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_from_servers_that_are_not_allowed_are_ignored() {
    let hs = Synapse::shared();
    let options = BotOptions {
        allowed_servers: vec!["example.org".into()],
        ..BotOptions::default()
    };
    let mut bot = Bot::start(hs, &unique("lots"), options).await;
    let mallory = User::register(&hs.url, &unique("mallory")).await;
    let room = mallory
        .client
        .create_dm(&matrix_sdk::ruma::UserId::parse(&bot.user_id).expect("user id"))
        .await
        .expect("creating a DM");
    bot.wait_for_log(
        "ignoring an invite from a server that is not allowed",
        REPLY,
    );
    let q = mallory.send(&room, "!ping").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_no_reply(&mallory, &[&q], &bot.user_id);
    let member = room
        .get_member(&matrix_sdk::ruma::UserId::parse(&bot.user_id).expect("user id"))
        .await
        .expect("members")
        .expect("the bot is invited");
    assert_eq!(
        member.membership(),
        &matrix_sdk::ruma::events::room::member::MembershipState::Invite,
        "the bot did not join"
    );
}

//! Reminders over Matrix: on time in an encrypted room, reflection series, identity numbers
//! refused, and exactly once across a SIGKILL — late, and saying so, when due during downtime.

use std::time::{Duration, Instant};

use lots_tests::bot::{Bot, BotOptions};
use lots_tests::synapse::Synapse;
use lots_tests::user::User;

use crate::{REPLY, unique};

async fn team(hs: &Synapse) -> (Bot, User, User, matrix_sdk::room::Room) {
    let anna_name = unique("anna");
    let options = BotOptions {
        coordinators: vec![format!("@{anna_name}:localhost")],
        ..BotOptions::default()
    };
    let bot = Bot::start(hs, &unique("lots"), options).await;
    let anna = User::register(&hs.url, &anna_name).await;
    let bo = User::register(&hs.url, &unique("bo")).await;
    let room = anna.room(true, &[&bo], &bot.user_id).await;
    (bot, anna, bo, room)
}

/// The bot's reminder messages in `room` as `user` received them.
fn reminders_in(user: &User, bot: &str, room: &matrix_sdk::room::Room) -> Vec<String> {
    user.received()
        .into_iter()
        .filter(|r| {
            r.sender == bot && r.room_id == room.room_id().as_str() && r.body.starts_with("⏰")
        })
        .map(|r| r.body)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_reminder_arrives_encrypted_at_its_time() {
    let hs = Synapse::shared();
    let (bot, anna, bo, room) = team(hs).await;
    let confirmed = anna
        .say(
            &room,
            "!påminn rummet om 5 sekunder nätverksmöte i Lund",
            &bot.user_id,
            REPLY,
        )
        .await;
    assert!(
        confirmed.body.starts_with("Påminnelse #"),
        "{}",
        confirmed.body
    );
    let set_at = confirmed.at;
    let r = bo
        .wait_for(REPLY, |r| {
            r.sender == bot.user_id && r.body.starts_with("⏰ Påminnelse: nätverksmöte")
        })
        .await;
    assert!(r.encrypted);
    let after = r.at.duration_since(set_at);
    assert!(after >= Duration::from_secs(3), "too early: {after:?}");
    assert!(after <= Duration::from_secs(15), "too late: {after:?}");
    assert!(!r.body.contains("Försenad"), "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reflection_series_is_created_and_listed_and_identity_numbers_are_refused() {
    let hs = Synapse::shared();
    let (bot, anna, bo, room) = team(hs).await;
    let reply = anna
        .say(&room, "!betänketid ÄR-2026-014", &bot.user_id, REPLY)
        .await;
    assert!(
        reply.body.contains("dag 20") && reply.body.contains("dag 30"),
        "{}",
        reply.body
    );
    let list = bo.say(&room, "!betänketid", &bot.user_id, REPLY).await;
    assert!(
        list.body.starts_with("ÄR-2026-014: dag 1 "),
        "{}",
        list.body
    );
    let refused = bo
        .say(
            &room,
            "!påminn imorgon kl 9 ring om 811218-9876",
            &bot.user_id,
            REPLY,
        )
        .await;
    assert!(refused.body.contains("personnummer"), "{}", refused.body);
    let log = bot.log();
    assert!(
        !log.contains("811218") && !log.contains("ÄR-2026-014"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_around_the_due_time_each_reminder_arrives_exactly_once() {
    let hs = Synapse::shared();
    let (mut bot, anna, _bo, room) = team(hs).await;
    for (i, secs) in [4, 5, 6, 7].iter().enumerate() {
        let q = anna
            .send(
                &room,
                &format!("!påminn rummet om {secs} sekunder punkt {i}"),
            )
            .await;
        anna.reply_to(&q, &bot.user_id, REPLY).await;
    }
    // Kill it while the reminders fall due, and start it again at once.
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    bot.kill();
    bot.restart_stopped();
    let deadline = Instant::now() + REPLY;
    while reminders_in(&anna, &bot.user_id, &room).len() < 4 {
        assert!(
            Instant::now() < deadline,
            "missing reminders: {:?}\n{}",
            reminders_in(&anna, &bot.user_id, &room),
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut got = reminders_in(&anna, &bot.user_id, &room);
    got.sort();
    let points: Vec<&str> = got
        .iter()
        .map(|b| b.lines().next().unwrap_or_default())
        .collect();
    assert_eq!(
        points,
        [
            "⏰ Påminnelse: punkt 0",
            "⏰ Påminnelse: punkt 1",
            "⏰ Påminnelse: punkt 2",
            "⏰ Påminnelse: punkt 3"
        ],
        "each exactly once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_due_while_lots_was_down_arrives_after_the_restart_marked_late() {
    let hs = Synapse::shared();
    let (mut bot, anna, _bo, room) = team(hs).await;
    let q = anna
        .send(&room, "!påminn rummet om 3 sekunder ring socialjouren")
        .await;
    anna.reply_to(&q, &bot.user_id, REPLY).await;
    bot.kill();
    tokio::time::sleep(Duration::from_secs(15)).await;
    assert!(reminders_in(&anna, &bot.user_id, &room).is_empty());
    bot.restart_stopped();
    let r = anna
        .wait_for(REPLY, |r| {
            r.sender == bot.user_id && r.body.starts_with("⏰ Påminnelse: ring socialjouren")
        })
        .await;
    assert!(
        r.body.contains("(Försenad: den skulle ha kommit "),
        "{}",
        r.body
    );
}

//! Lots keeps working through restarts: its own (same device, no answers to old messages) and
//! the homeserver's.

use std::time::Duration;

use lots_tests::bot::{Bot, BotOptions};
use lots_tests::synapse::Synapse;
use lots_tests::user::User;

use crate::{REPLY, unique};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_lots_is_the_same_device_and_does_not_answer_old_messages() {
    let hs = Synapse::shared();
    let mut bot = Bot::start(hs, &unique("lots"), BotOptions::default()).await;
    let device = bot.device_id();
    let anna = User::register(&hs.url, &unique("anna")).await;
    let dm = anna.dm(&bot.user_id).await;
    let before = anna.send(&dm, "!ping").await;
    anna.reply_to(&before, &bot.user_id, REPLY).await;

    let status = bot.stop();
    assert!(
        status.success(),
        "SIGTERM ends lots with exit 0, not {status}:\n{}",
        bot.log()
    );
    assert!(
        bot.current_log().contains("Lots stopped"),
        "{}",
        bot.current_log()
    );
    let while_down = anna.send(&dm, "Hur lång är betänketiden?").await;

    bot.restart_stopped();
    assert_eq!(bot.device_id(), device, "the same device after a restart");
    let devices = anna
        .client
        .encryption()
        .get_user_devices(&matrix_sdk::ruma::UserId::parse(&bot.user_id).expect("user id"))
        .await
        .expect("the bot's devices");
    assert_eq!(devices.devices().count(), 1, "no new device was created");
    let bot_id = matrix_sdk::ruma::UserId::parse(&bot.user_id).expect("user id");
    let identity = anna
        .client
        .encryption()
        .get_user_identity(&bot_id)
        .await
        .expect("identity lookup");
    assert!(identity.is_some(), "the bot bootstrapped cross-signing");
    let device_id: matrix_sdk::ruma::OwnedDeviceId = device.as_str().into();
    let bot_device = anna
        .client
        .encryption()
        .get_device(&bot_id, &device_id)
        .await
        .expect("device lookup")
        .expect("the bot's device is known");
    assert!(
        bot_device.is_cross_signed_by_owner(),
        "the bot signed its own device"
    );

    let after = anna.send(&dm, "Vem ansöker om betänketid?").await;
    let reply = anna.reply_to(&after, &bot.user_id, REPLY).await;
    assert!(
        reply.body.contains("Källa: "),
        "it still decrypts new messages: {}",
        reply.body
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let answered_old = anna
        .received()
        .iter()
        .any(|r| r.sender == bot.user_id && r.in_reply_to.as_deref() == Some(while_down.as_str()));
    assert!(
        !answered_old,
        "a message sent while Lots was down was answered after the restart"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_homeserver_comes_back_the_next_question_is_answered() {
    let mut hs = Synapse::start();
    let mut bot = Bot::start(&hs, &unique("lots"), BotOptions::default()).await;
    let anna = User::register(&hs.url, &unique("anna")).await;
    let dm = anna.dm(&bot.user_id).await;
    let first = anna.send(&dm, "!ping").await;
    anna.reply_to(&first, &bot.user_id, REPLY).await;

    hs.stop();
    bot.wait_for_log("sync failed; retrying", REPLY);
    hs.restart();
    bot.wait_for_log("homeserver reachable again", Duration::from_secs(120));
    let q = anna.send(&dm, "Hur lång är betänketiden?").await;
    let reply = anna
        .reply_to(&q, &bot.user_id, Duration::from_secs(120))
        .await;
    assert!(reply.body.contains("30 dagar"), "{}", reply.body);
    assert!(bot.pid().is_some());
}

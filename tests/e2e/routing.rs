//! City by city over Matrix: a room's municipality set by a coordinator (and refused to staff)
//! and used for whom to call; a handoff posted in another city's encrypted room, acknowledged
//! with ✅, and the sender told.

use lots_tests::bot::{Bot, BotOptions};
use lots_tests::synapse::Synapse;
use lots_tests::user::User;
use matrix_sdk::ruma::EventId;
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::relation::Annotation;

use crate::{REPLY, unique};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_know_their_city_and_handoffs_travel_between_them() {
    let hs = Synapse::shared();
    let anna_name = unique("anna");
    let options = BotOptions {
        coordinators: vec![format!("@{anna_name}:localhost")],
        ..BotOptions::default()
    };
    let bot = Bot::start(hs, &unique("lots"), options).await;
    let anna = User::register(&hs.url, &anna_name).await;
    let bo = User::register(&hs.url, &unique("bo")).await;
    let cecilia = User::register(&hs.url, &unique("cecilia")).await;
    let lund = anna.room(true, &[&bo], &bot.user_id).await;
    let malmo = anna.room(true, &[&cecilia], &bot.user_id).await;

    let refused = bo
        .say(&lund, "!stad sätt Kiruna", &bot.user_id, REPLY)
        .await;
    assert!(refused.body.contains("samordnare"), "{}", refused.body);
    for (room, city) in [(&lund, "Lund"), (&malmo, "Malmö")] {
        let set = anna
            .say(room, &format!("!stad sätt {city}"), &bot.user_id, REPLY)
            .await;
        assert!(
            set.body
                .starts_with(&format!("Rummets kommun är nu {city}.")),
            "{}",
            set.body
        );
    }

    let contacts = bo
        .say(&lund, "!fråga vem ringer jag?", &bot.user_id, REPLY)
        .await;
    assert!(
        contacts.body.contains("Lund (Skåne, region Syd)"),
        "the room's city: {}",
        contacts.body
    );

    let sent = bo
        .say(
            &lund,
            "!överlämna Malmö Klienten ÄR-14 flyttar på fredag, ring mig",
            &bot.user_id,
            REPLY,
        )
        .await;
    assert!(sent.body.contains("skickad till Malmö"), "{}", sent.body);
    let notice = cecilia
        .wait_for(REPLY, |r| {
            r.sender == bot.user_id && r.body.starts_with("📨 Överlämning #")
        })
        .await;
    assert!(notice.encrypted && notice.room_id == malmo.room_id().as_str());
    assert!(
        notice.body.contains("från Lund") && notice.body.contains("ÄR-14"),
        "{}",
        notice.body
    );

    let ack = ReactionEventContent::new(Annotation::new(
        EventId::parse(&notice.event_id).expect("id"),
        "✅".into(),
    ));
    cecilia.own(&malmo).send(ack).await.expect("reacting");
    let told = bo
        .wait_for(REPLY, |r| {
            r.sender == bot.user_id && r.body.starts_with("✅ Överlämning #")
        })
        .await;
    assert_eq!(told.room_id, lund.room_id().as_str());
    assert!(
        told.body
            .contains(&format!("kvitterad av {}", cecilia.user_id)),
        "{}",
        told.body
    );
    let log = bot.log();
    assert!(
        !log.contains("ÄR-14"),
        "the handoff text is not logged: {log}"
    );
}

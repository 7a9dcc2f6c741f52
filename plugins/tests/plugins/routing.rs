//! City by city through the framework: setting a room's and a user's municipality, whom to call
//! for it, and local routines first in answers.

use lots_plugins::Outcome;

use crate::{ANNA, Setup, msg, setup};

const COORDINATOR: &str = "@samordnare:example.org";

async fn say(s: &Setup, id: &str, sender: &str, body: &str, direct: bool) -> String {
    let mut m = msg(id, sender, body, direct);
    m.addressed = true;
    assert_eq!(s.fw.handle_message(&m).await, Outcome::Replied, "{body}");
    s.port.take().pop().unwrap().reply.plain
}

#[tokio::test]
async fn only_coordinators_set_a_rooms_municipality_and_it_is_used_for_contacts_and_answers() {
    let s = setup().await;
    let refused = say(&s, "$1", ANNA, "!stad sätt Lund", false).await;
    assert!(refused.contains("samordnare"), "{refused}");
    assert_eq!(
        s.db.place("!team:example.org").unwrap(),
        None,
        "nothing changed"
    );
    let set = say(&s, "$2", COORDINATOR, "!stad sätt lund", false).await;
    assert!(set.starts_with("Rummets kommun är nu Lund."), "{set}");
    let shown = say(&s, "$3", ANNA, "!stad", false).await;
    assert!(shown.starts_with("Rummets kommun är Lund."), "{shown}");

    let contacts = say(&s, "$4", ANNA, "Vem ringer jag?", false).await;
    assert!(
        contacts.starts_with("Lund (Skåne, region Syd)"),
        "{contacts}"
    );
    assert!(
        contacts.contains("070-174 06 30") && contacts.contains("114 14"),
        "{contacts}"
    );
    let named = say(&s, "$5", ANNA, "vem ringer jag i Kiruna?", false).await;
    assert!(
        named.starts_with("Kiruna (Norrbotten, region Nord)"),
        "the question's place wins: {named}"
    );

    // The guidance answers from the room's local routine.
    let answer = say(
        &s,
        "$6",
        ANNA,
        "!fråga hur når jag socialjouren efter kontorstid?",
        false,
    )
    .await;
    assert!(answer.contains("Lund"), "{answer}");
}

#[tokio::test]
async fn in_a_direct_chat_anyone_sets_their_own_municipality() {
    let s = setup().await;
    let set = say(&s, "$1", ANNA, "!city set Malmö", true).await;
    assert!(set.starts_with("Your municipality is now Malmö."), "{set}");
    assert_eq!(s.db.place(ANNA).unwrap().as_deref(), Some("Malmö"));
    let contacts = say(&s, "$2", ANNA, "who do I call? she is threatened", true).await;
    assert!(
        contacts.starts_with("In acute danger: call 112 now."),
        "{contacts}"
    );
    assert!(contacts.contains("Malmö (Skåne, region Syd)"), "{contacts}");
    let unknown = say(&s, "$3", ANNA, "!stad Malmoe", true).await;
    assert!(unknown.contains("Menade du Malmö?"), "{unknown}");
}

fn in_room(id: &str, room: &str, sender: &str, body: &str) -> lots_plugins::Message {
    let mut m = msg(id, sender, body, false);
    m.room = room.into();
    m
}

#[tokio::test]
async fn a_handoff_reaches_the_other_citys_room_and_its_acknowledgement_comes_back() {
    let s = setup().await;
    const MALMO: &str = "!malmo:example.org";
    const LUND: &str = "!team:example.org";
    s.fw.handle_message(&in_room("$1", LUND, COORDINATOR, "!stad sätt Lund"))
        .await;
    s.fw.handle_message(&in_room("$2", MALMO, COORDINATOR, "!stad sätt Malmö"))
        .await;
    s.port.take();

    let refused = say(
        &s,
        "$3",
        ANNA,
        "!överlämna Malmö ring om 811218-9876",
        false,
    )
    .await;
    assert!(refused.contains("personnummer"), "{refused}");
    let nowhere = say(&s, "$4", ANNA, "!överlämna Kiruna flyttar dit", false).await;
    assert!(
        nowhere.starts_with("Inget rum är kopplat till Kiruna"),
        "{nowhere}"
    );
    assert!(
        nowhere.contains("070-174 06 50"),
        "shows Kiruna's contacts: {nowhere}"
    );

    s.fw.handle_message(&in_room(
        "$5",
        LUND,
        ANNA,
        "!överlämna Malmö Klienten ÄR-14 flyttar på fredag, ring mig",
    ))
    .await;
    let sent = s.port.take();
    assert_eq!(sent.len(), 2, "{sent:?}");
    let notice = &sent[0];
    assert_eq!(notice.room, MALMO);
    assert!(
        notice
            .reply
            .plain
            .starts_with("📨 Överlämning #1 från Lund (@anna:example.org, personal):"),
        "{}",
        notice.reply.plain
    );
    assert!(notice.reply.plain.contains("ÄR-14 flyttar på fredag"));
    assert_eq!(sent[1].room, LUND);
    assert!(
        sent[1]
            .reply
            .plain
            .starts_with("Överlämning #1 är skickad till Malmö."),
        "{}",
        sent[1].reply.plain
    );

    // Nobody reacts for a while: one reminder in Malmö's room.
    let ctx = s.fw.context();
    let later = jiff::Timestamp::now().as_second() + 2 * 3600;
    assert_eq!(
        lots_plugins::routing::handoff::remind_unacknowledged(ctx, later, 3600)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        lots_plugins::routing::handoff::remind_unacknowledged(ctx, later + 60, 3600)
            .await
            .unwrap(),
        0,
        "once"
    );
    let reminder = s.port.take().remove(0);
    assert_eq!(reminder.room, MALMO);
    assert!(
        reminder
            .reply
            .plain
            .contains("#1 från Lund är inte kvitterad"),
        "{}",
        reminder.reply.plain
    );

    // ✅ from Malmö acknowledges; Lund's room is told.
    s.fw.handle_reaction(&lots_plugins::Reaction {
        id: "$r1".into(),
        room: MALMO.into(),
        sender: "@bo:example.org".into(),
        target: notice.id.clone(),
        key: "✅".into(),
    })
    .await;
    let told = s.port.take();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].room, LUND);
    assert_eq!(
        told[0].reply.plain,
        "✅ Överlämning #1 till Malmö är kvitterad av @bo:example.org."
    );
    let again = {
        s.fw.handle_message(&in_room("$6", MALMO, "@bo:example.org", "!kvittera 1"))
            .await;
        s.port.take().remove(0).reply.plain
    };
    assert_eq!(again, "Överlämning #1 är redan kvitterad.");

    // The log keeps who, where and when — not the text.
    let row: String =
        s.db.lock()
            .query_row(
                "SELECT group_concat(from_place || to_place || sender, '') FROM handoffs",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert!(row.contains("LundMalmö"));
    let columns: String =
        s.db.lock()
            .query_row(
                "SELECT group_concat(name, ',') FROM pragma_table_info('handoffs')",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert!(!columns.contains("text"), "{columns}");
}

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

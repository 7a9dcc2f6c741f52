//! Reminders through the framework and the scheduler, with a real database file, the local
//! port, and a clock the tests control (`Scheduler::tick(now)`).

use jiff::{SignedDuration, Timestamp};
use lots_plugins::reminders::RemindersConfig;
use lots_plugins::reminders::scheduler::{Scheduler, Tick};
use lots_plugins::reminders::store;

use crate::{ANNA, Setup, say, setup};

const COORDINATOR: &str = "@samordnare:example.org";

fn scheduler(s: &Setup) -> Scheduler {
    Scheduler::new(s.db.clone(), s.port.clone(), RemindersConfig::default())
}

fn after(secs: i64) -> Timestamp {
    Timestamp::now()
        .checked_add(SignedDuration::from_secs(secs))
        .unwrap()
}

#[tokio::test]
async fn a_reminder_is_confirmed_with_its_time_and_delivered_once_when_due() {
    let s = setup().await;
    let reply = say(&s, "$1", ANNA, "!påminn om 10 minuter ring tolken", true).await;
    assert!(reply.starts_with("Påminnelse #1 sparad: "), "{reply}");
    assert!(
        reply.contains(" kl. "),
        "absolute time with weekday: {reply}"
    );

    let sched = scheduler(&s);
    assert_eq!(
        sched.tick(after(5 * 60)).await.unwrap(),
        Tick::default(),
        "not due yet"
    );
    let tick = sched.tick(after(10 * 60 + 1)).await.unwrap();
    assert_eq!((tick.due, tick.sent), (1, 1));
    let sent = s.port.take();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].room, "!dm:example.org",
        "delivered in the direct chat it was set in"
    );
    assert_eq!(sent[0].reply.plain, "⏰ Påminnelse: ring tolken");
    assert_eq!(
        sched.tick(after(11 * 60)).await.unwrap(),
        Tick::default(),
        "never twice"
    );
    assert!(s.port.take().is_empty());
}

#[tokio::test]
async fn a_reminder_set_in_a_room_for_oneself_goes_to_the_direct_chat() {
    let s = setup().await;
    let reply = say(
        &s,
        "$1",
        ANNA,
        "!remind in 1 minute call the interpreter",
        false,
    )
    .await;
    assert!(reply.contains("in our direct chat"), "{reply}");
    scheduler(&s).tick(after(61)).await.unwrap();
    let sent = s.port.take();
    assert_eq!(sent[0].room, format!("!dm-{ANNA}"));
    assert_eq!(sent[0].reply.plain, "⏰ Reminder: call the interpreter");
}

#[tokio::test]
async fn a_send_that_reached_the_homeserver_before_a_crash_is_not_repeated() {
    let s = setup().await;
    say(&s, "$1", ANNA, "!påminn om 1 minut möte", true).await;
    let now = after(61);
    // The crash: the reminder became an outbox row, was sent, but the "sent" mark was lost.
    store::materialize_due(&s.db, now.as_second(), |_| None).unwrap();
    let d = store::pending(&s.db, now.as_second()).unwrap().remove(0);
    use lots_plugins::ChatPort;
    s.port
        .send_once(
            &d.reminder.room,
            &lots_plugins::Reply::text("⏰ Påminnelse: möte"),
            &d.txn_id,
        )
        .await
        .unwrap();
    // After the restart, the scheduler sends again with the same transaction id.
    let tick = scheduler(&s).tick(now).await.unwrap();
    assert_eq!(tick.sent, 1);
    assert_eq!(s.port.take().len(), 1, "one message in the room, not two");
}

#[tokio::test]
async fn a_reminder_due_while_lots_was_down_arrives_marked_late() {
    let s = setup().await;
    say(&s, "$1", ANNA, "!påminn om 1 minut ring socialjouren", true).await;
    scheduler(&s).tick(after(3 * 3600)).await.unwrap();
    let text = s.port.take().remove(0).reply.plain;
    assert!(
        text.starts_with("⏰ Påminnelse: ring socialjouren\n(Försenad: den skulle ha kommit "),
        "{text}"
    );
}

#[tokio::test]
async fn transient_errors_are_retried_and_permanent_ones_reported_to_the_creator() {
    let s = setup().await;
    say(
        &s,
        "$1",
        COORDINATOR,
        "!påminn rummet om 1 minut nätverksmöte",
        false,
    )
    .await;
    let sched = scheduler(&s);
    s.port.fail_room("!team:example.org", Some(false));
    let tick = sched.tick(after(61)).await.unwrap();
    assert_eq!((tick.sent, tick.retrying), (0, 1));
    s.port.fail_room("!team:example.org", None);
    assert_eq!(
        sched.tick(after(62)).await.unwrap().sent,
        0,
        "waits for its backoff"
    );
    let tick = sched.tick(after(61 + 6)).await.unwrap();
    assert_eq!(tick.sent, 1);
    assert_eq!(s.port.take()[0].room, "!team:example.org");

    say(
        &s,
        "$2",
        COORDINATOR,
        "!påminn rummet om 2 minuter fika",
        false,
    )
    .await;
    s.port.fail_room("!team:example.org", Some(true));
    let tick = sched.tick(after(121)).await.unwrap();
    assert_eq!(tick.failed, 1);
    let told = s.port.take();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].room, format!("!dm-{COORDINATOR}"));
    assert!(
        told[0].reply.plain.contains("#2") && told[0].reply.plain.contains("fika"),
        "{}",
        told[0].reply.plain
    );
    assert_eq!(
        sched.tick(after(600)).await.unwrap(),
        Tick::default(),
        "given up, not retried forever"
    );
}

#[tokio::test]
async fn recurring_reminders_move_on_and_can_be_cancelled_only_by_their_creator_or_an_admin() {
    let s = setup().await;
    let reply = say(&s, "$1", ANNA, "!påminn varje dag kl 9 kolla mejlen", true).await;
    assert!(
        reply.contains("varje dag kl. 09:00, första gången"),
        "{reply}"
    );
    let sched = scheduler(&s);
    sched.tick(after(86_400 + 1)).await.unwrap();
    sched.tick(after(2 * 86_400 + 1)).await.unwrap();
    let sent = s.port.take();
    assert_eq!(sent.len(), 2, "once a day");
    assert!(
        sent[0]
            .reply
            .plain
            .contains("Återkommer varje dag kl. 09:00"),
        "{}",
        sent[0].reply.plain
    );

    let refused = say(&s, "$2", "@bo:example.org", "!avbryt 1", true).await;
    assert!(refused.contains("ingen påminnelse #1"), "{refused}");
    let done = say(&s, "$3", "@admin:example.org", "!cancel #1", true).await;
    assert_eq!(done, "Reminder #1 is cancelled.");
    assert_eq!(sched.tick(after(5 * 86_400)).await.unwrap().sent, 0);
}

#[tokio::test]
async fn identity_numbers_are_refused_and_nothing_is_stored() {
    let s = setup().await;
    let reply = say(
        &s,
        "$1",
        ANNA,
        "!påminn imorgon kl 9 ring om 19811218-9876",
        true,
    )
    .await;
    assert!(reply.contains("personnummer"), "{reply}");
    let reply = say(&s, "$2", COORDINATOR, "!betänketid 811218-9876", false).await;
    assert!(reply.contains("personnummer"), "{reply}");
    let n: i64 =
        s.db.lock()
            .query_row("SELECT count(*) FROM reminders", [], |r| r.get(0))
            .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn bad_times_get_examples_and_staff_cannot_remind_the_whole_room() {
    let s = setup().await;
    let reply = say(&s, "$1", ANNA, "!påminn igår ring tolken", true).await;
    assert!(
        reply.contains("Skriv till exempel: om 10 minuter"),
        "{reply}"
    );
    let reply = say(&s, "$2", ANNA, "!påminn rummet imorgon kl 9 möte", false).await;
    assert!(reply.contains("samordnare"), "{reply}");
    let reply = say(&s, "$3", ANNA, "!påminn imorgon kl 9", true).await;
    assert!(reply.contains("vad påminnelsen gäller"), "{reply}");
}

#[tokio::test]
async fn the_list_shows_the_room_and_keeps_personal_texts_out_of_shared_rooms() {
    let s = setup().await;
    say(&s, "$1", ANNA, "!påminn imorgon kl 9 hemligt samtal", true).await;
    say(
        &s,
        "$2",
        COORDINATOR,
        "!påminn rummet varje tisdag 09:00 nätverksmöte",
        false,
    )
    .await;
    let in_room = say(&s, "$3", ANNA, "!påminnelser", false).await;
    assert!(
        in_room.contains("nätverksmöte") && in_room.contains("[rummet]"),
        "{in_room}"
    );
    assert!(!in_room.contains("hemligt"), "{in_room}");
    assert!(in_room.contains("1 egna påminnelser"), "{in_room}");
    let in_dm = say(&s, "$4", ANNA, "!påminnelser", true).await;
    assert!(in_dm.contains("hemligt samtal"), "{in_dm}");
    let others = say(&s, "$5", "@bo:example.org", "!reminders", true).await;
    assert_eq!(
        others, "No reminders.",
        "others' reminders are not listed to them"
    );
}

#[tokio::test]
async fn a_reflection_period_gets_a_series_that_can_be_listed_and_ended() {
    let s = setup().await;
    let reply = say(&s, "$1", COORDINATOR, "!betänketid ÄR-2026-014", false).await;
    assert!(
        reply.starts_with("Betänketid för ärende ÄR-2026-014: dag 1 är "),
        "{reply}"
    );
    assert!(
        reply.contains("dag 20 (") && reply.contains("dag 27 (") && reply.contains("dag 30 ("),
        "{reply}"
    );
    let list = say(&s, "$2", ANNA, "!betänketid", false).await;
    assert!(list.starts_with("ÄR-2026-014: dag 1 "), "{list}");
    let again = say(&s, "$3", COORDINATOR, "!betänketid ÄR-2026-014", false).await;
    assert!(again.contains("följs redan"), "{again}");
    let staff = say(&s, "$4", ANNA, "!betänketid ÄR-2026-015", false).await;
    assert!(staff.contains("samordnare"), "{staff}");

    // Day 20 at 09:00 is 19 days after today's 09:00: the first heads-up.
    let sched = scheduler(&s);
    sched.tick(after(20 * 86_400)).await.unwrap();
    let sent = s.port.take();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].reply.plain.contains("slutar om 10 dagar"),
        "{}",
        sent[0].reply.plain
    );

    let ended = say(
        &s,
        "$5",
        COORDINATOR,
        "!betänketid avsluta ÄR-2026-014",
        false,
    )
    .await;
    assert!(ended.contains("avslutad"), "{ended}");
    assert_eq!(
        sched.tick(after(40 * 86_400)).await.unwrap().sent,
        0,
        "the rest is cancelled"
    );
    let list = say(&s, "$6", ANNA, "!betänketid", false).await;
    assert!(list.starts_with("Inga betänketider"), "{list}");
}

#[tokio::test]
async fn delivered_one_off_reminders_are_deleted_after_the_retention() {
    let s = setup().await;
    say(&s, "$1", ANNA, "!påminn om 1 minut x", true).await;
    let sched = scheduler(&s);
    sched.tick(after(61)).await.unwrap();
    let count = || -> i64 {
        s.db.lock()
            .query_row("SELECT count(*) FROM reminders", [], |r| r.get(0))
            .unwrap()
    };
    sched.tick(after(29 * 86_400)).await.unwrap();
    assert_eq!(count(), 1, "kept within the retention");
    sched.tick(after(31 * 86_400)).await.unwrap();
    assert_eq!(count(), 0, "deleted after 30 days");
}

#[tokio::test]
async fn time_zones_per_user_and_room_decide_the_wall_clock() {
    let s = setup().await;
    let shown = say(&s, "$1", ANNA, "!tidszon", false).await;
    assert!(shown.contains("Europe/Stockholm (standard)"), "{shown}");
    let set = say(&s, "$2", ANNA, "!tidszon Europe/Helsinki", false).await;
    assert!(set.contains("Europe/Helsinki"), "{set}");
    let refused = say(&s, "$3", ANNA, "!tidszon rummet Europe/London", false).await;
    assert!(refused.contains("samordnare"), "{refused}");
    let unknown = say(&s, "$4", ANNA, "!timezone Mars/Olympus", false).await;
    assert!(unknown.contains("not a time zone"), "{unknown}");
    say(
        &s,
        "$5",
        COORDINATOR,
        "!tidszon rummet Europe/London",
        false,
    )
    .await;

    say(&s, "$6", ANNA, "!påminn 2027-01-15 09:00 helsingfors", true).await;
    say(
        &s,
        "$7",
        COORDINATOR,
        "!påminn rummet 2027-01-15 09:00 london",
        false,
    )
    .await;
    let stored: Vec<(String, i64)> = {
        let conn = s.db.lock();
        let mut stmt = conn
            .prepare("SELECT tz, next_at FROM reminders ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let local = |tz: &str, at: i64| {
        Timestamp::from_second(at)
            .unwrap()
            .to_zoned_datetime(jiff::tz::TimeZone::get(tz).unwrap())
            .time()
            .to_string()
    };
    assert_eq!(stored[0].0, "Europe/Helsinki");
    assert_eq!(local("Europe/Helsinki", stored[0].1), "09:00:00");
    assert_eq!(
        stored[1].0, "Europe/London",
        "the room's zone for room reminders"
    );
    assert_eq!(local("Europe/London", stored[1].1), "09:00:00");
    assert_eq!(
        stored[0].1 + 2 * 3600,
        stored[1].1,
        "09:00 in Helsinki is two hours before 09:00 in London"
    );
}

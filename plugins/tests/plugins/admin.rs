//! `!vägledning` for admins: status, documents, one document, and the gaps report.

use lots_plugins::{Outcome, Reaction};

use crate::{ANNA, Setup, msg, setup};

const ADMIN: &str = "@admin:example.org";

async fn say(s: &Setup, id: &str, sender: &str, body: &str) -> (String, String) {
    assert_eq!(
        s.fw.handle_message(&msg(id, sender, body, true)).await,
        Outcome::Replied,
        "{body}"
    );
    let sent = s.port.take().pop().unwrap();
    (sent.reply.plain, sent.id)
}

#[tokio::test]
async fn admins_see_what_lots_answers_from_and_staff_do_not() {
    let s = setup().await;
    let (refused, _) = say(&s, "$1", ANNA, "!vägledning lista").await;
    assert!(refused.contains("administratör"), "{refused}");
    let (status, _) = say(&s, "$2", ADMIN, "!vägledning status").await;
    assert!(
        status.starts_with("Lots svarar ur 8 dokument med "),
        "{status}"
    );
    let (list, _) = say(&s, "$3", ADMIN, "!guidance list").await;
    assert!(
        list.contains("betanketid – Betänketid (sv, national, 2026-01-10)"),
        "{list}"
    );
    assert!(
        list.contains("⚠ outdated"),
        "the outdated fixture is marked: {list}"
    );
    let (one, _) = say(&s, "$4", ADMIN, "!vägledning visa betanketid").await;
    assert!(
        one.contains("• Vad betänketid är") && one.contains("Utlänningslagen"),
        "{one}"
    );
    let (unknown, _) = say(&s, "$5", ADMIN, "!vägledning visa nope").await;
    assert!(
        unknown.contains("Inget dokument har id \"nope\""),
        "{unknown}"
    );
}

/// Anna reacts 👎 to the answer `target`.
async fn thumbs_down(s: &Setup, target: String) {
    s.fw.handle_reaction(&Reaction {
        id: "$r".into(),
        room: "!dm:example.org".into(),
        sender: ANNA.into(),
        target,
        key: "👎".into(),
    })
    .await;
}

#[tokio::test]
async fn a_question_with_an_identity_number_is_answered_with_a_warning_and_nothing_is_kept() {
    let s = setup().await;
    // An en dash and a zero-width space, then full-width digits: forms people paste.
    let (answered, answer) = say(
        &s,
        "$1",
        ANNA,
        "Hur lång är betänketiden för 811218\u{2013}98\u{200B}76?",
    )
    .await;
    assert!(
        answered.starts_with("Din fråga innehåller något som ser ut som ett personnummer."),
        "{answered}"
    );
    assert!(answered.contains("Betänketid"), "{answered}");
    let (declined, _) = say(&s, "$2", ANNA, "Vad kostar tolk för ８１１２１８ ９８７６?").await;
    assert!(
        declined.starts_with("Din fråga innehåller")
            && declined.contains("Jag har inget säkert svar"),
        "{declined}"
    );
    thumbs_down(&s, answer).await;
    let count = |table: &str| -> i64 {
        s.db.lock()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count("gaps"), 0, "the declined question is not kept");
    assert_eq!(count("feedback"), 0, "not even a hash of the question");
}

#[tokio::test]
async fn the_gaps_report_counts_unanswered_questions_and_thumbs_down_without_names() {
    let s = setup().await;
    let (a, _) = say(&s, "$1", ANNA, "Vad kostar en tolk per timme?").await;
    assert!(a.starts_with("Jag har inget säkert svar"), "{a}");
    say(&s, "$2", "@bo:example.org", "vad kostar en tolk per timme").await;
    say(&s, "$3", ANNA, "Vad kostar tolk för 811218-9876?").await;
    let (_, answer) = say(&s, "$4", ANNA, "Hur lång är betänketiden?").await;
    thumbs_down(&s, answer).await;
    let (report, _) = say(&s, "$5", ADMIN, "!vägledning luckor").await;
    assert!(report.contains("• 2× "), "grouped: {report}");
    assert!(report.contains("tolk per timme"), "{report}");
    assert!(
        !report.contains("811218"),
        "identity numbers are not kept: {report}"
    );
    assert!(
        report.contains("• betanketid › Vad betänketid är: 1 👎, 0 👍"),
        "{report}"
    );
    assert!(
        !report.contains("anna") && !report.contains("@bo"),
        "no names: {report}"
    );
    let (bad, _) = say(&s, "$6", ADMIN, "!vägledning luckor 400").await;
    assert!(bad.contains("1–90"), "{bad}");
}

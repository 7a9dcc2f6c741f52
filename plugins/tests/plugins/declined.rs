//! What a question without a sure answer gets: why, the nearest sections to read, whom to ask —
//! never a number from the question.

use crate::{ANNA, Setup, say, setup};

async fn ask(s: &Setup, id: &str, body: &str) -> String {
    say(s, id, ANNA, body, true).await
}

#[tokio::test]
async fn a_declined_question_says_why_and_what_is_nearest() {
    let s = setup().await;
    // The guidance has the reflection period but says nothing about work during it.
    let work = ask(&s, "$1", "får hon jobba under betänketiden?").await;
    assert!(
        work.starts_with(
            "Jag har inget säkert svar på det i vägledningen: den nämner inte ”jobba”."
        ),
        "{work}"
    );
    assert!(
        work.contains("Närmast, men utan säkert svar: Betänketid › Vad betänketid är"),
        "{work}"
    );
    assert!(work.contains("020-39 00 00"), "{work}");
    // Only Lund's and Malmö's routines have the night line; the asker names Uppsala.
    let night = ask(&s, "$2", "vad har socialjouren i Uppsala för nummer?").await;
    assert!(
        night.contains("den beskriver det bara för Lund och Malmö, inte för Uppsala."),
        "{night}"
    );
    assert!(
        !night.contains("Lokal rutin"),
        "no other place's routine is offered: {night}"
    );
    // In English, in English.
    let licence = ask(
        &s,
        "$3",
        "can she get a driving licence during the reflection period?",
    )
    .await;
    assert!(
        licence.starts_with("I have no reliable answer to that in the guidance: it does not mention \"driving\" or \"licence\"."),
        "{licence}"
    );
}

#[tokio::test]
async fn a_declined_question_never_repeats_a_number_from_it() {
    let s = setup().await;
    let reply = ask(&s, "$1", "Vad kostar tolk för 811218-9876?").await;
    assert!(reply.starts_with("Jag har inget säkert svar"), "{reply}");
    assert!(
        !reply.contains("811218") && !reply.contains("9876"),
        "{reply}"
    );
}

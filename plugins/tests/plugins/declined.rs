//! What a question without a sure answer gets: why, the nearest sections to read, whom to ask —
//! never a number from the question.

use crate::{ANNA, Setup, say, setup};

async fn ask(s: &Setup, id: &str, body: &str) -> String {
    say(s, id, ANNA, body, true).await
}

#[tokio::test]
async fn a_declined_question_says_why_and_what_is_nearest() {
    let s = setup().await;
    // The guidance has the reflection period but never speaks of driving lessons.
    let work = ask(&s, "$1", "får hon övningsköra under betänketiden?").await;
    assert!(
        work.starts_with(
            "Jag har inget säkert svar på det i vägledningen: den nämner inte ”övningsköra”."
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
    assert!(reply.contains("Jag har inget säkert svar"), "{reply}");
    assert!(
        !reply.contains("811218") && !reply.contains("9876"),
        "{reply}"
    );
}

#[tokio::test]
async fn small_talk_gets_a_friendly_hint_and_never_a_quote() {
    let s = setup().await;
    for (i, body) in ["hej", "tack!", "👍", "?"].into_iter().enumerate() {
        let reply = ask(&s, &format!("$st{i}"), body).await;
        assert!(reply.starts_with("Hej!"), "{body}: {reply}");
        assert!(reply.contains("!hjälp"), "{body}: {reply}");
        assert!(
            !reply.contains("Källa") && !reply.contains("inget säkert svar"),
            "{body}: {reply}"
        );
    }
    let thanks = ask(&s, "$st-en", "thanks!").await;
    assert!(
        thanks.starts_with("Hi!") && thanks.contains("!help"),
        "{thanks}"
    );
}

#[tokio::test]
async fn danger_in_any_words_puts_112_first() {
    let s = setup().await;
    // Neither message says "akut", "fara" or "danger".
    let locked = ask(
        &s,
        "$d1",
        "mannen har låst in henne i lägenheten och tagit hennes telefon, vad gör vi",
    )
    .await;
    assert!(
        locked.starts_with("Vid akut fara: ring 112 nu."),
        "{locked}"
    );
    let tonight = ask(
        &s,
        "$d2",
        "she is scared he will find her tonight and hurt her",
    )
    .await;
    assert!(
        tonight.starts_with("In acute danger: call 112 now."),
        "{tonight}"
    );
    // An ordinary question gets no 112 banner.
    let routine = ask(&s, "$d3", "vem bestämmer om betänketiden ska ges?").await;
    assert!(!routine.starts_with("Vid akut fara"), "{routine}");
}

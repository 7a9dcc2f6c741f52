//! The guidance plugin's answer: passage, citation, outdated note, related sections — or an
//! honest "no reliable answer" that says whom to ask.

use lots_knowledge::analysis::Lang;
use lots_knowledge::answer_kind::AnswerKind;
use lots_knowledge::{Answer, Answers, Decline};

use crate::reply::Reply;

/// Related sections shown under the best answer.
const RELATED: usize = 2;

/// The support line for people who meet victims in their work (Jämställdhetsmyndigheten, NSPM): where to turn
/// when the guidance has no answer. A public number, stated by the agency.
const SUPPORT_LINE: &str = "020-39 00 00";

/// Renders answers in the question's language.
pub fn render(answers: &Answers) -> Reply {
    let sv = answers.lang == Lang::Sv;
    if answers.decline == Some(Decline::SmallTalk) {
        return Reply::from_markdown(small_talk(sv).to_owned());
    }
    // Acute danger: 112 before anything else, then the acute routine.
    let mut out = match (answers.danger, sv) {
        (true, true) => "**Vid akut fara: ring 112 nu.**\n\n".to_owned(),
        (true, false) => "**In acute danger: call 112 now.**\n\n".to_owned(),
        (false, _) => String::new(),
    };
    let Some(best) = answers.best() else {
        out.push_str(&no_answer(answers, sv));
        return Reply::from_markdown(out);
    };
    out.push_str(&best.passage.marked());
    out.push_str("\n\n");
    out.push_str(&citation(best, sv));
    if !best.section.municipalities.is_empty() {
        let places = best.section.municipalities.join(", ");
        out.push_str(&if sv {
            format!("\nLokal rutin för {places}.")
        } else {
            format!("\nLocal routine for {places}.")
        });
    }
    if best.outdated {
        let date = best.section.review_by.as_deref().unwrap_or_default();
        out.push_str(&if sv {
            format!("\n⚠ Texten skulle ha setts över senast {date} och kan vara inaktuell.")
        } else {
            format!("\n⚠ This text was due for review by {date} and may be out of date.")
        });
    }
    let related: Vec<String> = answers.answers[1..]
        .iter()
        .filter(|a| a.section.doc != best.section.doc || a.section.heading != best.section.heading)
        .take(RELATED)
        .map(|a| format!("{} › {}", a.section.title, a.section.heading))
        .collect();
    if !related.is_empty() {
        out.push_str(if sv {
            "\n\nSe även: "
        } else {
            "\n\nSee also: "
        });
        out.push_str(&related.join("; "));
    }
    Reply::from_markdown(out)
}

/// A greeting, thanks or an emoji: a friendly word and what Lots can do, never guidance.
fn small_talk(sv: bool) -> &'static str {
    if sv {
        "Hej! Jag svarar på frågor utifrån vägledningen om människohandel, till exempel om \
         betänketid, målsägandebiträde eller vem du ska ringa, och citerar avsnittet jag stöder \
         mig på. Skriv din fråga, eller !hjälp för det jag kan mer."
    } else {
        "Hi! I answer questions from the guidance on human trafficking, such as the reflection \
         period, injured-party counsel or whom to call, and quote the section I rely on. Type \
         your question, or !help for what else I can do."
    }
}

/// Says that the guidance has no sure answer and why (a place without the routine, words it
/// never uses, what the nearest section lacks), names the nearest sections for the asker to read
/// themselves, and whom to ask instead.
fn no_answer(answers: &Answers, sv: bool) -> String {
    // The asker's own words, but never a number: it may be part of a personal identity number.
    let quote = |words: &[String]| -> String {
        let quoted: Vec<String> = words
            .iter()
            .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
            .map(|w| {
                if sv {
                    format!("”{w}”")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect();
        listed(&quoted, if sv { "eller" } else { "or" })
    };
    let here = answers.place.as_ref().map(|p| p.name.as_str());
    let why = match (&answers.decline, sv) {
        (Some(Decline::OnlyElsewhere(places)), true) => {
            let there = listed(places, "och");
            match here {
                Some(here) => format!("den beskriver det bara för {there}, inte för {here}"),
                None => format!("den beskriver det bara för {there}"),
            }
        }
        (Some(Decline::OnlyElsewhere(places)), false) => {
            let there = listed(places, "and");
            match here {
                Some(here) => format!("it describes this only for {there}, not for {here}"),
                None => format!("it describes this only for {there}"),
            }
        }
        (Some(Decline::Unknown(words)), true) if !quote(words).is_empty() => {
            format!("den nämner inte {}", quote(words))
        }
        (Some(Decline::Unknown(words)), false) if !quote(words).is_empty() => {
            format!("it does not mention {}", quote(words))
        }
        (Some(Decline::Missing(words)), true)
            if !answers.nearest.is_empty() && !quote(words).is_empty() =>
        {
            format!("det närmaste avsnittet säger inget om {}", quote(words))
        }
        (Some(Decline::Missing(words)), false)
            if !answers.nearest.is_empty() && !quote(words).is_empty() =>
        {
            format!("the nearest section says nothing about {}", quote(words))
        }
        (Some(Decline::NoFact(kind)), true) => match kind {
            AnswerKind::PhoneNumber => "den anger inget telefonnummer för det",
            AnswerKind::Email => "den anger ingen e-postadress för det",
            AnswerKind::OpeningHours => "den anger inga öppettider för det",
            AnswerKind::Cost => "den anger ingen kostnad för det",
        }
        .to_owned(),
        (Some(Decline::NoFact(kind)), false) => match kind {
            AnswerKind::PhoneNumber => "it gives no phone number for that",
            AnswerKind::Email => "it gives no email address for that",
            AnswerKind::OpeningHours => "it gives no opening hours for that",
            AnswerKind::Cost => "it states no cost for that",
        }
        .to_owned(),
        (_, true) => "för lite av frågan finns i den".to_owned(),
        (_, false) => "too little of the question is in it".to_owned(),
    };
    let mut out = if sv {
        format!("Jag har inget säkert svar på det i vägledningen: {why}.")
    } else {
        format!("I have no reliable answer to that in the guidance: {why}.")
    };
    if !answers.nearest.is_empty() {
        let nearest: Vec<String> = answers
            .nearest
            .iter()
            .map(|a| format!("{} › {}", a.section.title, a.section.heading))
            .collect();
        out.push_str(if sv {
            "\nNärmast, men utan säkert svar: "
        } else {
            "\nNearest, but not a sure answer: "
        });
        out.push_str(&nearest.join("; "));
        out.push('.');
    }
    out.push_str(&if sv {
        format!(
            "\n\nPröva att fråga med andra ord, fråga regionkoordinatorn i er region eller ring \
             stödtelefonen för yrkesverksamma, {SUPPORT_LINE} (vardagar, kontorstid). Vid akut fara: 112."
        )
    } else {
        format!(
            "\n\nTry asking in other words, ask your regional coordinator or call the national \
             support line for professionals, {SUPPORT_LINE} (weekdays, office hours). In acute danger: 112."
        )
    });
    out
}

/// `a`, `a and b`, `a, b and c` (with `conjunction` for *and*).
fn listed(items: &[String], conjunction: &str) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `Källa: <title> › <heading> (<source>, uppdaterad <date>)`.
pub fn citation(answer: &Answer, sv: bool) -> String {
    let s = &answer.section;
    let mut details = Vec::new();
    if let Some(source) = &s.source {
        details.push(source.clone());
    }
    if let Some(page) = s.page {
        details.push(if sv {
            format!("s. {page}")
        } else {
            format!("p. {page}")
        });
    }
    if let Some(updated) = &s.updated {
        details.push(if sv {
            format!("uppdaterad {updated}")
        } else {
            format!("updated {updated}")
        });
    }
    let label = if sv { "Källa" } else { "Source" };
    let details = if details.is_empty() {
        String::new()
    } else {
        format!(" ({})", details.join(", "))
    };
    format!("{label}: {} › {}{details}", s.title, s.heading)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_answer(lang: Lang) -> Answers {
        Answers {
            question: "x".into(),
            no_answer: true,
            answers: vec![],
            place: None,
            lang,
            confidence: Default::default(),
            decline: Some(Decline::Weak),
            danger: false,
            nearest: vec![],
        }
    }

    #[test]
    fn small_talk_gets_a_friendly_hint_and_danger_puts_112_first() {
        let hi = render(&Answers {
            decline: Some(Decline::SmallTalk),
            ..no_answer(Lang::Sv)
        })
        .plain;
        assert!(hi.starts_with("Hej!") && hi.contains("!hjälp"), "{hi}");
        assert!(!hi.contains("inget säkert svar"), "{hi}");
        let en = render(&Answers {
            decline: Some(Decline::SmallTalk),
            ..no_answer(Lang::En)
        })
        .plain;
        assert!(en.starts_with("Hi!") && en.contains("!help"), "{en}");
        let danger = render(&Answers {
            danger: true,
            ..no_answer(Lang::Sv)
        })
        .plain;
        assert!(
            danger.starts_with("Vid akut fara: ring 112 nu."),
            "{danger}"
        );
    }

    #[test]
    fn why_names_the_words_and_places_but_no_numbers() {
        let words = |w: &[&str]| w.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        let with = |decline| Answers {
            decline: Some(decline),
            ..no_answer(Lang::Sv)
        };
        let unknown = render(&with(Decline::Unknown(words(&["asyl", "811218"])))).plain;
        assert!(unknown.contains(": den nämner inte ”asyl”."), "{unknown}");
        let only_numbers = render(&with(Decline::Unknown(words(&["811218", "9876"])))).plain;
        assert!(
            only_numbers.contains(": för lite av frågan finns i den.")
                && !only_numbers.contains("811218"),
            "{only_numbers}"
        );
        let places = render(&with(Decline::OnlyElsewhere(words(&[
            "Lund", "Malmö", "Kiruna",
        ]))))
        .plain;
        assert!(
            places.contains("bara för Lund, Malmö och Kiruna."),
            "{places}"
        );
        let cost = render(&with(Decline::NoFact(AnswerKind::Cost))).plain;
        assert!(
            cost.contains(": den anger ingen kostnad för det."),
            "{cost}"
        );
        // What the nearest section lacks needs a nearest section to speak of.
        let missed = render(&with(Decline::Missing(words(&["jobba"])))).plain;
        assert!(
            missed.contains(": för lite av frågan finns i den."),
            "{missed}"
        );
    }

    #[test]
    fn no_answer_says_so_in_the_askers_language_and_names_whom_to_ask() {
        let sv = render(&no_answer(Lang::Sv));
        assert!(
            sv.plain.starts_with("Jag har inget säkert svar"),
            "{}",
            sv.plain
        );
        assert!(sv.plain.contains(SUPPORT_LINE) && sv.plain.contains("112"));
        let en = render(&no_answer(Lang::En));
        assert!(
            en.plain.starts_with("I have no reliable answer"),
            "{}",
            en.plain
        );
        assert_eq!(en.markdown, en.plain, "no markup in a plain message");
    }
}

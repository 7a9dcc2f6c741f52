//! The guidance plugin's answer: passage, citation, outdated note, related sections — or an
//! honest "no reliable answer" that says whom to ask.

use lots_knowledge::analysis::Lang;
use lots_knowledge::{Answer, Answers};

use crate::reply::Reply;

/// Related sections shown under the best answer.
const RELATED: usize = 2;

/// The national support line for professionals (Jämställdhetsmyndigheten, NSPM): where to turn
/// when the guidance has no answer. A public number, stated by the agency.
const SUPPORT_LINE: &str = "020-39 00 00";

/// Renders answers in the question's language.
pub fn render(answers: &Answers) -> Reply {
    let sv = answers.lang == Lang::Sv;
    let Some(best) = answers.best() else {
        let text = if sv {
            format!(
                "Jag har inget säkert svar på det i vägledningen. Fråga regionkoordinatorn i er region eller ring \
                 stödtelefonen för yrkesverksamma, {SUPPORT_LINE} (vardagar, kontorstid). Vid akut fara: 112."
            )
        } else {
            format!(
                "I have no reliable answer to that in the guidance. Ask your regional coordinator or call the \
                 national support line for professionals, {SUPPORT_LINE} (weekdays, office hours). In acute danger: 112."
            )
        };
        return Reply::from_markdown(text);
    };
    let mut out = best.passage.marked();
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
        }
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

//! Reading a message as staff write it: a case description of several sentences with the
//! question somewhere in it. The question sentences are what is asked (their words are the
//! lexical query and their meaning the semantic one); the whole message is the context, whose
//! meaning is a feature of its own.

use crate::analysis::split_words;

/// A message longer than this many words, or of more sentences than [`LONG_SENTENCES`], is
/// read as a case description.
const LONG_WORDS: usize = 30;
/// See [`LONG_WORDS`].
const LONG_SENTENCES: usize = 2;
/// Words a question sentence starts with, besides ending with a question mark (Swedish and
/// English; staff often leave the mark out).
const QUESTION_STARTS: &[&str] = &[
    "vem", "vad", "hur", "när", "var", "vart", "vilka", "vilken", "vilket", "varför", "får", "kan",
    "ska", "måste", "behöver", "finns", "gäller", "har", "är", "bör", "undrar", "who", "what",
    "how", "when", "where", "which", "why", "can", "could", "should", "must", "do", "does", "is",
    "are", "may",
];

/// A message's question and its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// What is asked: the question sentences of a long message, else the whole message.
    pub question: String,
    /// The whole message, when it is a case description around its question.
    pub context: Option<String>,
}

impl Message {
    /// Reads `text`.
    pub fn read(text: &str) -> Message {
        let whole = || Message {
            question: text.to_owned(),
            context: None,
        };
        let words = split_words(text).count();
        let sentences = sentences(text);
        if words <= LONG_WORDS && sentences.len() <= LONG_SENTENCES {
            return whole();
        }
        let questions: Vec<&str> = sentences
            .iter()
            .copied()
            .filter(|s| is_question(s))
            .collect();
        if questions.is_empty() || questions.len() == sentences.len() {
            return whole();
        }
        Message {
            question: questions.join(" "),
            context: Some(text.to_owned()),
        }
    }
}

/// The sentences of a chat message: ended by `.`, `!` or `?` before a space, or by a line
/// break; staff often start the next one in lower case.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let ends =
            c == '\n' || (matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace));
        if ends {
            let end = i + c.len_utf8();
            let s = text[start..end].trim();
            if split_words(s).next().is_some() {
                out.push(s);
            }
            start = end;
        }
    }
    let rest = text[start..].trim();
    if split_words(rest).next().is_some() {
        out.push(rest);
    }
    out
}

/// Whether `sentence` asks something: it ends with a question mark, or its first word is a
/// question word or an inverted modal (*får hon …*).
fn is_question(sentence: &str) -> bool {
    if sentence.trim_end().ends_with('?') {
        return true;
    }
    split_words(sentence)
        .next()
        .is_some_and(|(_, w)| QUESTION_STARTS.contains(&w.to_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_question_is_the_whole_message() {
        let m = Message::read("vem bokar tolken?");
        assert_eq!(m.question, "vem bokar tolken?");
        assert_eq!(m.context, None);
    }

    #[test]
    fn a_case_description_yields_its_question_sentences() {
        let text = "Vi träffade en kvinna i går på mottagningen. Hon berättade att arbetsgivaren \
                    har hennes id-handlingar och att hon sover i en källare. Hon vill inte gå \
                    till polisen just nu. Kan hon ändå få skyddat boende? Tack för hjälpen.";
        let m = Message::read(text);
        assert_eq!(m.question, "Kan hon ändå få skyddat boende?");
        assert_eq!(m.context.as_deref(), Some(text));
    }

    #[test]
    fn a_question_without_a_mark_is_found_by_its_first_word() {
        let text = "Pojken är 16 och kom hit från Göteborg förra veckan. Socialtjänsten där \
                    hade redan tagit kontakt med polisen. vem ansvarar för honom nu";
        assert_eq!(Message::read(text).question, "vem ansvarar för honom nu");
    }

    #[test]
    fn a_long_message_without_a_question_is_read_whole() {
        let text = "En ung man bor hos oss sedan i måndags och har blivit lovad arbete på en \
                    byggarbetsplats. Han saknar egna pengar och vet inte vart han ska ta vägen. \
                    Polisen är informerad.";
        let m = Message::read(text);
        assert_eq!(m.question, text);
        assert_eq!(m.context, None);
    }
}

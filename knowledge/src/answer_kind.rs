//! What kind of fact a question asks for, when the kind is one a text visibly has or lacks.
//!
//! *vad har kvinnojouren för nummer?* is answered only by a section that holds a
//! phone number, *when is … open?* only by one that holds opening hours. A
//! section about the right topic without the fact is not an answer: an asker who wants a number
//! and gets advice about phoning is worse off than one who is told the guidance has no number.
//! Classic question answering calls this the expected answer type; Lots knows four whose
//! presence in a text can be seen from its characters: a phone number, an email address,
//! opening hours, a cost.
//!
//! Besides these kinds, a text records whether it states a duration (`30 dagar`, `sex månader`).
//! A question of how long (*hur länge …?*) prefers a section that states one but does not
//! require it: "until the trial is over" answers it too.
//!
//! A yes/no question (*finns det ett särskilt nummer …?*, *is there a number …?*) asks whether
//! the fact exists, and "no" is an answer: it asks for no kind.

use crate::analysis::{is_number, is_time_unit, split_words};

/// A fact a question can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    /// A phone number: *nummer*, *telefonnummer*, *number*.
    PhoneNumber,
    /// Opening hours: *öppettider*, *opening hours*, *när har … öppet*.
    OpeningHours,
    /// An email address: *mejladress*, *e-post*, *email*.
    Email,
    /// A cost: *vad kostar …*, *hur mycket kostar …*, *vad är avgiften*, *what does … cost*.
    /// Answered by an amount (`500 kr`) or by its being free (`kostnadsfritt`).
    Cost,
}

/// The kinds of fact a text holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts(u8);

impl Facts {
    /// What `text` holds.
    pub fn of_text(text: &str) -> Facts {
        let mut facts = Facts::default();
        let lower = text.to_lowercase();
        if has_phone_number(text) {
            facts.0 |= AnswerKind::PhoneNumber.bit();
        }
        if has_opening_hours(&lower) {
            facts.0 |= AnswerKind::OpeningHours.bit();
        }
        if has_email(text) {
            facts.0 |= AnswerKind::Email.bit();
        }
        if has_cost(&lower) {
            facts.0 |= AnswerKind::Cost.bit();
        }
        if has_duration(&lower) {
            facts.0 |= DURATION_BIT;
        }
        facts
    }

    /// The facts of both.
    pub fn and(self, other: Facts) -> Facts {
        Facts(self.0 | other.0)
    }

    /// Whether the text holds a fact of `kind`.
    pub fn has(self, kind: AnswerKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// Whether the text states a duration (`30 dagar`, `six months`).
    pub fn states_duration(self) -> bool {
        self.0 & DURATION_BIT != 0
    }
}

/// The bit of [`Facts`] for a stated duration, beside those of the [`AnswerKind`]s.
const DURATION_BIT: u8 = 16;

/// Words that start a yes/no question.
const YES_NO_STARTS: &[&str] = &[
    "finns", "har", "kan", "är", "får", "måste", "ska", "behöver", "gäller", "is", "are", "does",
    "do", "has", "have", "can", "may", "must", "should",
];
/// Words that ask for a phone number.
const NUMBER_WORDS: &[&str] = &[
    "nummer",
    "numret",
    "numren",
    "telefonnummer",
    "telefonnumret",
    "telefonnumren",
    "number",
    "numbers",
];
/// Words that ask for opening hours.
const HOURS_WORDS: &[&str] = &["öppettid", "öppettider", "öppettiden", "öppettiderna"];
/// With *när*/*when* first, words that ask when a place is open: the adjective, not the verb
/// (*när kan vi öppna ett ärende?* asks no opening hours). English *open* is both, so it
/// counts after a copula (*when is the office open?*) or as *opens*.
const OPEN_WORDS: &[&str] = &["öppet", "öppen", "opens"];
/// Words that ask for an email address (`e-post` is split at its hyphen: `post`).
const EMAIL_WORDS: &[&str] = &[
    "epost",
    "epostadress",
    "epostadressen",
    "mejl",
    "mejlen",
    "mejladress",
    "mejladressen",
    "mail",
    "mailen",
    "mailadress",
    "mailadressen",
    "email",
    "emailadress",
];
/// After *vad*/*hur*/*what*/*how* first, words that ask what something costs. *Vem står för
/// kostnaden?* asks who pays, not how much.
const COST_WORDS: &[&str] = &[
    "kostar",
    "kosta",
    "kostat",
    "kostnad",
    "kostnaden",
    "pris",
    "priset",
    "avgift",
    "avgiften",
    "cost",
    "costs",
    "price",
    "fee",
    "fees",
];

impl AnswerKind {
    fn bit(self) -> u8 {
        match self {
            AnswerKind::PhoneNumber => 1,
            AnswerKind::OpeningHours => 2,
            AnswerKind::Cost => 4,
            AnswerKind::Email => 8,
        }
    }

    /// Whether the question's word `word` asks for this kind (*nummer*, *öppettider*,
    /// *opening*, *hours*). A section that holds the fact covers that word.
    pub fn is_asked_by(self, word: &str) -> bool {
        let word = word.to_lowercase();
        match self {
            AnswerKind::PhoneNumber => NUMBER_WORDS.contains(&word.as_str()),
            AnswerKind::OpeningHours => {
                HOURS_WORDS.contains(&word.as_str())
                    || OPEN_WORDS.contains(&word.as_str())
                    || ["opening", "hours", "times", "open"].contains(&word.as_str())
            }
            AnswerKind::Cost => COST_WORDS.contains(&word.as_str()),
            AnswerKind::Email => {
                EMAIL_WORDS.contains(&word.as_str())
                    || [
                        "post",
                        "postadress",
                        "postadressen",
                        "e-post",
                        "e-postadress",
                        "e-mail",
                    ]
                    .contains(&word.as_str())
            }
        }
    }
}

/// The kind of fact `question` asks for, if it asks for one of [`AnswerKind`].
pub fn asked_for(question: &str) -> Option<AnswerKind> {
    let lower = question.to_lowercase();
    let words: Vec<&str> = split_words(&lower).map(|(_, w)| w).collect();
    let first = *words.first()?;
    if YES_NO_STARTS.contains(&first) {
        return None;
    }
    let followed_by = |i: usize, next: &str| words.get(i + 1).is_some_and(|w| *w == next);
    let hours = words.iter().enumerate().any(|(i, w)| {
        HOURS_WORDS.contains(w)
            || (*w == "opening" && (followed_by(i, "hours") || followed_by(i, "times")))
    }) || ((first == "när" || first == "when")
        && words.iter().enumerate().any(|(i, w)| {
            OPEN_WORDS.contains(w)
                || (*w == "open" && words[..i].iter().any(|b| matches!(*b, "is" | "are")))
        }));
    if hours {
        return Some(AnswerKind::OpeningHours);
    }
    if ["vad", "hur", "what", "how"].contains(&first)
        && words.iter().any(|w| COST_WORDS.contains(w))
    {
        return Some(AnswerKind::Cost);
    }
    // *the number of victims* asks for a count, not a phone number.
    let number = words
        .iter()
        .enumerate()
        .any(|(i, w)| NUMBER_WORDS.contains(w) && !followed_by(i, "of"));
    if number {
        return Some(AnswerKind::PhoneNumber);
    }
    let email = words.iter().enumerate().any(|(i, w)| {
        EMAIL_WORDS.contains(w)
            || (*w == "e"
                && words
                    .get(i + 1)
                    .is_some_and(|n| ["post", "postadress", "postadressen", "mail"].contains(n)))
    });
    email.then_some(AnswerKind::Email)
}

/// A phone number: digit groups joined by spaces or hyphens with at least five digits in all
/// (`020-39 00 00`, `114 14`, `116 006`), or the emergency number 112. A date (`2026-02-09`) is
/// not one.
fn has_phone_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_alphanumeric()) {
            i += 1;
            continue;
        }
        // One run: digit groups separated by a single space or hyphen.
        let mut digits = 0;
        let mut groups = Vec::new();
        let mut group = 0;
        let mut j = i;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() {
                digits += 1;
                group += 1;
                j += 1;
            } else if matches!(c, ' ' | '-' | '\u{a0}')
                && chars.get(j + 1).is_some_and(char::is_ascii_digit)
            {
                groups.push(group);
                group = 0;
                j += 1;
            } else {
                break;
            }
        }
        groups.push(group);
        let ends_in_word = chars.get(j).is_some_and(|c| c.is_alphanumeric());
        let is_date = groups == [4, 2, 2];
        // A year is four digits; two years next to each other are not a number.
        let is_years = groups.iter().all(|g| *g == 4);
        // An amount: `25 000 kr`.
        let rest: String = chars[j..chars.len().min(j + 8)]
            .iter()
            .collect::<String>()
            .to_lowercase();
        let is_amount = [" kr", " kronor", " sek", ":-", " euro"]
            .iter()
            .any(|unit| rest.starts_with(unit));
        if !ends_in_word && !is_date && !is_years && !is_amount {
            if digits >= 5 {
                return true;
            }
            if chars[i..j] == ['1', '1', '2'] {
                return true;
            }
        }
        i = j.max(i + 1);
    }
    false
}

/// Opening hours in lower-cased text: a time of day (`08.30–16.00`, `kl. 9`, `9:00`) or words
/// that state them (`dygnet runt`, `vardagar`, `kontorstid`, `around the clock`, `weekdays`).
fn has_opening_hours(lower: &str) -> bool {
    const WORDS: &[&str] = &[
        "dygnet runt",
        "alla dagar",
        "vardagar",
        "kontorstid",
        "öppettid",
        "around the clock",
        "24/7",
        "weekdays",
        "office hours",
        "opening hours",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // A time of day: one or two digits, `.` or `:`, two digits (`08.30`, `9:00`), standing alone.
    let chars: Vec<char> = lower.chars().collect();
    chars.windows(4).enumerate().any(|(i, w)| {
        let (hour, sep, m1, m2) = (w[0], w[1], w[2], w[3]);
        let two_digits_before =
            i >= 2 && chars[i - 1].is_ascii_digit() && chars[i - 2].is_ascii_digit();
        hour.is_ascii_digit()
            && !two_digits_before
            && matches!(sep, '.' | ':')
            && m1.is_ascii_digit()
            && m2.is_ascii_digit()
            && matches!(m1, '0'..='5')
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
    }) || lower.contains("kl. ")
        || lower.contains("klockan ")
}

/// An email address: `@` with a name before it and a domain with a dot after it
/// (`mottagningen@lund.example`).
fn has_email(text: &str) -> bool {
    text.match_indices('@').any(|(i, _)| {
        let before = text[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let domain: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
            .collect();
        let domain = domain.trim_end_matches('.');
        before && domain.contains('.') && !domain.starts_with('.')
    })
}

/// A cost in lower-cased text: an amount of money (`500 kr`, `25 000 kronor`, `SEK 300`,
/// `40 €`) or a statement that something is free (`kostnadsfritt`, `gratis`, `free of charge`,
/// `utan kostnad`). One pass over the words: every section's facts are read when an index opens.
fn has_cost(lower: &str) -> bool {
    const FREE_STEMS: &[&str] = &["kostnadsfri", "avgiftsfri", "gratis"];
    const CURRENCIES: &[&str] = &["kr", "kronor", "sek", "euro", "eur"];
    let is_figure = |w: &str| w.starts_with(|c: char| c.is_ascii_digit());
    let (mut before, mut previous) = ("", "");
    let words = split_words(lower).any(|(_, w)| {
        let cost = FREE_STEMS.iter().any(|f| w.starts_with(f))
            || (is_figure(previous) && CURRENCIES.contains(&w))
            || (previous == "sek" && is_figure(w))
            || (before == "free" && previous == "of" && w == "charge")
            || (before == "at" && previous == "no" && w == "cost")
            || (previous == "costs" && w == "nothing")
            || (previous == "utan" && w == "kostnad");
        (before, previous) = (previous, w);
        cost
    });
    words || lower.contains(":-") || lower.contains(" €")
}

/// A duration in lower-cased text: a number, in figures or words, followed by a unit of time
/// (`30 dagar`, `30 dagars`, `sex månader`, `ett år`, `the 30-day period`).
fn has_duration(lower: &str) -> bool {
    // Besides `is_number`: the words for one and six, which are other words elsewhere (`en`
    // the article, `sex`) but numbers before a unit of time.
    const ONE_OR_SIX: &[&str] = &["en", "ett", "sex", "one"];
    let mut previous = "";
    split_words(lower).any(|(_, w)| {
        let duration = is_time_unit(w) && (is_number(previous) || ONE_OR_SIX.contains(&previous));
        previous = w;
        duration
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_that_ask_for_a_phone_number_or_opening_hours() {
        let number = Some(AnswerKind::PhoneNumber);
        let hours = Some(AnswerKind::OpeningHours);
        for (q, want) in [
            ("vad har migrationsverkets handläggare för nummer?", number),
            ("vilket nummer har brottsofferjouren", number),
            ("nummer till samordnarna i värmland?", number),
            ("vad har kvinnojouren i Lund för telefonnummer", number),
            ("number for the regional coordinator?", number),
            ("vilka öppettider har mottagningen?", hours),
            ("which opening times does the drop-in centre keep?", hours),
            ("när har mottagningen öppet?", hours),
            ("when is the clinic open?", hours),
            ("when does the clinic open?", None),
            ("när kan vi öppna ett ärende hos socialtjänsten?", None),
            ("when can we open a case file?", None),
            // Yes/no: "no" answers it.
            ("finns det ett särskilt nummer för tolkar?", None),
            ("is there a separate number for interpreters?", None),
            ("är mottagningen öppen i helgen", None),
            // A count, an identity number, a topic.
            ("what is the number of victims identified each year?", None),
            ("kan hon få sjukvård utan personnummer", None),
            ("vem kontaktar vi utanför kontorstid?", None),
            ("when does the reflection period start?", None),
            ("vad kostar en resa hem?", Some(AnswerKind::Cost)),
            ("hur mycket kostar läkarbesöket?", Some(AnswerKind::Cost)),
            ("what does an interpreter cost?", Some(AnswerKind::Cost)),
            ("vem står för kostnaden för vården?", None),
            ("kostar det något att ringa?", None),
            (
                "vad har mottagningen för mejladress?",
                Some(AnswerKind::Email),
            ),
            ("vilken e-post har socialtjänsten?", Some(AnswerKind::Email)),
            (
                "which email address does the shelter in Umeå use?",
                Some(AnswerKind::Email),
            ),
            ("finns det en e-postadress till regionkoordinatorn?", None),
        ] {
            assert_eq!(asked_for(q), want, "{q}");
        }
    }

    #[test]
    fn phone_numbers_in_text() {
        for text in [
            "Ring 020-39 00 00 vardagar.",
            "polisen på 114 14",
            "Brottsofferjouren: 116 006.",
            "nås via 112 och SOS Alarm",
            "070-174 06 56 (exempelnummer)",
            "call +46 70 174 06 60",
        ] {
            assert!(Facts::of_text(text).has(AnswerKind::PhoneNumber), "{text}");
        }
        for text in [
            "Ring socialjouren.",
            "Sedan 2019 och 2021 finansierar regionen.",
            "uppdaterad 2026-02-09",
            "av de 124 personer som fick stöd 2023 var 11 barn",
            "4 kap. 1 a § brottsbalken",
            "SFS 2016:1070",
            "ring 1120 gånger",
            "ersättning på 25 000 kr",
        ] {
            assert!(!Facts::of_text(text).has(AnswerKind::PhoneNumber), "{text}");
        }
    }

    #[test]
    fn email_addresses_in_text() {
        assert!(Facts::of_text("Skriv till mottagningen@lund.example.").has(AnswerKind::Email));
        assert!(Facts::of_text("visa.app@migrationsverket.se").has(AnswerKind::Email));
        for text in ["Skicka inget med e-post.", "@samordnare i rummet", "a@b"] {
            assert!(!Facts::of_text(text).has(AnswerKind::Email), "{text}");
        }
    }

    #[test]
    fn costs_in_text() {
        for text in [
            "Biträdet är kostnadsfritt för målsäganden.",
            "Samtalet är gratis.",
            "avgiften är 300 kr per besök",
            "ersättning på 25 000 kronor",
            "The line is free of charge.",
            "Tolken betalas av myndigheten, utan kostnad för personen.",
            "SEK 300 per visit",
        ] {
            assert!(Facts::of_text(text).has(AnswerKind::Cost), "{text}");
        }
        for text in [
            "Ring 020-39 00 00 vardagar.",
            "Kommunen ansöker om ersättning för kostnaderna.",
            "4 kap. 1 a § brottsbalken",
        ] {
            assert!(!Facts::of_text(text).has(AnswerKind::Cost), "{text}");
        }
    }

    #[test]
    fn durations_in_text() {
        for text in [
            "Betänketiden är 30 dagar.",
            "ett beslut som gäller sex månader",
            "30 dagars betänketid",
            "stöd i högst ett år",
            "a 30-day period",
            "within 24 hours",
        ] {
            assert!(Facts::of_text(text).states_duration(), "{text}");
        }
        for text in [
            "Sedan den 1 augusti 2022 kan socialnämnden ansöka.",
            "vardagar 08.00–16.00",
            "Sex är inte ett arbete i lagens mening.",
            "De senaste åren har fler ärenden kommit in.",
        ] {
            assert!(!Facts::of_text(text).states_duration(), "{text}");
        }
        // A duration is no cost, and a cost no duration.
        assert!(!Facts::of_text("30 dagar").has(AnswerKind::Cost));
        assert!(!Facts::of_text("300 kr").states_duration());
    }

    #[test]
    fn opening_hours_in_text() {
        for text in [
            "vardagar 08.30–16.00",
            "Öppet dygnet runt.",
            "bemannad under kontorstid",
            "open weekdays 9:00 to 17:00",
            "nås kl. 8 till 12",
        ] {
            assert!(Facts::of_text(text).has(AnswerKind::OpeningHours), "{text}");
        }
        for text in [
            "Ansökan görs av förundersökningsledaren.",
            "betänketid i 30 dagar",
            "SFS 2016:1070",
            "the permit lasts 6.5 months",
        ] {
            assert!(
                !Facts::of_text(text).has(AnswerKind::OpeningHours),
                "{text}"
            );
        }
    }
}

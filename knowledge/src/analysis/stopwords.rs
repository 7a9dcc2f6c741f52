//! Stop words: function words that carry no subject matter, per language.
//!
//! The Swedish list also holds the colloquial spellings staff type in chat (`nån`, `nåt`, `dom`)
//! and the question words of a question (`vad`, `vem`, `hur`): they say *that* something is asked,
//! not *what*. Written for Lots; the lists are ordinary Swedish and English function words.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::{Lang, fold};

const SWEDISH: &[&str] = &[
    "alla",
    "allt",
    "alltså",
    "andra",
    "att",
    "av",
    "bara",
    "bli",
    "blir",
    "blev",
    "bliva",
    "både",
    "de",
    "dem",
    "den",
    "denna",
    "denne",
    "dess",
    "dessa",
    "det",
    "detta",
    "dig",
    "din",
    "dina",
    "ditt",
    "dom",
    "du",
    "där",
    "då",
    "efter",
    "ej",
    "eller",
    "en",
    "er",
    "era",
    "ert",
    "ett",
    "ens",
    "från",
    "för",
    "ha",
    "hade",
    "han",
    "hans",
    "har",
    "hela",
    "henne",
    "hennes",
    "hit",
    "hon",
    "honom",
    "hur",
    "här",
    "i",
    "icke",
    "ingen",
    "inom",
    "jag",
    "just",
    "ju",
    "kan",
    "kunde",
    "man",
    "med",
    "mellan",
    "men",
    "mig",
    "min",
    "mina",
    "mitt",
    "mot",
    "mycket",
    "måste",
    "ni",
    "nu",
    "när",
    "någon",
    "något",
    "några",
    "nån",
    "nåt",
    "nånting",
    "och",
    "också",
    "om",
    "oss",
    "på",
    "samma",
    "sedan",
    "sig",
    "sin",
    "sina",
    "sitta",
    "själv",
    "skulle",
    "ska",
    "skall",
    "som",
    "så",
    "sådan",
    "sådana",
    "sådant",
    "sån",
    "till",
    "under",
    "upp",
    "ut",
    "utan",
    "vad",
    "var",
    "vara",
    "varför",
    "varit",
    "varje",
    "vars",
    "vart",
    "vem",
    "vi",
    "vid",
    "vilka",
    "vilkas",
    "vilken",
    "vilket",
    "vår",
    "våra",
    "vårt",
    "än",
    "är",
    "åt",
    "över",
    "ens",
    "egentligen",
    "väl",
    "liksom",
    "typ",
    "ju",
    "dock",
    "redan",
    "får",
    "fick",
    "finns",
    "gör",
    "göra",
    "gjorde",
    "går",
    "gå",
    "kommer",
    "kom",
    "behöver",
    "bör",
    "borde",
    "vill",
    "ville",
    "kanske",
    "ändå",
    "fast",
    "nog",
    "sen",
    "länge",
    "ofta",
    "hurdan",
    "nånstans",
    // The other forms of the auxiliary and light verbs above: a verb on the list in one tense
    // is one in all of them (Snowball's list has `blivit` beside `bli`, `blir`, `blev`).
    "blivit",
    "fått",
    "få",
    "gjort",
    "gick",
    "gått",
    "komma",
    "kommit",
    "haft",
    "kunna",
    "kunnat",
    "behövt",
    "velat",
    // Verb particles, like `ut` and `upp` above: `skicka in`, `ta fram`, `lämna bort`.
    "in",
    "fram",
    "bort",
    "iväg",
    // Their forms for where something is: `uppe i norr`, `där ute`, `nere i stan`.
    "uppe",
    "nere",
    "ute",
    "inne",
    "borta",
    // Hedges of a question: "jag tror …".
    "tror",
    "tycker",
    // A preposition and an adverb of course: "enligt avtalet", "gå vidare med saken".
    "enligt",
    "vidare",
    // A conjunction of time, beside `när` and `innan`: "medan utredningen pågår".
    "medan",
    // A preposition of rate: "per dygn".
    "per",
    // Adverbs of degree, and `även` beside `också`: "nästan klart", "ganska sent".
    "nästan",
    "ganska",
    "väldigt",
    "helt",
    "lite",
    "även",
];

const ENGLISH: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did",
    "do", "does", "doing", "during", "each", "for", "from", "further", "had", "has", "have",
    "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "must", "my",
    "myself", "need", "no", "nor", "now", "of", "off", "on", "once", "only", "or", "other", "our",
    "ours", "out", "over", "own", "re", "same", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when",
    "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
    "yours", "s", "t", "per", "don", "what's", "whats", "someone", "somebody", "anyone", "get",
    "gets", "got", "getting", "gotten", "there's", "let", "may", "might", "shall", "one", "ever",
    "long", "often", "much", "many", // Hedges of a question: "I think …".
    "think", "believe", "suppose", "guess",
];

/// Whether `lower` (a lower-cased word) is a stop word in `lang`.
pub fn is_stop_word(lower: &str, lang: Lang) -> bool {
    // Greetings, thanks and filler say nothing of what is asked, in either language.
    crate::small_talk::is_filler(lower)
        || match lang {
            Lang::Sv => SWEDISH.contains(&lower) || is_swedish_stop_word_typed_plain(lower),
            Lang::En => ENGLISH.contains(&lower),
        }
}

/// The Swedish stop words, as written.
pub fn swedish_stop_words() -> &'static [&'static str] {
    SWEDISH
}

/// A Swedish stop word with å, ä or ö as typed on a keyboard without them (`gor`, `nar`,
/// `far`): a question typed so is still Swedish, and its `gor` still says nothing.
fn is_swedish_stop_word_typed_plain(lower: &str) -> bool {
    static PLAIN: OnceLock<HashSet<String>> = OnceLock::new();
    lower.is_ascii()
        && PLAIN
            .get_or_init(|| {
                SWEDISH
                    .iter()
                    .filter(|w| !w.is_ascii())
                    .map(|w| fold(w))
                    .collect()
            })
            .contains(lower)
}

/// How many of `words` are stop words of `lang` as written; the cue for language detection
/// (`over` and `at` are English, whatever `över` and `åt` typed plain are).
pub(super) fn count_stop_words<'a>(words: impl Iterator<Item = &'a str>, lang: Lang) -> usize {
    let list = match lang {
        Lang::Sv => SWEDISH,
        Lang::En => ENGLISH,
    };
    words.filter(|w| list.contains(w)).count()
}

/// The light and modal verbs among the stop words, each form with one lemma shared across the
/// two languages (`gör`, `gjorde`, `does` → `do`). Too common to find a section by, but in a
/// heading they say what the section is about: `Vad samordnaren gör`, `Det här får du inte ta`.
const LIGHT_VERBS: &[(&str, &[&str])] = &[
    (
        "do",
        &[
            "gör", "göra", "görs", "gjorde", "gjort", "gjordes", "do", "does", "did", "doing",
        ],
    ),
    (
        // The copula as a heading uses it (`Vad stödprogrammet är`), not the infinitive of
        // `att vara uppmärksam på`.
        "be",
        &["är", "blir", "is", "are", "was", "were"],
    ),
    ("få", &["får", "få", "fick", "fått"]),
    ("finnas", &["finns", "finnas", "fanns", "funnits"]),
    ("gå", &["går", "gå", "gick", "gått"]),
    ("komma", &["kommer", "komma", "kom", "kommit"]),
    ("need", &["behöver", "behöva", "behövde", "behövt", "need"]),
    ("must", &["måste", "must"]),
    (
        "shall",
        &["ska", "skall", "skulle", "bör", "borde", "should", "shall"],
    ),
    (
        "can",
        &[
            "kan", "kunde", "kunna", "kunnat", "can", "could", "may", "might",
        ],
    ),
    ("want", &["vill", "ville", "velat"]),
    ("get", &["get", "gets", "got", "getting", "gotten"]),
];

/// The lemma of `lower` when it is a light or modal verb of [`LIGHT_VERBS`].
pub fn light_verb(lower: &str) -> Option<&'static str> {
    lemma_in(LIGHT_VERBS, lower)
}

/// Prepositions and conjunctions among the stop words that change what a heading is about
/// (`After the reflection period`, `Stöd utan polisanmälan`), each with one lemma shared across
/// the two languages.
const RELATIONS: &[(&str, &[&str])] = &[
    ("after", &["efter", "after"]),
    ("before", &["före", "innan", "before"]),
    ("without", &["utan", "without"]),
    ("during", &["under", "medan", "during", "while"]),
];

/// The lemma of `lower` when it is a relation word of [`RELATIONS`].
pub fn relation_word(lower: &str) -> Option<&'static str> {
    lemma_in(RELATIONS, lower)
}

/// The lemma whose forms in `table` include `lower`.
fn lemma_in(table: &[(&'static str, &[&str])], lower: &str) -> Option<&'static str> {
    // `gor` typed plain is `gör`.
    let plain = |form: &&str| {
        !form.is_ascii()
            && lower.is_ascii()
            && form.chars().count() == lower.len()
            && fold(form) == lower
    };
    table
        .iter()
        .find(|(_, forms)| forms.contains(&lower) || forms.iter().any(&plain))
        .map(|(lemma, _)| *lemma)
}

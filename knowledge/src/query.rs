//! From a question to what to look for: its concepts, each with the ways it may be written.
//!
//! How it works: every content word of the question is a concept. A concept is found in a section
//! when all terms of one of its alternatives are there:
//! - the word's own stem (weight 1.0);
//! - the parts of a compound (0.85): `människohandelsoffer` → `människohandel` + `offer`;
//! - another inflection the corpus has, only for Swedish words it lacks (0.95): Snowball leaves
//!   the definite `-n` of words in `-o` on the stem (`videon` never meets `video`), or the verb
//!   of a noun made from it (`orosanmälning` → `orosanmäla`);
//! - for a Swedish verb with a particle, the verb with the particle as prefix and its noun, when
//!   the corpus has them (0.95): `följer vi upp` → `uppfölja`, `uppföljning`;
//! - for a Swedish verb, the noun made from it, when the corpus has it (0.95): `utredas` →
//!   `utredning`;
//! - a spelling correction against the corpus vocabulary, only for words the corpus lacks (0.75);
//! - the other terms of a glossary concept (0.9): `reflection period` → `betänketid`. A glossary
//!   phrase of several words becomes one concept;
//! - an age under 18 (`en 14-åring`, `a 17-year-old`) is one concept that also finds `barn` and
//!   `child` (0.9).

use crate::analysis::{
    Analyzer, Lang, Lexicon, detect_lang, fold, is_time_unit, split_words, stem,
};
use crate::answer_kind::{self, AnswerKind};
use crate::glossary::Glossary;

/// Weight of a compound's parts relative to the whole word.
const PARTS_FACTOR: f32 = 0.85;
/// Weight of a glossary equivalent.
const GLOSSARY_FACTOR: f32 = 0.9;
/// Weight of another inflection of the same word.
const INFLECTION_FACTOR: f32 = 0.95;
/// Weight of a spelling correction.
const TYPO_FACTOR: f32 = 0.75;
/// Weight of the word right after "hur"/"how" (*hur lång*, *how many*): it names the kind of
/// answer wanted (a duration, a number), not the topic, so missing it must not sink a section.
const DEGREE_WORD_WEIGHT: f32 = 0.25;

/// One way of finding a concept: all `terms` (folded stems) must be present.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// Folded stems, all required.
    pub terms: Vec<String>,
    /// How much a match through this alternative counts (the question's own word: 1.0).
    pub factor: f32,
}

/// Something the question asks about.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// The question's words for it.
    pub words: String,
    /// The stem as the asker spelled it (diacritics kept), for exact-spelling preference.
    pub exact: Vec<String>,
    /// Ways to find it, best first.
    pub alternatives: Vec<Alternative>,
    /// How much the concept counts in coverage, relative to its idf (1.0 for topic words).
    pub weight: f32,
}

impl Concept {
    /// The best factor among alternatives whose terms all satisfy `has`.
    pub fn match_factor(&self, has: impl Fn(&str) -> bool) -> f32 {
        self.alternatives
            .iter()
            .filter(|a| a.terms.iter().all(|t| has(t)))
            .map(|a| a.factor)
            .fold(0.0, f32::max)
    }
}

/// A question, analysed.
#[derive(Debug, Clone)]
pub struct Query {
    /// Detected language.
    pub lang: Lang,
    /// Its concepts, in question order.
    pub concepts: Vec<Concept>,
    /// It asks for a duration, a number or a date (*hur länge*, *how many*, *när*): sentences
    /// with figures in them answer it better.
    pub wants_quantity: bool,
    /// It asks how long (*hur länge*, *hur lång tid*, *hur många dagar*, *how long*, *längd*):
    /// a section that states a duration answers it better.
    pub wants_duration: bool,
    /// The kind of fact it asks for, when a section visibly has or lacks it (a phone number).
    pub wants: Option<AnswerKind>,
    /// It asks about the asker's own place (*här*, *hos oss*, *i vår kommun*, *here*): a
    /// section about another place's arrangement does not answer it.
    pub about_here: bool,
}

/// Analyses `question` against the corpus `lexicon` and the `glossary`.
pub fn parse_query(question: &str, lexicon: &Lexicon, glossary: &Glossary) -> Query {
    parse_query_with(question, &mut Analyzer::new(lexicon), lexicon, glossary)
}

/// [`parse_query`] with an analyzer that may share its word analyses across questions.
pub fn parse_query_with(
    question: &str,
    analyzer: &mut Analyzer<'_>,
    lexicon: &Lexicon,
    glossary: &Glossary,
) -> Query {
    let lang = detect_lang(question);
    let words = analyzer.analyze(question, lang);
    let lower_question = question.to_lowercase();
    let lower_words: Vec<&str> = split_words(&lower_question).map(|(_, w)| w).collect();
    // Who hands in an application asks who applies; where or how to send it asks the sending.
    let names_document = lower_words.iter().any(|w| is_document_noun(w))
        && !lower_words
            .iter()
            .any(|w| ["vart", "var", "hur", "where", "how"].contains(w));
    let mut concepts: Vec<Concept> = words
        .iter()
        .map(|w| {
            let mut alternatives = vec![Alternative {
                terms: vec![w.forms.folded.clone()],
                factor: 1.0,
            }];
            let parts: Vec<String> = w.forms.parts.iter().map(|p| fold(p)).collect();
            // A compound of words the guidance has is no typo; one with a part it lacks
            // (`målägandebiträde` → `måläg` + `biträde`) may be.
            let known_parts = !parts.is_empty() && parts.iter().all(|p| lexicon.contains(p));
            if !parts.is_empty() {
                alternatives.push(Alternative {
                    terms: parts,
                    factor: PARTS_FACTOR,
                });
            }
            let unknown = !lexicon.contains(&w.forms.folded);
            let typed = question[w.range.clone()].to_lowercase();
            let inflection = (unknown && lang == Lang::Sv)
                .then(|| {
                    other_inflection(&typed, lexicon).or_else(|| typed_plain_stem(&typed, lexicon))
                })
                .flatten();
            if let Some(other) = inflection {
                alternatives.push(Alternative {
                    terms: vec![other],
                    factor: INFLECTION_FACTOR,
                });
            } else if unknown
                && !known_parts
                && let Some(terms) = correct_typed_word(&typed, lexicon)
                    .or_else(|| correct_spelling(&w.forms.folded, lexicon))
                    .map(|fix| vec![fix])
                    .or_else(|| correct_compound_part(&typed, lexicon))
            {
                alternatives.push(Alternative {
                    terms,
                    factor: TYPO_FACTOR,
                });
            }
            let lower = typed;
            if lang == Lang::Sv {
                // A verb meets the noun made from it (`utredas` finds `utredning`), a
                // particle verb its prefixed verb and noun (`följer vi upp` → `uppföljning`).
                let nouns = nouns_of_verb(&w.forms.folded)
                    .filter(|n| n.chars().count() >= 7 && lexicon.contains(n));
                let joined = prefixed_by_particle(&lower, &question[w.range.end..], lexicon);
                let applies = applying(&lower, &question[w.range.end..], lexicon);
                for term in nouns.chain(joined).chain(applies) {
                    alternatives.push(Alternative {
                        terms: vec![term],
                        factor: INFLECTION_FACTOR,
                    });
                }
            }
            let weighs_little = (follows_how(&question[..w.range.start]) && is_degree_word(&lower))
                || is_measure_noun(&lower)
                || is_person_word(&lower)
                || (names_document && hands_in(&lower));
            Concept {
                words: question[w.range.clone()].to_owned(),
                exact: vec![w.forms.stem.clone()],
                alternatives,
                weight: if weighs_little {
                    DEGREE_WORD_WEIGHT
                } else {
                    1.0
                },
            }
        })
        .collect();

    let keyed: Vec<(String, Vec<String>)> = words
        .iter()
        .map(|w| {
            (
                w.forms.folded.clone(),
                w.forms.parts.iter().map(|p| fold(p)).collect(),
            )
        })
        .collect();
    // Apply glossary matches from the back so merging words keeps earlier indices valid.
    let mut matches = glossary.find(&keyed, lang);
    matches.sort_by_key(|&(_, start, len)| (std::cmp::Reverse(start), std::cmp::Reverse(len)));
    let mut merged_from = usize::MAX;
    for (concept, start, len) in matches {
        if start + len > merged_from {
            continue; // overlaps a longer phrase already merged
        }
        let (whole, parts) = &keyed[start];
        let matched_part = (len == 1 && !concept.terms.iter().any(|t| t.stems == [whole.clone()]))
            .then(|| {
                parts
                    .iter()
                    .find(|p| concept.terms.iter().any(|t| t.stems == [(*p).clone()]))
            })
            .flatten();
        let target = if len > 1 {
            merged_from = start;
            merge_concepts(&mut concepts, start, len)
        } else {
            &mut concepts[start]
        };
        for term in &concept.terms {
            let mut terms = term.stems.clone();
            if let Some(part) = matched_part {
                // A compound matched through one part: the equivalent replaces that part only.
                terms.extend(parts.iter().filter(|p| *p != part).cloned());
            }
            let alt = Alternative {
                terms,
                factor: GLOSSARY_FACTOR,
            };
            if !target.alternatives.iter().any(|a| a.terms == alt.terms) {
                target.alternatives.push(alt);
            }
        }
    }
    merge_child_ages(&mut concepts);
    Query {
        lang,
        concepts,
        wants_quantity: wants_quantity(&lower_words),
        wants_duration: wants_duration(&lower_words),
        wants: answer_kind::asked_for(question),
        about_here: about_here(&lower_words),
    }
}

/// Merges the `len` concepts from `start` into one that needs all their words (a phrase).
fn merge_concepts(concepts: &mut Vec<Concept>, start: usize, len: usize) -> &mut Concept {
    let merged: Vec<Concept> = concepts.drain(start..start + len).collect();
    let terms = merged
        .iter()
        .map(|c| c.alternatives[0].terms[0].clone())
        .collect();
    let words = merged
        .iter()
        .map(|c| c.words.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let exact = merged.into_iter().flat_map(|c| c.exact).collect();
    concepts.insert(
        start,
        Concept {
            words,
            exact,
            alternatives: vec![Alternative { terms, factor: 1.0 }],
            weight: 1.0,
        },
    );
    &mut concepts[start]
}

/// Below this age a person is a child in law (and in the guidance, whatever they agreed to).
const ADULT_AGE: u32 = 18;

/// An age under 18 (`en 14-åring`, `15 år gammal`, `a 17-year-old`) is one concept that also
/// finds what the guidance says about children: the number and its age word, or `barn`/`child`.
fn merge_child_ages(concepts: &mut Vec<Concept>) {
    let mut i = 0;
    while i < concepts.len() {
        let age = concepts[i]
            .words
            .parse::<u32>()
            .ok()
            .filter(|&n| n < ADULT_AGE);
        let words: Vec<String> = concepts[i + 1..]
            .iter()
            .take(2)
            .map(|c| c.words.to_lowercase())
            .collect();
        let age_words = match words.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            [w, ..] if w.starts_with("åring") || w.starts_with("årig") => 1,
            ["år", w, ..] if w.starts_with("gamm") => 2,
            ["year" | "years", "old", ..] => 2,
            _ => 0,
        };
        if age.is_none() || age_words == 0 {
            i += 1;
            continue;
        }
        let merged = merge_concepts(concepts, i, age_words + 1);
        for (word, lang) in [("barn", Lang::Sv), ("child", Lang::En)] {
            merged.alternatives.push(Alternative {
                terms: vec![fold(&stem(word, lang))],
                factor: GLOSSARY_FACTOR,
            });
        }
        i += 1;
    }
}

/// Whether a question's lower-cased `words` point at the asker's own place: `här` (not the
/// demonstrative `det här`), `hos oss`, `vår kommun`, `här i stan`; `here`, `our city`.
fn about_here(words: &[&str]) -> bool {
    const DEMONSTRATIVE: &[&str] = &["det", "den", "de", "dom"];
    const OUR: &[&str] = &["vår", "vårt", "våra", "our"];
    const PLACE: &[&str] = &[
        "kommun",
        "stad",
        "ort",
        "region",
        "län",
        "city",
        "town",
        "municipality",
        "area",
        "region",
        "county",
    ];
    words.iter().enumerate().any(|(i, w)| {
        let before = i.checked_sub(1).map(|j| words[j]);
        let after = words.get(i + 1).copied();
        match *w {
            "här" | "härifrån" => !before.is_some_and(|b| DEMONSTRATIVE.contains(&b)),
            "here" => true,
            "hos" => after == Some("oss"),
            "stan" => true,
            _ => OUR.contains(w) && after.is_some_and(|a| PLACE.contains(&a)),
        }
    })
}

/// "hur länge/lång/många/mycket/ofta/gammal", "how long/many/much/often/old", "när", "when".
fn wants_quantity(words: &[&str]) -> bool {
    words.first().is_some_and(|w| *w == "när" || *w == "when")
        || words.iter().any(|w| is_measure_noun(w))
        || words
            .windows(2)
            .any(|p| (p[0] == "hur" || p[0] == "how") && QUANTITY_WORDS.contains(&p[1]))
}

/// "hur länge", "hur lång tid", "hur många dagar/veckor/…", "how long", "how many days", and
/// the nouns of length (*beslutets längd?*), in lower-cased words.
fn wants_duration(words: &[&str]) -> bool {
    let how = |w: &str| w == "hur" || w == "how";
    words.iter().any(|w| is_measure_noun(w))
        || words
            .windows(2)
            .any(|p| how(p[0]) && (p[1] == "länge" || p[1] == "long"))
        || words.windows(3).any(|p| {
            how(p[0])
                && ((p[1] == "lång" && p[2] == "tid")
                    || ((p[1] == "många" || p[1] == "many") && is_time_unit(p[2])))
        })
}

/// Adjectives and adverbs of degree that, after "hur"/"how", ask for a measure (*hur stor*,
/// *how far*); a verb after "hur" (*hur anmäler man*) names the topic and keeps its weight.
fn is_degree_word(word: &str) -> bool {
    const OTHER_DEGREE: &[&str] = &[
        "stor",
        "stort",
        "stora",
        "snabbt",
        "tidigt",
        "sent",
        "sen",
        "dyr",
        "dyrt",
        "mkt",
        "nära",
        "långtgående",
        "allvarlig",
        "allvarligt",
        "säker",
        "säkert",
        "viktig",
        "viktigt",
        "big",
        "large",
        "soon",
        "early",
        "late",
        "far",
        "fast",
        "quickly",
        "serious",
        "sure",
        "important",
        "expensive",
    ];
    let lower = word.to_lowercase();
    QUANTITY_WORDS.contains(&lower.as_str()) || OTHER_DEGREE.contains(&lower.as_str())
}

/// Nouns (lower-case) for the person a question is about (*klienten*, *killen*, *a client*): like *hon*, they
/// say whom the question concerns, not what it asks, and guidance says *personen* instead.
fn is_person_word(word: &str) -> bool {
    const PERSON_WORDS: &[&str] = &[
        "klient",
        "klienten",
        "klienter",
        "klienterna",
        "tjej",
        "tjejen",
        "tjejer",
        "tjejerna",
        "kille",
        "killen",
        "killar",
        "killarna",
        "kvinna",
        "kvinnan",
        "kvinnor",
        "kvinnorna",
        "mannen",
        "individ",
        "individen",
        "brukare",
        "brukaren",
        "client",
        "clients",
        "woman",
        "women",
        "girl",
        "girls",
        "guy",
        "individual",
    ];
    PERSON_WORDS.contains(&word)
}

/// Verbs (lower-case) of handing a document in (*skicka in*, *lämna in*, *submit*). With the
/// document named (*vem lämnar in anmälan?*) they ask no more than its own verb does (*vem
/// anmäler?*), and guidance often says only that: `Ansökan görs via regionkoordinatorn`.
fn hands_in(word: &str) -> bool {
    const HANDING_IN: &[&str] = &[
        "skicka",
        "skickar",
        "skickas",
        "skickade",
        "skickat",
        "lämna",
        "lämnar",
        "lämnas",
        "lämnade",
        "lämnat",
        "submit",
        "submits",
        "submitted",
        "send",
        "sends",
        "sent",
        "file",
        "files",
        "filed",
    ];
    HANDING_IN.contains(&word)
}

/// Nouns (lower-case) for a document one hands in: an application, a report, a form, also in
/// compounds (*stödansökan*, *orosanmälan*).
fn is_document_noun(word: &str) -> bool {
    const ENGLISH: &[&str] = &["application", "applications", "form", "forms", "report"];
    [
        "ansökan",
        "ansökningen",
        "ansökningar",
        "anmälan",
        "anmälningen",
        "blankett",
        "begäran",
    ]
    .iter()
    .any(|d| word.contains(d))
        || ENGLISH.contains(&word)
}

/// Nouns (lower-case) that ask for a measure of the topic, as *hur lång* does: *beslutets längd?*
fn is_measure_noun(word: &str) -> bool {
    const MEASURE_NOUNS: &[&str] = &[
        "längd",
        "längden",
        "längder",
        "varaktighet",
        "varaktigheten",
        "length",
        "duration",
    ];
    MEASURE_NOUNS.contains(&word)
}

/// Words that after "hur"/"how" ask for a duration or a number (*hur länge*, *how many*).
const QUANTITY_WORDS: &[&str] = &[
    "länge", "lång", "långt", "långa", "många", "mycket", "ofta", "gammal", "gamla", "long",
    "many", "much", "often", "old",
];

/// The text before a word ends with the interrogative "hur" or "how".
fn follows_how(before: &str) -> bool {
    let last = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default();
    last.eq_ignore_ascii_case("hur") || last.eq_ignore_ascii_case("how")
}

/// The folded stem of another inflection of the Swedish word `lower` that the corpus has: the
/// word without a definite `-n` after a vowel (`väntelistan` → `väntelista`, `videon` →
/// `video`), or with one (`kvinna` → `kvinnan`, where the corpus only has the definite form).
fn other_inflection(lower: &str, lexicon: &Lexicon) -> Option<String> {
    const VOWELS: &[char] = &['a', 'e', 'o', 'u', 'y', 'å', 'ä', 'ö'];
    if lower.chars().count() < 4 {
        return None;
    }
    let without_n = lower
        .strip_suffix('n')
        .filter(|w| w.ends_with(VOWELS))
        .map(str::to_owned);
    let with_n = lower.ends_with(VOWELS).then(|| format!("{lower}n"));
    let inflected = [without_n, with_n]
        .into_iter()
        .flatten()
        .map(|w| fold(&stem(&w, Lang::Sv)));
    // A noun made from a verb (`utredning` from `utreda`): the verb's stem, when the corpus has it.
    let folded = fold(&stem(lower, Lang::Sv));
    let verb = DERIVATIONS.iter().find_map(|suffix| {
        folded
            .strip_suffix(suffix)
            .filter(|v| v.chars().count() >= 4)
            .map(str::to_owned)
    });
    inflected
        .chain(verb)
        .find(|folded| lexicon.contains(folded))
}

/// The folded stem the corpus has for a Swedish word typed without å, ä and ö. Snowball strips
/// `-ade` from `tilltrade` but only `-e` from `tillträde`, so the plain word's
/// stem (`tilltr`) misses the guidance's folded one (`tilltrad`): that is a
/// prefix of the word longer than its stem.
fn typed_plain_stem(lower: &str, lexicon: &Lexicon) -> Option<String> {
    if !lower.is_ascii() {
        return None;
    }
    let stem = stem(lower, Lang::Sv);
    (stem.len() + 1..=lower.len())
        .rev()
        .map(|n| &lower[..n])
        .find(|prefix| lexicon.contains(prefix))
        .map(str::to_owned)
}

/// Particles of Swedish particle verbs that also join the verb as a prefix: `lämna över` is
/// `överlämna` (and `överlämning`), `följa upp` is `uppfölja` (`uppföljning`), `lämna ut` is
/// `utlämna` (`utlämnande`).
const PARTICLES: &[&str] = &[
    "över", "ut", "upp", "in", "fram", "bort", "av", "till", "på", "om", "ner", "undan", "tillbaka",
];

/// Subject pronouns, which stand between a leading verb and its particle.
const SUBJECT_PRONOUNS: &[&str] = &[
    "jag", "du", "han", "hon", "hen", "vi", "ni", "de", "dom", "man", "den", "det",
];

/// For a Swedish verb followed by a particle (`lämnar över`), the folded stems of the verb with
/// the particle as prefix and of the noun made from it, those the corpus has.
fn prefixed_by_particle(verb: &str, after: &str, lexicon: &Lexicon) -> Vec<String> {
    // The subject may come between when the verb leads the clause: `när följer vi upp`.
    let mut next = split_words(after).map(|(_, w)| w.to_lowercase());
    let particle = next
        .next()
        .filter(|w| !SUBJECT_PRONOUNS.contains(&w.as_str()))
        .or_else(|| next.next());
    let Some(particle) = particle.filter(|p| PARTICLES.contains(&p.as_str())) else {
        return vec![];
    };
    let joined = fold(&stem(&format!("{particle}{verb}"), Lang::Sv));
    std::iter::once(joined.clone())
        .chain(nouns_of_verb(&joined))
        .filter(|candidate| candidate.chars().count() >= 6 && lexicon.contains(candidate))
        .collect()
}

/// `söka om …` and `söka till …` are `ansöka om …` (apply), unlike `söka stöd` (seek): the
/// folded stem of `ansöka` when the corpus has it and `söka` is followed by `om` or `till`.
fn applying(verb: &str, after: &str, lexicon: &Lexicon) -> Option<String> {
    const SEEK: &[&str] = &[
        "söka", "söker", "sökte", "sökt", "söks", "sökas", "soka", "soker",
    ];
    if !SEEK.contains(&verb) {
        return None;
    }
    let next = split_words(after).next().map(|(_, w)| w.to_lowercase())?;
    let stem = fold(&stem("ansöka", Lang::Sv));
    ((next == "om" || next == "till") && lexicon.contains(&stem)).then_some(stem)
}

/// The nouns made from the verb with the folded stem `verb`: `-ning` (`förläng` + `ning`, and
/// `överlämn` + `ing`).
fn nouns_of_verb(verb: &str) -> impl Iterator<Item = String> + '_ {
    DERIVATIONS
        .iter()
        .map(move |suffix| match suffix.strip_prefix('n') {
            Some(rest) if verb.ends_with('n') => format!("{verb}{rest}"),
            _ => format!("{verb}{suffix}"),
        })
}

/// Swedish suffixes that make nouns of verbs and that Snowball leaves on the stem: it already
/// strips `-ande`, `-are` and `-else`, and the endings after `-ning` (`-ningar`, `-ningen`).
const DERIVATIONS: &[&str] = &["ning"];

/// The corpus stem closest to an unknown `folded` stem: one edit for short words, two for long.
/// Same first letter (typos rarely hit it); the most frequent wins a tie.
pub fn correct_spelling(folded: &str, lexicon: &Lexicon) -> Option<String> {
    let max = match folded.chars().count() {
        0..=3 => return None,
        4..=7 => 1,
        _ => 2,
    };
    closest(folded, max, lexicon.iter().map(|(w, _)| (w, w)), lexicon)
}

/// The folded stem of the guidance word closest to the unknown `word` as typed (lower-cased):
/// one edit for words of up to eight letters, two for longer ones. A typo can change what the
/// stemmer strips (`utnyttade` stems to `utnyt`, `anhröig` to `anhro`), so the word is
/// compared as written before its stem is ([`correct_spelling`]).
pub fn correct_typed_word(word: &str, lexicon: &Lexicon) -> Option<String> {
    let folded = fold(word);
    let max = match folded.chars().count() {
        0..=4 => return None,
        5..=8 => 1,
        _ => 2,
    };
    closest(&folded, max, lexicon.surface(), lexicon)
}

/// The stems of the two parts of an unknown compound with a typo in one of them, when the
/// other is a word of the guidance as written (`betnäketidsansökan` → `betänketid` +
/// `ansökan`, a linking `s` allowed): the exact part at least four letters, the corrected one
/// at least five and one edit from a word of the guidance.
fn correct_compound_part(word: &str, lexicon: &Lexicon) -> Option<Vec<String>> {
    const MIN_EXACT: usize = 4;
    const MIN_CORRECTED: usize = 5;
    let folded = fold(word);
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    if chars.len() < MIN_EXACT + MIN_CORRECTED || !chars.iter().all(|(_, c)| c.is_alphabetic()) {
        return None;
    }
    // A left part, as cut or without a linking `s`.
    let left_forms = |left: &'_ str| -> Vec<String> {
        let mut forms = vec![left.to_owned()];
        if let Some(bare) = left.strip_suffix('s') {
            forms.push(bare.to_owned());
        }
        forms
    };
    let exact = |part: &str| lexicon.surface_stem(part).map(str::to_owned);
    let corrected = |part: &str| {
        (part.chars().count() >= MIN_CORRECTED)
            .then(|| closest(part, 1, lexicon.surface(), lexicon))
            .flatten()
    };
    let mut best: Option<(usize, Vec<String>)> = None;
    let shortest = MIN_EXACT.min(MIN_CORRECTED);
    for &(byte, _) in &chars[shortest..=chars.len() - shortest] {
        let (left, right) = folded.split_at(byte);
        let lefts = left_forms(left);
        // The right part exact and the left corrected, or the other way round.
        let found = exact(right)
            .filter(|_| right.chars().count() >= MIN_EXACT)
            .and_then(|r| {
                lefts
                    .iter()
                    .find_map(|l| corrected(l))
                    .map(|l| (right, [l, r]))
            })
            .or_else(|| {
                let (l, stem) = lefts.iter().find_map(|l| {
                    exact(l)
                        .filter(|_| l.chars().count() >= MIN_EXACT)
                        .map(|stem| (l.as_str(), stem))
                })?;
                corrected(right).map(|r| (l, [stem, r]))
            });
        if let Some((exact_part, parts)) = found {
            let len = exact_part.chars().count();
            if best.as_ref().is_none_or(|(l, _)| len > *l) {
                best = Some((len, parts.to_vec()));
            }
        }
    }
    best.map(|(_, parts)| parts)
}

/// The stem of the `candidates` (a word to compare, the stem it stands for) whose word is within
/// `max` edits of `folded` and starts with the same letter (typos rarely hit it): the fewest
/// edits, then the stem the corpus uses most.
fn closest<'l>(
    folded: &str,
    max: usize,
    candidates: impl Iterator<Item = (&'l str, &'l str)>,
    lexicon: &Lexicon,
) -> Option<String> {
    let len = folded.chars().count();
    let first = folded.chars().next()?;
    candidates
        .filter(|(w, _)| w.starts_with(first) && w.chars().count().abs_diff(len) <= max)
        .filter_map(|(w, stem)| {
            edit_distance_within(folded, w, max)
                .map(|d| (d, std::cmp::Reverse(lexicon.count(stem)), stem))
        })
        .min()
        .map(|(_, _, stem)| stem.to_owned())
}

/// Edit distance if it is at most `max`: insertions, deletions, substitutions and swaps of two
/// neighbouring letters (`poilsen` → `polisen`), each one edit (optimal string alignment).
fn edit_distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()] <= max).then_some(prev[b.len()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::lexicon_stems;

    fn lexicon(text: &str) -> Lexicon {
        let mut lex = Lexicon::default();
        for s in lexicon_stems(text, Lang::Sv) {
            lex.add(&s);
        }
        lex
    }

    #[test]
    fn the_word_after_how_names_the_kind_of_answer_and_counts_less() {
        let lexicon = Lexicon::default();
        let glossary = Glossary::default();
        let q = parse_query("Hur lång är betänketiden?", &lexicon, &glossary);
        let weights: Vec<(&str, f32)> = q
            .concepts
            .iter()
            .map(|c| (c.words.as_str(), c.weight))
            .collect();
        assert_eq!(
            weights,
            [("lång", DEGREE_WORD_WEIGHT), ("betänketiden", 1.0)]
        );
        // A verb after "hur" is what the question is about.
        let q = parse_query("Hur stöttar man syskon?", &lexicon, &glossary);
        assert!(q.concepts.iter().all(|c| c.weight == 1.0), "{q:?}");
        let q = parse_query("How old is a child under the law?", &lexicon, &glossary);
        assert_eq!(q.concepts[0].words, "old");
        assert_eq!(q.concepts[0].weight, DEGREE_WORD_WEIGHT);
        assert!(q.concepts[1..].iter().all(|c| c.weight == 1.0));
        // So does the person the question concerns: *klienten*, *a client*.
        let q = parse_query("klienten vill byta boende", &lexicon, &glossary);
        assert_eq!(q.concepts[0].weight, DEGREE_WORD_WEIGHT);
        assert_eq!(q.concepts[1].weight, 1.0);
        // A noun that asks for a measure weighs as little: *beslutets längd?*
        let q = parse_query("beslutets längd?", &lexicon, &glossary);
        assert_eq!(q.concepts[1].words, "längd");
        assert_eq!(q.concepts[1].weight, DEGREE_WORD_WEIGHT);
    }

    #[test]
    fn questions_about_the_askers_own_place_are_recognised() {
        for (q, want) in [
            ("när möts samverkansgruppen här?", true),
            ("vilken jour har vi här?", true),
            ("finns det ett nätverk hos oss?", true),
            ("vem samordnar i vår kommun?", true),
            ("who runs the network here?", true),
            ("who do we call in our city?", true),
            ("vad betyder det här?", false),
            ("gäller den här blanketten?", false),
            ("när möts samverkansgruppen?", false),
            ("vad gör vi med vår oro?", false),
        ] {
            let parsed = parse_query(q, &Lexicon::default(), &Glossary::default());
            assert_eq!(parsed.about_here, want, "{q}");
        }
    }

    #[test]
    fn handing_in_a_named_document_weighs_little_unless_asked_where_or_how() {
        let weight = |q: &str, word: &str| {
            let parsed = parse_query(q, &Lexicon::default(), &Glossary::default());
            parsed
                .concepts
                .iter()
                .find(|c| c.words == word)
                .unwrap()
                .weight
        };
        assert_eq!(
            weight("vem lämnar in anmälan?", "lämnar"),
            DEGREE_WORD_WEIGHT
        );
        assert_eq!(
            weight("stödansökan, vilka skickar in den?", "skickar"),
            DEGREE_WORD_WEIGHT
        );
        assert_eq!(
            weight("who submits the application?", "submits"),
            DEGREE_WORD_WEIGHT
        );
        assert_eq!(weight("var skickar man anmälan?", "skickar"), 1.0);
        assert_eq!(weight("vem skickar pengar?", "skickar"), 1.0);
    }

    #[test]
    fn questions_for_durations_and_numbers_are_recognised() {
        // (question, asks for a quantity, asks how long)
        for (q, quantity, duration) in [
            ("Hur länge gäller betänketiden?", true, true),
            ("hur lång tid behövs?", true, true),
            ("hur många dagar?", true, true),
            ("How long does the permit last?", true, true),
            ("beslutets längd?", true, true),
            ("hur många kommuner ingår?", true, false),
            ("När kan beslutet omprövas?", true, false),
            ("hur långt är det till boendet?", true, false),
            ("Vem beviljar betänketid?", false, false),
            ("Hur ansöker man?", false, false),
        ] {
            let parsed = parse_query(q, &Lexicon::default(), &Glossary::default());
            assert_eq!(parsed.wants_quantity, quantity, "{q}");
            assert_eq!(parsed.wants_duration, duration, "{q}");
        }
    }

    #[test]
    fn a_word_typed_without_diacritics_finds_the_stem_the_guidance_has() {
        let lex = lexicon("tillträde");
        let q = parse_query("tilltrade", &lex, &Glossary::default());
        let terms: Vec<&Vec<String>> = q.concepts[0]
            .alternatives
            .iter()
            .map(|a| &a.terms)
            .collect();
        assert!(terms.contains(&&vec!["tilltrad".to_owned()]), "{terms:?}");
        // A word with diacritics is no plain typing.
        assert_eq!(typed_plain_stem("tillträde", &lex), None);
    }

    #[test]
    fn typos_are_corrected_only_for_unknown_words() {
        let lex = lexicon("människoexploatering uppehållstillstånd polis");
        let q = parse_query("straff vid människoexploatring", &lex, &Glossary::default());
        let alt = q.concepts[1].alternatives.last().unwrap();
        assert_eq!(
            (alt.terms.as_slice(), alt.factor),
            (
                [String::from("manniskoexploatering")].as_slice(),
                TYPO_FACTOR
            )
        );
        let q = parse_query("polis", &lex, &Glossary::default());
        assert_eq!(q.concepts[0].alternatives.len(), 1);
        assert_eq!(edit_distance_within("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance_within("kitten", "sitting", 2), None);
        // Two neighbouring letters swapped are one slip of the keyboard.
        assert_eq!(edit_distance_within("poilsen", "polisen", 1), Some(1));
        assert_eq!(edit_distance_within("ab", "ba", 1), Some(1));
        // A compound with a part the guidance lacks may be a typo of a word it has.
        let lex = lexicon("målsägandebiträde biträde");
        let q = parse_query("målägandebiträde", &lex, &Glossary::default());
        assert!(
            q.concepts[0]
                .alternatives
                .iter()
                .any(|a| a.terms == ["malsagandebitrad"] && a.factor == TYPO_FACTOR),
            "{:?}",
            q.concepts[0].alternatives
        );
    }

    #[test]
    fn a_typo_is_corrected_against_the_words_as_written() {
        let mut lex = lexicon("utnyttjade anhörig");
        for word in ["utnyttjade", "anhörig"] {
            lex.add_surface(fold(word), fold(&stem(word, Lang::Sv)));
        }
        // The typos' stems (`utnyt`, `anhro`) are two edits from the guidance's; the words as
        // typed are one.
        assert_eq!(
            correct_typed_word("utnyttade", &lex).as_deref(),
            Some(fold(&stem("utnyttjade", Lang::Sv)).as_str())
        );
        assert_eq!(
            correct_typed_word("anhröig", &lex).as_deref(),
            Some(fold(&stem("anhörig", Lang::Sv)).as_str())
        );
        assert_eq!(correct_typed_word("polis", &lex), None);
        // A typo in one part of a compound the guidance never writes whole.
        let mut parts_lex = lexicon("betänketid ansökan");
        for word in ["betänketid", "ansökan"] {
            parts_lex.add_surface(fold(word), fold(&stem(word, Lang::Sv)));
        }
        let stems = |words: &[&str]| -> Vec<String> {
            words.iter().map(|w| fold(&stem(w, Lang::Sv))).collect()
        };
        assert_eq!(
            correct_compound_part("betnäketidsansökan", &parts_lex),
            Some(stems(&["betänketid", "ansökan"]))
        );
        assert_eq!(
            correct_compound_part("betänketidsansökna", &parts_lex),
            Some(stems(&["betänketid", "ansökan"]))
        );
        // Two slips are too many, and a short part is no evidence.
        assert_eq!(
            correct_compound_part("betnäketidsansökna", &parts_lex),
            None
        );
        assert_eq!(correct_compound_part("betänketidxyz", &parts_lex), None);
        let q = parse_query(
            "chefen utnyttade henne i två år",
            &lex,
            &Glossary::default(),
        );
        assert!(
            q.concepts.iter().any(|c| c.alternatives.iter().any(
                |a| a.factor == TYPO_FACTOR && a.terms == [fold(&stem("utnyttjade", Lang::Sv))]
            )),
            "{q:?}"
        );
    }

    #[test]
    fn seeking_for_or_about_something_is_applying() {
        let lex = lexicon("ansöka programmet stöd");
        let applies = fold(&stem("ansöka", Lang::Sv));
        let has_apply = |q: &str| {
            parse_query(q, &lex, &Glossary::default())
                .concepts
                .iter()
                .any(|c| c.alternatives.iter().any(|a| a.terms == [applies.clone()]))
        };
        assert!(has_apply("får hon söka till programmet?"));
        assert!(has_apply("kan man söka om stöd två gånger?"));
        // Seeking support is not applying for it.
        assert!(!has_apply("var kan hon söka stöd?"));
    }

    #[test]
    fn a_swedish_word_the_corpus_lacks_meets_its_other_inflection() {
        let lex = lexicon("videon kvinnan orosanmälan");
        let alternatives = |q: &str| -> Vec<(Vec<String>, f32)> {
            parse_query(q, &lex, &Glossary::default()).concepts[0]
                .alternatives
                .iter()
                .map(|a| (a.terms.clone(), a.factor))
                .collect()
        };
        // Snowball keeps the definite -n of `videon`: without help the two forms never meet.
        assert_ne!(stem("videon", Lang::Sv), stem("video", Lang::Sv));
        assert!(
            alternatives("video")
                .contains(&(vec![fold(&stem("videon", Lang::Sv))], INFLECTION_FACTOR))
        );
        // A noun made from a verb meets the verb.
        assert!(
            alternatives("orosanmälning")
                .contains(&(vec!["orosanmal".to_owned()], INFLECTION_FACTOR))
        );
        // A known word gets no variants, and an unrelated unknown word none either.
        assert_eq!(alternatives("orosanmälan").len(), 1);
        assert_eq!(alternatives("blankett").len(), 1);
    }

    /// Whether the first concept of `q` has `term` alone as an alternative of an inflection.
    fn first_has_inflection(lex: &Lexicon, q: &str, term: &str) -> bool {
        parse_query(q, lex, &Glossary::default()).concepts[0]
            .alternatives
            .iter()
            .any(|a| a.terms == [term] && a.factor == INFLECTION_FACTOR)
    }

    #[test]
    fn a_particle_verb_meets_its_prefixed_verb_and_noun() {
        let lex = lexicon("överlämningen till den nya kommunen; uppföljning efter ett år");
        let has = |q: &str, term: &str| first_has_inflection(&lex, q, term);
        // The subject may stand between the verb and its particle.
        assert!(has("när lämnar ni över akten?", "overlamning"));
        assert!(has("lämna över akten", "overlamning"));
        assert!(has("vem följer upp?", "uppfoljning"));
        // Without a particle, or with one the corpus has no compound of, nothing is added.
        assert!(!has("vi lämnar akten", "overlamning"));
        assert!(!has("vem följer med?", "uppfoljning"));
    }

    #[test]
    fn an_age_under_eighteen_is_one_concept_that_also_finds_children() {
        let lexicon = Lexicon::default();
        let glossary = Glossary::default();
        let first = |q: &str| parse_query(q, &lexicon, &glossary).concepts[0].clone();
        for (q, words) in [
            ("en 14-åring som bor på boendet", "14 åring"),
            ("hon är 15 år gammal", "15 år gammal"),
            ("is a 16-year-old a victim?", "16 year old"),
        ] {
            let c = first(q);
            assert_eq!(c.words, words);
            assert!(c.alternatives.iter().any(|a| a.terms == ["barn"]), "{c:?}");
            assert!(c.alternatives.iter().any(|a| a.terms == ["child"]), "{c:?}");
        }
        // An adult's age stays as written.
        let c = first("en 30-åring");
        assert_eq!(c.words, "30");
        assert!(!c.alternatives.iter().any(|a| a.terms == ["barn"]));
    }

    #[test]
    fn a_verb_meets_the_noun_made_from_it() {
        let lex = lexicon("utredning av brottet; beslutet om att brottet kan utredas");
        let has = |q: &str, term: &str| first_has_inflection(&lex, q, term);
        assert!(has("utredas brottet?", "utredning"));
        assert!(has("utreder de?", "utredning"));
        // Only nouns the corpus has.
        assert!(!has("beslutet?", "beslutning"));
    }

    #[test]
    fn glossary_phrases_merge_into_one_concept_with_equivalents() {
        let g = Glossary::parse(
            "[[concept]]\nsv = [\"betänketid\"]\nen = [\"reflection period\"]\n",
            "t",
        )
        .unwrap();
        let q = parse_query(
            "When does the reflection period end?",
            &Lexicon::default(),
            &g,
        );
        assert_eq!(q.lang, Lang::En);
        let words: Vec<_> = q.concepts.iter().map(|c| c.words.as_str()).collect();
        assert_eq!(words, ["reflection period", "end"]);
        assert!(
            q.concepts[0]
                .alternatives
                .iter()
                .any(|a| a.terms == ["betanketid"])
        );
    }

    #[test]
    fn a_compound_matched_through_a_part_keeps_its_other_part() {
        let g = Glossary::parse(
            "[[concept]]\nsv = [\"betänketid\"]\nen = [\"reflection period\"]\n",
            "t",
        )
        .unwrap();
        let lex = lexicon("betänketid ansökan");
        let q = parse_query("betänketidsansökan", &lex, &g);
        let alts: Vec<_> = q.concepts[0]
            .alternatives
            .iter()
            .map(|a| a.terms.clone())
            .collect();
        assert!(
            alts.contains(&vec!["betanketid".to_owned(), "ansok".to_owned()]),
            "{alts:?}"
        );
        assert!(
            alts.contains(&vec![
                "reflect".to_owned(),
                "period".to_owned(),
                "ansok".to_owned()
            ]),
            "{alts:?}"
        );
    }
}

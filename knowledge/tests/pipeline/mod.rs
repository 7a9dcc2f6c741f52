//! The ranking pipeline on the sample guidance Lots ships, with the real model: retrieval by
//! meaning, long messages, small talk, danger, and the fitted gate's calibration on the
//! project's own labelled fixture questions.

use std::path::Path;
use std::sync::OnceLock;

use jiff::civil::date;
use lots_knowledge::eval::read_questions;
use lots_knowledge::rank::fit::{FitOptions, Labelled, fit, folds};
use lots_knowledge::rank::{Ablation, Feature};
use lots_knowledge::{
    Answerer, Answers, Asker, Decline, Glossary, GuidanceIndex, Places, Retrieved, load_dirs,
};

use super::{fixtures, semantics};

/// An answerer over the shipped sample guidance, built once per test process.
fn sample() -> &'static Answerer {
    static SAMPLE: OnceLock<Answerer> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let places = Places::embedded();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/guidance");
        let report = load_dirs(&[dir], &places);
        assert!(report.is_clean(), "{:?}", report.rejected);
        let index = GuidanceIndex::build_in_memory(&report.documents, &semantics()).unwrap();
        Answerer::new(index, Glossary::embedded(), places, &semantics()).unwrap()
    })
}

fn ask(message: &str) -> Answers {
    sample()
        .answer(message, Asker::default(), date(2026, 11, 28))
        .unwrap()
}

/// The document of the answer, or of the nearest section when declined.
fn first_doc(answers: &Answers) -> String {
    answers
        .best()
        .or(answers.nearest.first())
        .map(|a| a.section.doc.clone())
        .unwrap_or_default()
}

#[test]
fn retrieval_finds_by_meaning_what_shares_no_word_with_the_question() {
    // English, in words the Swedish section never uses.
    let r = sample()
        .retrieve("who pays for her lawyer in court?", Asker::default())
        .unwrap();
    let counsel = r
        .retrieval
        .candidates
        .iter()
        .find(|c| c.doc == "malsagandebitrade")
        .expect("the section about injured-party counsel is a candidate");
    assert!(counsel.features[Feature::Semantic] > 0.8, "{counsel:?}");
}

#[test]
fn a_long_case_description_is_answered_by_its_question() {
    let message = "Vi träffade en kvinna på mottagningen i förmiddags. Hon har jobbat på en \
                   restaurang i flera månader utan lön och arbetsgivaren har hennes pass. Hon \
                   har gjort en polisanmälan men är orolig inför förhören. Har hon rätt till \
                   någon som hjälper henne juridiskt under rättegången?";
    let answers = ask(message);
    assert_eq!(first_doc(&answers), "malsagandebitrade", "{answers:?}");
    // Its question alone finds the same.
    let r = sample().retrieve(message, Asker::default()).unwrap();
    let best = r
        .retrieval
        .candidates
        .iter()
        .max_by(|a, b| {
            a.features[Feature::SemanticContext].total_cmp(&b.features[Feature::SemanticContext])
        })
        .unwrap();
    assert_ne!(
        best.features[Feature::Semantic],
        best.features[Feature::SemanticContext],
        "the question and the whole message are embedded apart"
    );
}

#[test]
fn small_talk_gets_no_guidance_and_fillers_are_no_topics() {
    for message in ["hej!", "tack 👍", "?", "thanks a lot"] {
        let answers = ask(message);
        assert!(answers.no_answer, "{message}");
        assert_eq!(answers.decline, Some(Decline::SmallTalk), "{message}");
        assert!(
            answers.answers.is_empty() && answers.nearest.is_empty(),
            "{message}"
        );
    }
    let plain = sample()
        .retrieve("vilka rättigheter har hon?", Asker::default())
        .unwrap();
    let chatty = sample()
        .retrieve("hej! asså typ vilka rättigheter har hon?", Asker::default())
        .unwrap();
    assert_eq!(plain.retrieval.topics, chatty.retrieval.topics);
    assert!(chatty.retrieval.unknown_words.is_empty(), "{chatty:?}");
}

#[test]
fn danger_described_without_the_word_puts_112_first_and_is_never_declined() {
    for message in [
        "hon vågar inte gå hem, mannen har sagt att han ska skada henne i kväll",
        "he took her passport and won't let her leave the flat",
    ] {
        let answers = ask(message);
        assert!(answers.danger, "{message}");
        assert!(!answers.no_answer, "{message}");
        assert_eq!(
            answers.best().unwrap().section.heading,
            "Akut fara: 112",
            "{message}"
        );
    }
    let ordinary = ask("vad gör ett målsägandebiträde?");
    assert!(!ordinary.danger);
}

/// Every fixture question retrieved once, with which candidates are acceptable.
fn labelled() -> Vec<(String, Retrieved, Vec<bool>)> {
    let questions = read_questions(&fixtures("questions-sample.jsonl")).unwrap();
    assert!(questions.len() >= 60, "{} questions", questions.len());
    questions
        .into_iter()
        .map(|q| {
            let asker = Asker {
                municipality: q.municipality.as_deref(),
            };
            let r = sample().retrieve(&q.q, asker).unwrap();
            let ok = r
                .retrieval
                .candidates
                .iter()
                .map(|c| q.accepts(&c.doc, &c.heading))
                .collect();
            (q.id, r, ok)
        })
        .collect()
}

#[test]
fn the_gate_is_calibrated_on_questions_it_was_not_fitted_on() {
    let data = labelled();
    let ids: Vec<&str> = data.iter().map(|(id, _, _)| id.as_str()).collect();
    let fold = folds(&ids, 3);
    let off = Ablation::default();
    // Held-out probability that the first answer is right, and whether it was.
    let mut held: Vec<(f32, bool)> = Vec::new();
    for k in 0..3 {
        let training: Vec<Labelled<'_>> = data
            .iter()
            .zip(&fold)
            .filter(|(_, f)| **f != k)
            .map(|((_, r, ok), _)| Labelled {
                retrieval: &r.retrieval,
                acceptable: ok,
            })
            .collect();
        let model = fit(&training, &FitOptions::default());
        for ((_, r, ok), _) in data.iter().zip(&fold).filter(|(_, f)| **f == k) {
            let d = lots_knowledge::answer::decide(r, &model, &off);
            if let Some(&best) = d.order.first() {
                held.push((d.confidence.probability, ok[best]));
            }
        }
    }
    let mean = |xs: &[(f32, bool)]| xs.iter().map(|x| x.0).sum::<f32>() / xs.len() as f32;
    let rate = |xs: &[(f32, bool)]| xs.iter().filter(|x| x.1).count() as f32 / xs.len() as f32;
    // Overall, the probabilities say how often the first answer is right.
    assert!(
        (mean(&held) - rate(&held)).abs() < 0.12,
        "mean probability {} against {} right",
        mean(&held),
        rate(&held)
    );
    // And they tell the likely right from the likely wrong.
    let (high, low): (Vec<_>, Vec<_>) = held.iter().partition(|x| x.0 >= 0.5);
    assert!(
        high.len() >= 10 && low.len() >= 10,
        "{} / {}",
        high.len(),
        low.len()
    );
    assert!(
        rate(&high) > rate(&low) + 0.2,
        "right {} above 0.5, {} below",
        rate(&high),
        rate(&low)
    );
    for bin in [&high, &low] {
        assert!(
            (mean(bin) - rate(bin)).abs() < 0.25,
            "mean {} against {} right",
            mean(bin),
            rate(bin)
        );
    }
}

#[test]
fn a_passage_keeps_the_sentence_nearest_the_question_in_meaning() {
    let guidance = tempfile::tempdir().unwrap();
    std::fs::write(
        guidance.path().join("biträde.md"),
        "+++\nid = \"bitrade\"\ntitle = \"Juridiskt stöd\"\nlang = \"sv\"\n+++\n\n\
         ## Advokat för den som utsatts\n\
         En advokat kan förordnas för den som har utsatts för ett allvarligt brott. \
         Förordnandet görs av tingsrätten när förundersökningen har inletts. \
         Det kostar ingenting för den som får hjälpen, staten står för allt. \
         Advokaten kan följa med till förhör hos polisen. \
         Advokaten kan också föra talan om skadestånd i rättegången.\n",
    )
    .unwrap();
    let places = Places::embedded();
    let report = load_dirs(&[guidance.path().to_owned()], &places);
    assert!(report.is_clean(), "{:?}", report.rejected);
    let index = GuidanceIndex::build_in_memory(&report.documents, &semantics()).unwrap();
    assert_eq!(
        index.sentence_vector_count(),
        5,
        "each sentence has a vector"
    );
    let answerer = Answerer::new(index, Glossary::embedded(), places, &semantics()).unwrap();
    let question = "måste hon betala advokaten som tingsrätten förordnar?";
    let answers = answerer
        .answer(question, Asker::default(), date(2026, 11, 28))
        .unwrap();
    let best = answers
        .best()
        .unwrap_or_else(|| panic!("the one section answers: {answers:?}"));
    // The sentence whose vector is nearest the question's is in the passage.
    let asked = semantics().embedder().query(question);
    let address = answerer
        .index()
        .address_of_row(best.section.row as usize)
        .unwrap();
    let nearest = answerer
        .index()
        .sentence_vectors(address)
        .unwrap()
        .map(|v| lots_knowledge::embed::cosine(&asked, v))
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
        .unwrap();
    let sentences = lots_knowledge::passage::split_sentences(&best.section.text);
    let sentence = &best.section.text[sentences[nearest].clone()];
    assert!(
        best.passage.text.contains(sentence),
        "sentence {nearest} ({sentence}) is kept: {}",
        best.passage.text
    );
    assert!(
        best.passage.text.split(". ").count() <= 3,
        "a passage, not the section: {}",
        best.passage.text
    );
}

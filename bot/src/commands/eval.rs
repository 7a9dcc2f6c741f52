//! `lots eval`: answer quality on a question file, for Lots and a plain tantivy baseline in the
//! same run, per language, with the misses.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use lots_knowledge::Asker;
use lots_knowledge::baseline::Baseline;
use lots_knowledge::eval::{EvalReport, Figures, Returned, read_questions, score};

use super::{open_answerer, today};
use crate::cli::GuidanceArgs;

pub fn run(args: &GuidanceArgs, questions: &Path) -> anyhow::Result<ExitCode> {
    let questions = read_questions(questions).map_err(anyhow::Error::msg)?;
    let (answerer, report) = open_answerer(args)?;
    let baseline = Baseline::build(&report.documents)?;
    let today = today();
    let mut lots = Vec::new();
    let mut base = Vec::new();
    for q in &questions {
        let answers = answerer
            .answer(
                &q.q,
                Asker {
                    municipality: q.municipality.as_deref(),
                },
                today,
            )
            .with_context(|| format!("answering {}", q.id))?;
        lots.push(Returned {
            ranked: answers
                .answers
                .iter()
                .map(|a| (a.section.doc.clone(), a.section.heading.clone()))
                .collect(),
            no_answer: answers.no_answer,
        });
        base.push(baseline.ask(&q.q)?);
    }
    let lots = score(&questions, lots);
    let base = score(&questions, base);
    println!(
        "{} questions, {} documents, {} sections\n",
        questions.len(),
        report.documents.len(),
        report.section_count()
    );
    println!(
        "{:<10} {:<18} {:>6} {:>6} {:>6} {:>10}",
        "", "", "Hit@1", "Hit@3", "MRR@5", "no-answer"
    );
    print_row("all", "lots", &lots.all);
    print_row("", "tantivy baseline", &base.all);
    for (lang, figures) in &lots.by_lang {
        print_row(lang, "lots", figures);
        print_row("", "tantivy baseline", &base.by_lang[lang]);
    }
    print_misses(&lots);
    Ok(ExitCode::SUCCESS)
}

fn print_row(group: &str, system: &str, f: &Figures) {
    println!(
        "{group:<10} {system:<18} {:>6.3} {:>6.3} {:>6.3} {:>10.3}   ({} answerable, {} without answer)",
        f.hit1, f.hit3, f.mrr5, f.no_answer_accuracy, f.answerable, f.unanswerable
    );
}

fn print_misses(report: &EvalReport) {
    if report.misses.is_empty() {
        return;
    }
    println!("\nMisses (rank of the first acceptable answer; - = not in the top five):");
    for m in &report.misses {
        let q = &m.question;
        let got = if m.returned.no_answer {
            "no_answer".to_owned()
        } else {
            m.returned
                .ranked
                .first()
                .map(|(d, h)| format!("{d} › {h}"))
                .unwrap_or_default()
        };
        let want = q
            .expect
            .first()
            .map(|e| format!("{} › {}", e.doc, e.heading))
            .unwrap_or_else(|| "no_answer".into());
        let rank = m.rank.map_or("-".to_owned(), |r| r.to_string());
        println!(
            "  {} [{}] rank {rank}: {}\n      got  {got}\n      want {want}",
            q.id, q.kind, q.q
        );
    }
}

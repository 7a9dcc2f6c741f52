//! `lots eval`: answer quality on question files, for Lots, the semantic model alone and a
//! plain tantivy baseline in the same run — overall, per language and per kind of question,
//! with the misses. With `--folds K` the ranking model is fitted on the other folds for each
//! held one, so the figure is never measured on what was fitted.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use lots_knowledge::answer::decide;
use lots_knowledge::baseline::Baseline;
use lots_knowledge::eval::{EvalQuestion, EvalReport, Figures, Returned, read_questions, score};
use lots_knowledge::rank::fit::{FitOptions, Labelled, fit, folds};
use lots_knowledge::rank::{Ablation, Feature, RankingModel};
use lots_knowledge::{Answerer, Asker, Retrieved};

use super::open_answerer;
use crate::cli::GuidanceArgs;

pub fn run(
    args: &GuidanceArgs,
    files: &[PathBuf],
    k: Option<usize>,
    ablate: &[String],
    precision: f32,
) -> anyhow::Result<ExitCode> {
    check_precision(precision)?;
    let (questions, _) = read_all(files)?;
    let off = Ablation::of(ablate.iter().map(String::as_str)).map_err(anyhow::Error::msg)?;
    let (answerer, report) = open_answerer(args)?;
    let baseline = Baseline::build(&report.documents)?;
    let retrieved = retrieve_all(&answerer, &questions)?;
    let lots = match k {
        Some(k) => cross_validated(&questions, &retrieved, k, &off, precision),
        None => retrieved
            .iter()
            .map(|r| returned(r, answerer.model(), &off))
            .collect(),
    };
    let semantic: Vec<Returned> = retrieved.iter().map(semantic_only).collect();
    let mut base = Vec::with_capacity(questions.len());
    for q in &questions {
        base.push(baseline.ask(&q.q)?);
    }
    let systems = [
        ("lots", score(&questions, lots)),
        ("semantic model alone", score(&questions, semantic)),
        ("tantivy baseline", score(&questions, base)),
    ];
    println!(
        "{} questions, {} documents, {} sections; {}{}\n",
        questions.len(),
        report.documents.len(),
        report.section_count(),
        match k {
            Some(k) => format!("lots cross-validated over {k} folds"),
            None => "lots with the ranking model as given".to_owned(),
        },
        if off.is_empty() {
            String::new()
        } else {
            format!(", without {}", off.names().collect::<Vec<_>>().join(", "))
        }
    );
    println!(
        "{:<12} {:<21} {:>6} {:>6} {:>6} {:>10} {:>9}",
        "", "", "Hit@1", "Hit@3", "MRR@5", "no-answer", "declined"
    );
    let by = |group: &str, pick: &dyn Fn(&EvalReport) -> Option<Figures>| {
        for (i, (name, report)) in systems.iter().enumerate() {
            if let Some(f) = pick(report) {
                print_row(if i == 0 { group } else { "" }, name, &f);
            }
        }
    };
    by("all", &|r| Some(r.all));
    for lang in systems[0].1.by_lang.keys() {
        by(lang, &|r| r.by_lang.get(lang).copied());
    }
    for kind in systems[0].1.by_kind.keys() {
        by(kind, &|r| r.by_kind.get(kind).copied());
    }
    let danger: Vec<&str> = questions
        .iter()
        .zip(&retrieved)
        .filter(|(_, r)| r.danger)
        .map(|(q, _)| q.id.as_str())
        .collect();
    println!(
        "\nRead as acute danger: {} of {} ({})",
        danger.len(),
        questions.len(),
        danger.join(" ")
    );
    print_misses(&systems[0].1);
    Ok(ExitCode::SUCCESS)
}

/// The questions of every file, in order, and how many each file gave; an id twice is an
/// error (folds are by id).
pub fn read_all(files: &[PathBuf]) -> anyhow::Result<(Vec<EvalQuestion>, Vec<usize>)> {
    let mut out: Vec<EvalQuestion> = Vec::new();
    let mut counts = Vec::with_capacity(files.len());
    let mut seen = BTreeMap::new();
    for file in files {
        let questions = read_questions(file).map_err(anyhow::Error::msg)?;
        counts.push(questions.len());
        for q in questions {
            if let Some(first) = seen.insert(q.id.clone(), file.display().to_string()) {
                anyhow::bail!("question id {} is in {first} and {}", q.id, file.display());
            }
            out.push(q);
        }
    }
    Ok((out, counts))
}

/// A decline precision given on the command line: a share.
pub fn check_precision(precision: f32) -> anyhow::Result<()> {
    if (0.0..=1.0).contains(&precision) {
        Ok(())
    } else {
        anyhow::bail!("--precision is a share between 0 and 1 (e.g. 0.85), not {precision}")
    }
}

/// Retrieves every question once (the model is the slow part), with progress on stderr.
pub fn retrieve_all(
    answerer: &Answerer,
    questions: &[EvalQuestion],
) -> anyhow::Result<Vec<Retrieved>> {
    let mut out = Vec::with_capacity(questions.len());
    for (i, q) in questions.iter().enumerate() {
        let asker = Asker {
            municipality: q.municipality.as_deref(),
        };
        out.push(
            answerer
                .retrieve(&q.q, asker)
                .with_context(|| format!("answering {}", q.id))?,
        );
        if (i + 1) % 50 == 0 {
            eprintln!("{} of {} questions retrieved", i + 1, questions.len());
        }
    }
    Ok(out)
}

/// Which candidates of each retrieval are acceptable answers to its question.
pub fn labels(questions: &[EvalQuestion], retrieved: &[Retrieved]) -> Vec<Vec<bool>> {
    questions
        .iter()
        .zip(retrieved)
        .map(|(q, r)| {
            r.retrieval
                .candidates
                .iter()
                .map(|c| q.accepts(&c.doc, &c.heading))
                .collect()
        })
        .collect()
}

/// What Lots answers for `retrieved` with `model`.
fn returned(retrieved: &Retrieved, model: &RankingModel, off: &Ablation) -> Returned {
    let decision = decide(retrieved, model, off);
    let candidates = &retrieved.retrieval.candidates;
    Returned {
        ranked: decision
            .order
            .iter()
            .take(lots_knowledge::answer::MAX_ANSWERS)
            .map(|&i| (candidates[i].doc.clone(), candidates[i].heading.clone()))
            .collect(),
        no_answer: decision.declines,
    }
}

/// For each fold, fits on the others and answers the held questions.
fn cross_validated(
    questions: &[EvalQuestion],
    retrieved: &[Retrieved],
    k: usize,
    off: &Ablation,
    precision: f32,
) -> Vec<Returned> {
    let ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    let fold = folds(&ids, k);
    let labels = labels(questions, retrieved);
    let mut out = vec![Returned::default(); questions.len()];
    let options = FitOptions {
        off: off.clone(),
        precision,
    };
    for held in 0..k {
        let training: Vec<Labelled<'_>> = (0..questions.len())
            .filter(|&i| fold[i] != held)
            .map(|i| Labelled {
                retrieval: &retrieved[i].retrieval,
                acceptable: &labels[i],
            })
            .collect();
        let model = fit(&training, &options);
        for i in (0..questions.len()).filter(|&i| fold[i] == held) {
            out[i] = returned(&retrieved[i], &model, off);
        }
    }
    out
}

/// The semantic model alone: candidates by cosine, never declining.
fn semantic_only(retrieved: &Retrieved) -> Returned {
    let mut c: Vec<_> = retrieved.retrieval.candidates.iter().collect();
    c.sort_by(|a, b| b.features[Feature::Semantic].total_cmp(&a.features[Feature::Semantic]));
    Returned {
        ranked: c
            .iter()
            .take(5)
            .map(|c| (c.doc.clone(), c.heading.clone()))
            .collect(),
        no_answer: c.is_empty(),
    }
}

fn print_row(group: &str, system: &str, f: &Figures) {
    println!(
        "{group:<12} {system:<21} {:>6.3} {:>6.3} {:>6.3} {:>10.3} {:>9.3}   ({} answerable, {} without answer)",
        f.hit1, f.hit3, f.mrr5, f.no_answer_accuracy, f.declined, f.answerable, f.unanswerable
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

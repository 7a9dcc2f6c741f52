//! `lots fit`: fits the ranking model (the scorer's weights, the gate and its threshold) to
//! labelled questions and writes it as TOML (by default `config/ranking.toml`, which Lots
//! embeds).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use lots_knowledge::rank::Ablation;
use lots_knowledge::rank::fit::{FitOptions, Labelled, fit};

use super::eval::{labels, read_all, retrieve_all};
use super::open_answerer;
use crate::cli::GuidanceArgs;

pub fn run(
    args: &GuidanceArgs,
    files: &[PathBuf],
    out: &Path,
    precision: f32,
    ablate: &[String],
) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&precision) {
        anyhow::bail!("--precision is a share (0–1), not {precision}");
    }
    let off = Ablation::of(ablate.iter().map(String::as_str)).map_err(anyhow::Error::msg)?;
    let questions = read_all(files)?;
    let (answerer, _) = open_answerer(args)?;
    let retrieved = retrieve_all(&answerer, &questions)?;
    let labels = labels(&questions, &retrieved);
    let examples: Vec<Labelled<'_>> = retrieved
        .iter()
        .zip(&labels)
        .map(|(r, l)| Labelled {
            retrieval: &r.retrieval,
            acceptable: l,
        })
        .collect();
    let mut model = fit(&examples, &FitOptions { precision, off });
    model.fitted_on = files
        .iter()
        .map(|f| {
            let name = f.file_name().map_or(f.as_os_str(), |n| n).to_string_lossy();
            format!("{name}: {} questions", count_in(&questions, f))
        })
        .collect();
    let header = format!(
        "The ranking model: the scorer's weight for each feature and the gate's logistic\n\
         coefficients for each signal, with the probability below which Lots declines.\n\
         Written by `lots fit` ({} questions, gate threshold chosen for precision {precision}).\n\
         Fit again after changing features or questions; `lots eval --folds 5` measures it.",
        questions.len()
    );
    let text = model.to_toml(&header);
    let tmp = out.with_extension("toml.tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, out))
        .with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {} (threshold {:.3}) from {} questions",
        out.display(),
        model.threshold,
        questions.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// How many of the questions came from `file` (read again: ids are unique across files).
fn count_in(questions: &[lots_knowledge::eval::EvalQuestion], file: &Path) -> usize {
    lots_knowledge::eval::read_questions(file)
        .map(|qs| {
            qs.iter()
                .filter(|q| questions.iter().any(|x| x.id == q.id))
                .count()
        })
        .unwrap_or(0)
}

//! `lots fit`: fits the ranking model (the scorer's weights, the gate and its threshold) to
//! labelled questions and writes it as TOML (by default `config/ranking.toml`, which Lots
//! embeds).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use lots_knowledge::files::write_private_atomically;
use lots_knowledge::rank::Ablation;
use lots_knowledge::rank::fit::{FitOptions, Labelled, fit};

use super::eval::{check_precision, labels, read_all, retrieve_all};
use super::open_answerer;
use crate::cli::GuidanceArgs;

pub fn run(
    args: &GuidanceArgs,
    files: &[PathBuf],
    out: &Path,
    precision: f32,
    ablate: &[String],
) -> anyhow::Result<ExitCode> {
    check_precision(precision)?;
    let off = Ablation::of(ablate.iter().map(String::as_str)).map_err(anyhow::Error::msg)?;
    let (questions, counts) = read_all(files)?;
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
        .zip(&counts)
        .map(|(f, n)| {
            let name = f.file_name().map_or(f.as_os_str(), |n| n).to_string_lossy();
            format!("{name}: {n} questions")
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
    write_private_atomically(out, text.as_bytes())
        .with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {} (threshold {:.3}) from {} questions",
        out.display(),
        model.threshold,
        questions.len()
    );
    Ok(ExitCode::SUCCESS)
}

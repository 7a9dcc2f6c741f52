//! `lots ask`: answer one question, or one per line from stdin, from the guidance.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;
use lots_knowledge::{Answers, Asker};
use serde::Serialize;

use super::{open_answerer, today};
use crate::cli::GuidanceArgs;

/// The `--json` contract: exactly these fields.
#[derive(Serialize)]
struct JsonAnswers<'a> {
    question: &'a str,
    no_answer: bool,
    answers: Vec<JsonAnswer<'a>>,
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    doc: &'a str,
    heading: &'a str,
    title: &'a str,
    score: f32,
    text: &'a str,
    source: Option<&'a str>,
    updated: Option<&'a str>,
    outdated: bool,
}

impl<'a> From<&'a Answers> for JsonAnswers<'a> {
    fn from(a: &'a Answers) -> Self {
        JsonAnswers {
            question: &a.question,
            no_answer: a.no_answer,
            answers: a
                .answers
                .iter()
                .map(|x| JsonAnswer {
                    doc: &x.section.doc,
                    heading: &x.section.heading,
                    title: &x.section.title,
                    score: x.score,
                    text: &x.passage.text,
                    source: x.section.source.as_deref(),
                    updated: x.section.updated.as_deref(),
                    outdated: x.outdated,
                })
                .collect(),
        }
    }
}

pub fn run(
    args: &GuidanceArgs,
    municipality: Option<&str>,
    json: bool,
    question: Option<String>,
) -> anyhow::Result<ExitCode> {
    // Check the asker's place before the index is built: a typo should not cost a rebuild.
    let places = lots_knowledge::Places::embedded();
    if let Some(name) = municipality
        && places.municipality(name).is_none()
    {
        let hint = places
            .suggest(name)
            .map(|s| format!(" (did you mean \"{s}\"?)"))
            .unwrap_or_default();
        anyhow::bail!("unknown municipality \"{name}\"{hint}");
    }
    let (answerer, _) = open_answerer(args)?;
    let asker = Asker { municipality };
    let today = today();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut answer_one = |q: &str| -> anyhow::Result<()> {
        let answers = answerer.answer(q, asker, today).context("answering")?;
        if json {
            serde_json::to_writer(&mut out, &JsonAnswers::from(&answers))?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}\n", lots_plugins::guidance::render(&answers).plain)?;
        }
        Ok(())
    };
    match question {
        Some(q) => answer_one(&q)?,
        None => {
            for line in std::io::stdin().lock().lines() {
                let line = line.context("reading questions from stdin")?;
                if !line.trim().is_empty() {
                    answer_one(line.trim())?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

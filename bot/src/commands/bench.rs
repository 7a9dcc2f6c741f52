//! `lots bench`: speed and memory on a synthetic corpus, each figure next to a baseline measured
//! in the same process (these machines are noisy; ratios travel, absolute times do not).
//!
//! - indexing rate: sections per second into an on-disk index, with every section's vector
//!   from the cache (a first build fills it: that build's embedding rate is printed too);
//! - answer latency p50/p99 of the full answer path (analysis, glossary, BM25, re-scoring,
//!   passages), next to a bare tantivy top-10 term query on the same index;
//! - peak resident memory of the process.
//!
//! Both latency paths first answer 200 other questions of the same kind (warm-up), so what is
//! measured is a running Lots, not its first questions.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use lots_knowledge::analysis::{Lang, lexicon_stems};
use lots_knowledge::document::{Document, Scope, Section};
use lots_knowledge::{Answerer, Asker, Glossary, GuidanceIndex, Places, load_dirs};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::today;
use crate::cli::ModelArgs;

/// Sections per synthetic document.
const SECTIONS_PER_DOC: usize = 10;

/// Questions answered by each path before measuring.
const WARM_UP: usize = 200;

pub fn run(sections: usize, queries: usize, model: &ModelArgs) -> anyhow::Result<ExitCode> {
    let vocabulary = vocabulary()?;
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let docs = synthetic_corpus(sections, &vocabulary, &mut rng);
    let dir = std::env::temp_dir().join(format!("lots-bench-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(dir.clone());
    let semantics = super::model::open_semantics(model)?;

    // The first build embeds what the vector cache lacks (everything, the first time).
    let started = Instant::now();
    let first = GuidanceIndex::build_on_disk(&dir, &docs, &semantics)
        .context("building the benchmark index")?;
    let first_time = started.elapsed();
    let embedded = first.embed_counts().embedded;
    drop(first);
    let started = Instant::now();
    let index = GuidanceIndex::build_on_disk(&dir, &docs, &semantics)
        .context("building the benchmark index")?;
    let indexing = started.elapsed();
    let rate = sections as f64 / indexing.as_secs_f64();

    let questions: Vec<String> = (0..queries)
        .map(|_| question(&docs, &vocabulary, &mut rng))
        .collect();
    // Both paths first answer other questions of the same kind, as a running Lots has: page
    // cache, allocator and Lots's shared word analyses are warm, as in service.
    let warm_up: Vec<String> = (0..WARM_UP)
        .map(|_| question(&docs, &vocabulary, &mut rng))
        .collect();
    bare_latencies(&index, &warm_up)?;
    let bare = bare_latencies(&index, &questions)?;
    let answerer = Answerer::new(index, Glossary::embedded(), Places::embedded(), &semantics)?;
    let today = today();
    for q in &warm_up {
        answerer.answer(q, Asker::default(), today)?;
    }
    let mut full = Vec::with_capacity(questions.len());
    let mut answered = 0;
    for q in &questions {
        let t = Instant::now();
        let a = answerer.answer(q, Asker::default(), today)?;
        full.push(t.elapsed());
        answered += usize::from(!a.no_answer);
    }
    // The question's embedding alone, the same questions in the same process: what answering
    // costs beyond it is the ranking pipeline's own.
    let embedder = semantics.embedder();
    let mut embedding = Vec::with_capacity(questions.len());
    for q in &questions {
        let t = Instant::now();
        std::hint::black_box(embedder.query(&lots_knowledge::vectors::query_text(q)));
        embedding.push(t.elapsed());
    }
    let (e50, e99) = percentiles(&mut embedding);
    let (p50, p99) = percentiles(&mut full);
    let (b50, b99) = percentiles(&mut bare.clone());
    println!(
        "synthetic corpus: {sections} sections in {} documents, {} questions ({answered} answered)",
        docs.len(),
        questions.len()
    );
    if embedded > 0 {
        println!(
            "first build, embedding:  {:>9.1} sections/s  ({embedded} embedded in {:.1} s)",
            embedded as f64 / first_time.as_secs_f64(),
            first_time.as_secs_f64()
        );
    }
    println!(
        "indexing (on disk):      {:>9.0} sections/s  ({:.2} s, vectors cached)",
        rate,
        indexing.as_secs_f64()
    );
    println!(
        "answer latency p50/p99:  {:>9.3} / {:.3} ms",
        ms(p50),
        ms(p99)
    );
    println!(
        "query embedding p50/p99: {:>9.3} / {:.3} ms",
        ms(e50),
        ms(e99)
    );
    println!(
        "answer − embedding:      {:>9.3} / {:.3} ms (p50, p99)",
        ms(p50) - ms(e50),
        ms(p99) - ms(e99)
    );
    println!(
        "bare tantivy top-10:     {:>9.3} / {:.3} ms",
        ms(b50),
        ms(b99)
    );
    println!(
        "ratio answer/bare:       {:>9.1} / {:.1}",
        ms(p50) / ms(b50),
        ms(p99) / ms(b99)
    );
    println!(
        "peak resident memory:    {:>9} MiB",
        peak_rss_mib().map_or("?".into(), |m| m.to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// Words to build sections from: the shipped sample guidance, so the text is real Swedish.
fn vocabulary() -> anyhow::Result<Vec<String>> {
    let report = load_dirs(&[PathBuf::from("config/guidance")], &Places::embedded());
    anyhow::ensure!(
        !report.documents.is_empty(),
        "run from the repository root: config/guidance is needed"
    );
    let mut words: Vec<String> = report
        .documents
        .iter()
        .flat_map(|d| {
            d.sections.iter().flat_map(|s| {
                s.text
                    .split_whitespace()
                    .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
            })
        })
        .filter(|w| w.chars().count() > 1)
        .collect();
    words.sort();
    words.dedup();
    Ok(words)
}

fn synthetic_corpus(sections: usize, vocabulary: &[String], rng: &mut XorShift) -> Vec<Document> {
    let places = ["Malmö", "Lund", "Umeå", "Göteborg", "Kiruna"];
    (0..sections.div_ceil(SECTIONS_PER_DOC))
        .map(|d| {
            let count = SECTIONS_PER_DOC.min(sections - d * SECTIONS_PER_DOC);
            let sections = (0..count)
                .map(|s| Section {
                    heading: format!("{} {s}", words(vocabulary, rng, 4)),
                    parents: vec![],
                    text: (0..6)
                        .map(|_| format!("{}.", words(vocabulary, rng, 12)))
                        .collect::<Vec<_>>()
                        .join(" "),
                    line: s + 1,
                    page: None,
                    about: None,
                })
                .collect();
            let local = d % 10 == 0;
            Document {
                id: format!("doc-{d}"),
                title: words(vocabulary, rng, 5),
                lang: Lang::Sv,
                scope: Scope {
                    municipalities: if local {
                        vec![places[d / 10 % places.len()].into()]
                    } else {
                        vec![]
                    },
                    regions: vec![],
                },
                tags: vec![],
                source: Some("synthetic".into()),
                updated: None,
                review_by: None,
                path: PathBuf::from(format!("doc-{d}.md")),
                sections,
            }
        })
        .collect()
}

/// A question made of words of a random section plus one from anywhere.
fn question(docs: &[Document], vocabulary: &[String], rng: &mut XorShift) -> String {
    let doc = &docs[rng.below(docs.len())];
    let section = &doc.sections[rng.below(doc.sections.len())];
    let words: Vec<&str> = section.text.split_whitespace().collect();
    let mut q: Vec<String> = (0..4)
        .map(|_| words[rng.below(words.len())].trim_matches('.').to_owned())
        .collect();
    q.push(vocabulary[rng.below(vocabulary.len())].clone());
    format!("vad gäller för {}?", q.join(" "))
}

fn bare_latencies(index: &GuidanceIndex, questions: &[String]) -> anyhow::Result<Vec<Duration>> {
    let searcher = index.searcher();
    let body = index.fields().body;
    let mut out = Vec::with_capacity(questions.len());
    for q in questions {
        let t = Instant::now();
        let clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = lexicon_stems(q, Lang::Sv)
            .map(|term| {
                let tq = TermQuery::new(
                    tantivy::Term::from_field_text(body, &term),
                    IndexRecordOption::WithFreqs,
                );
                (
                    Occur::Should,
                    Box::new(tq) as Box<dyn tantivy::query::Query>,
                )
            })
            .collect();
        let hits = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(10).order_by_score(),
        )?;
        std::hint::black_box(hits);
        out.push(t.elapsed());
    }
    Ok(out)
}

fn words(vocabulary: &[String], rng: &mut XorShift, n: usize) -> String {
    (0..n)
        .map(|_| vocabulary[rng.below(vocabulary.len())].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    (at(0.50), at(0.99))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident set size (VmHWM) in MiB, on Linux.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// A small deterministic generator: the same corpus on every run.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The texts `lots bench-embed` times.
#[derive(serde::Deserialize)]
struct BenchTexts {
    queries: Vec<String>,
    passages: Vec<String>,
}

/// `lots bench-embed`: model load time, one query at a time on one thread (p50/p99 over every
/// query, each embedded `rounds` times) and passages per second in one batch on two threads;
/// one JSON object, as the C engine's script prints it, so a script can pair the runs.
pub fn embedder(
    texts: &std::path::Path,
    rounds: usize,
    model: &ModelArgs,
) -> anyhow::Result<ExitCode> {
    let file =
        std::fs::read_to_string(texts).with_context(|| format!("reading {}", texts.display()))?;
    let texts: BenchTexts =
        serde_json::from_str(&file).with_context(|| format!("reading {}", texts.display()))?;
    let cache = super::model::cache_dir(model.cache_dir.as_deref())?;
    let path = match &model.model {
        Some(p) => p.clone(),
        None => lots_knowledge::embed::install::ensure_model(
            &cache,
            &mut lots_knowledge::embed::install::NoProgress,
        )?,
    };
    let started = Instant::now();
    let embedder = lots_knowledge::embed::Embedder::load(&path)?;
    let load = started.elapsed();
    let rss_loaded = rss_mib();
    let queries: Vec<&str> = texts.queries.iter().map(String::as_str).collect();
    let passages: Vec<&str> = texts.passages.iter().map(String::as_str).collect();
    // Warm-up: one pass over the queries.
    for q in &queries {
        embedder.embed_threads(&[q], lots_knowledge::embed::Role::Query, 1);
    }
    let mut times = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for q in &queries {
            let t = Instant::now();
            embedder.embed_threads(&[q], lots_knowledge::embed::Role::Query, 1);
            times.push(t.elapsed());
        }
    }
    let (p50, p99) = percentiles(&mut times);
    let t = Instant::now();
    embedder.embed_threads(&passages, lots_knowledge::embed::Role::Passage, 2);
    let passage_rate = passages.len() as f64 / t.elapsed().as_secs_f64();
    let out = serde_json::json!({
        "engine": "lots",
        "load_ms": ms(load),
        "query_p50_ms": ms(p50),
        "query_p99_ms": ms(p99),
        "passages_per_s": passage_rate,
        "queries": queries.len(),
        "passages": passages.len(),
        "rss_after_load_mib": rss_loaded,
    });
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Resident memory now, in MiB.
fn rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kib| kib / 1024)
}

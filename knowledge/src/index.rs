//! The tantivy index of guidance sections: the schema, building, and the atomic swap.
//!
//! How it works: each section is one tantivy document. Its words are analysed once, by Lots's own
//! [`Analyzer`](crate::analysis::Analyzer), and handed to tantivy pre-tokenised, so indexing and
//! querying can never disagree. Four fields are searched — body (folded), body (exact spelling),
//! heading path and title/tags — and one field, `record`, stores what an answer needs.
//!
//! On disk an index lives in `<root>/gen-<n>/` together with its compound lexicon. `<root>/CURRENT`
//! names the generation in service; it is replaced by a rename only after a new generation is
//! fully built and committed, so a failed build leaves the serving index untouched.

use std::collections::BTreeSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::analysis::{
    AnalyzedWord, Analyzer, FormsCache, Lang, Lexicon, fold, is_stop_word, lexicon_stems,
    split_words, stem, swedish_stop_words,
};
use crate::answer_kind::Facts;
use crate::document::Document;
use crate::heading_echo::HeadingWords;
use crate::passage::split_sentences;
use crate::plain_typing::PlainSpellings;
use crate::vectors::{
    EmbedCounts, MAX_SENTENCE_VECTORS, SectionVectors, Semantics, SentenceVectors, VectorError,
    passage_text, sentence_text,
};

/// Name of the file that names the generation in service.
const CURRENT: &str = "CURRENT";
/// The compound lexicon, next to the tantivy files of a generation.
const LEXICON_FILE: &str = "lexicon.tsv";
/// The section vectors, next to the tantivy files of a generation.
const VECTORS_FILE: &str = "vectors.bin";
/// The sentence vectors, beside them.
const SENTENCES_FILE: &str = "sentences.bin";
/// Indexing memory budget.
const WRITER_BYTES: usize = 64 * 1024 * 1024;
/// Generations kept besides the current one (for rollback).
const KEEP_OLD_GENERATIONS: usize = 1;

/// Errors of building or opening an index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Tantivy failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A file of the index could not be read or written.
    #[error("search index file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The index on disk is not one Lots wrote, or is damaged.
    #[error("search index at {path} is damaged: {why}")]
    Damaged {
        /// The index directory.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// Nothing to index.
    #[error("no guidance to index: every file was rejected or the folders are empty")]
    Empty,
    /// Section vectors could not be computed, stored or read.
    #[error("{0}")]
    Vectors(#[from] VectorError),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What is stored per section: everything an answer shows, plus the terms used to rank it
/// (which are read when the index opens; the records an open index hands out leave them empty).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SectionRecord {
    /// Document id.
    pub doc: String,
    /// Heading as written.
    pub heading: String,
    /// Parent headings.
    pub parents: Vec<String>,
    /// Document title.
    pub title: String,
    /// Language.
    pub lang: Lang,
    /// The section text.
    pub text: String,
    /// Municipalities of a local routine.
    pub municipalities: Vec<String>,
    /// Regions.
    pub regions: Vec<String>,
    /// The municipality a section of national guidance is about ([`crate::document::Section::about`]).
    #[serde(default)]
    pub about: Option<String>,
    /// Provenance.
    pub source: Option<String>,
    /// `YYYY-MM-DD`.
    pub updated: Option<String>,
    /// `YYYY-MM-DD`.
    pub review_by: Option<String>,
    /// PDF page.
    pub page: Option<u32>,
    /// The section's place in write order: its row in the generation's [`SectionVectors`].
    #[serde(default)]
    pub row: u32,
    /// Folded terms of heading path, title and text (with compound parts), sorted, unique.
    pub terms: Vec<String>,
    /// Folded terms of the heading path only, sorted, unique.
    pub heading_terms: Vec<String>,
}

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Body, folded stems and compound parts.
    pub body: Field,
    /// Body, stems with diacritics as written.
    pub body_exact: Field,
    /// Heading and parent headings, folded.
    pub heading: Field,
    /// Document title and tags, folded.
    pub title: Field,
    /// Document id (untokenised), to find or delete a document's sections.
    pub doc_id: Field,
    /// The stored [`SectionRecord`] as JSON.
    pub record: Field,
}

impl Fields {
    fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let searched = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            body: b.add_text_field("body", searched.clone()),
            body_exact: b.add_text_field("body_exact", searched.clone()),
            heading: b.add_text_field("heading", searched.clone()),
            title: b.add_text_field("title", searched),
            doc_id: b.add_text_field("doc_id", tantivy::schema::STRING),
            record: b.add_text_field("record", STORED),
        };
        (b.build(), fields)
    }

    fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            body: schema.get_field("body")?,
            body_exact: schema.get_field("body_exact")?,
            heading: schema.get_field("heading")?,
            title: schema.get_field("title")?,
            doc_id: schema.get_field("doc_id")?,
            record: schema.get_field("record")?,
        })
    }
}

/// A searchable guidance index with its lexicon.
pub struct GuidanceIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    lexicon: Lexicon,
    sections: usize,
    location: Option<PathBuf>,
    /// What ranking needs of each section, by segment and document, decoded once at open:
    /// decoding the stored JSON of every candidate per question was a third of answering.
    /// A generation never changes once built, so this cannot go stale.
    rankings: Vec<Vec<Ranking>>,
    /// What an answer shows of each section (its terms left out), by segment and document,
    /// decoded once at open like [`Ranking`]: reading the five shown sections from the doc
    /// store per question took a seventh of answering.
    /// Guidance corpora are small: a section of 70 words keeps about 1 kB here.
    shown: Vec<Vec<SectionRecord>>,
    /// One vector per section, by the section's `row`.
    vectors: SectionVectors,
    sentence_vectors: SentenceVectors,
    /// Each row's section.
    addresses: Vec<tantivy::DocAddress>,
    /// What building this index embedded.
    embed_counts: EmbedCounts,
    /// Term → id, for the term ids of [`Ranking`].
    vocabulary: HashMap<String, u32>,
    /// Municipality → ids of the documents that are its local routines.
    local_routines: HashMap<String, Vec<String>>,
    /// Word analyses shared by the questions answered from this index.
    forms_cache: FormsCache,
    /// The Swedish guidance's spellings with å, ä and ö, for questions typed without them.
    plain_spellings: PlainSpellings,
}

/// What ranking reads of a section; terms as ids into the index's vocabulary, sorted.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Document id.
    pub doc: String,
    /// Heading as written.
    pub heading: String,
    /// Language of the document.
    pub lang: Lang,
    /// Municipalities of a local routine.
    pub municipalities: Vec<String>,
    /// Regions.
    pub regions: Vec<String>,
    /// The municipality a section of national guidance is about.
    pub about: Option<String>,
    /// Ids of the section's terms (heading path, title, text), sorted.
    pub terms: Box<[u32]>,
    /// Ids of the heading path's terms (the document title's included), sorted.
    pub heading_terms: Box<[u32]>,
    /// The section's own heading, for the echo of a question in it.
    pub heading_words: HeadingWords,
    /// The kinds of fact its heading and text hold (a phone number, opening hours).
    pub facts: Facts,
}

/// The id of `term` in `vocabulary`, given the next id if it has none yet.
fn term_id(vocabulary: &mut HashMap<String, u32>, term: &str) -> u32 {
    if let Some(id) = vocabulary.get(term) {
        return *id;
    }
    let next = vocabulary.len() as u32;
    vocabulary.insert(term.to_owned(), next);
    next
}

/// The ids of `terms` in `vocabulary`, sorted and without repeats.
fn term_ids(vocabulary: &mut HashMap<String, u32>, terms: &[String]) -> Box<[u32]> {
    let mut out: Vec<u32> = terms.iter().map(|t| term_id(vocabulary, t)).collect();
    out.sort_unstable();
    out.dedup();
    out.into_boxed_slice()
}

impl GuidanceIndex {
    /// Builds an index of `docs` in memory (tests, benchmarks, one-off questions), with a
    /// vector for every section from `semantics`.
    pub fn build_in_memory(
        docs: &[Document],
        semantics: &Semantics,
    ) -> Result<GuidanceIndex, IndexError> {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        let lexicon = build_lexicon(docs);
        let texts = write_sections(&index, fields, &lexicon, docs)?;
        let (vectors, counts) = texts.embed(semantics)?;
        GuidanceIndex::from_parts(index, fields, lexicon, vectors, counts, None)
    }

    /// Builds an index of `docs` under `root` in a new generation, with a vector for every
    /// section from `semantics`, and puts it in service atomically. Until the swap, the
    /// previous generation keeps serving; on error it stays.
    pub fn build_on_disk(
        root: &Path,
        docs: &[Document],
        semantics: &Semantics,
    ) -> Result<GuidanceIndex, IndexError> {
        if docs.is_empty() {
            return Err(IndexError::Empty);
        }
        std::fs::create_dir_all(root).map_err(io_err(root))?;
        let generation = format!("gen-{}", next_generation(root)?);
        let dir = root.join(&generation);
        let built = build_generation(&dir, docs, semantics);
        let (lexicon, vectors, counts) = match built {
            Ok(built) => built,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        let tmp = root.join(format!("{CURRENT}.tmp"));
        std::fs::write(&tmp, format!("{generation}\n")).map_err(io_err(&tmp))?;
        std::fs::rename(&tmp, root.join(CURRENT)).map_err(io_err(root))?;
        remove_old_generations(root, &generation);
        let index = Index::open_in_dir(&dir)?;
        let fields = Fields::from_schema(&index.schema())?;
        GuidanceIndex::from_parts(index, fields, lexicon, vectors, counts, Some(dir))
    }

    /// Opens the generation in service under `root`.
    pub fn open(root: &Path) -> Result<GuidanceIndex, IndexError> {
        let current = root.join(CURRENT);
        let name = std::fs::read_to_string(&current).map_err(io_err(&current))?;
        let dir = root.join(name.trim());
        let damaged = |why: String| IndexError::Damaged {
            path: dir.clone(),
            why,
        };
        let lexicon_path = dir.join(LEXICON_FILE);
        let text = std::fs::read_to_string(&lexicon_path).map_err(io_err(&lexicon_path))?;
        let lexicon = Lexicon::from_text(&text)
            .map_err(|line| damaged(format!("{LEXICON_FILE} line {line}")))?;
        let vectors = (
            SectionVectors::load(&dir.join(VECTORS_FILE))?,
            SentenceVectors::load(&dir.join(SENTENCES_FILE))?,
        );
        let index = Index::open_in_dir(&dir)?;
        let fields = Fields::from_schema(&index.schema()).map_err(|e| damaged(e.to_string()))?;
        let counts = EmbedCounts::default();
        GuidanceIndex::from_parts(index, fields, lexicon, vectors, counts, Some(dir))
    }

    fn from_parts(
        index: Index,
        fields: Fields,
        lexicon: Lexicon,
        (vectors, sentence_vectors): (SectionVectors, SentenceVectors),
        embed_counts: EmbedCounts,
        location: Option<PathBuf>,
    ) -> Result<GuidanceIndex, IndexError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let sections = searcher.num_docs() as usize;
        if vectors.len() != sections || sentence_vectors.sections() != sections {
            return Err(IndexError::Damaged {
                path: location.clone().unwrap_or_default(),
                why: format!(
                    "{} section vectors and sentence vectors of {} sections for {sections} sections",
                    vectors.len(),
                    sentence_vectors.sections()
                ),
            });
        }
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut analyzer = Analyzer::new(&lexicon);
        let mut local_routines: HashMap<String, Vec<String>> = HashMap::new();
        // Each document's title, read once for the echo of all its headings.
        let mut subjects: HashMap<String, Vec<String>> = HashMap::new();
        let mut rankings = Vec::with_capacity(searcher.segment_readers().len());
        let mut shown = Vec::with_capacity(searcher.segment_readers().len());
        let mut surface = SurfaceWords::default();
        let mut plain_spellings = PlainSpellings::default();
        let mut addresses = vec![tantivy::DocAddress::new(u32::MAX, u32::MAX); sections];
        // The stop words too: `lange` is `länge` (how long), `far` is `får`.
        for word in swedish_stop_words() {
            plain_spellings.learn_word(word);
        }
        for (segment, seg_reader) in searcher.segment_readers().iter().enumerate() {
            let mut decoded = Vec::with_capacity(seg_reader.max_doc() as usize);
            let mut records = Vec::with_capacity(seg_reader.max_doc() as usize);
            for doc in 0..seg_reader.max_doc() {
                let mut r = read_record(
                    &searcher,
                    fields,
                    location.as_deref(),
                    tantivy::DocAddress::new(segment as u32, doc),
                )?;
                if r.row as usize >= sections {
                    return Err(IndexError::Damaged {
                        path: location.clone().unwrap_or_default(),
                        why: format!("section row {} of {sections}", r.row),
                    });
                }
                addresses[r.row as usize] = tantivy::DocAddress::new(segment as u32, doc);
                for m in &r.municipalities {
                    let docs = local_routines.entry(m.clone()).or_default();
                    if !docs.contains(&r.doc) {
                        docs.push(r.doc.clone());
                    }
                }
                let plain = (r.lang == Lang::Sv).then_some(&mut plain_spellings);
                surface.learn(&r.heading, r.lang, plain);
                let plain = (r.lang == Lang::Sv).then_some(&mut plain_spellings);
                surface.learn(&r.text, r.lang, plain);
                let subject = subjects
                    .entry(r.doc.clone())
                    .or_insert_with(|| HeadingWords::subject(&r.title, r.lang, &mut analyzer));
                let terms = std::mem::take(&mut r.terms);
                let heading_terms = std::mem::take(&mut r.heading_terms);
                decoded.push(Ranking {
                    facts: Facts::of_text(&r.heading).and(Facts::of_text(&r.text)),
                    terms: term_ids(&mut vocabulary, &terms),
                    heading_terms: term_ids(&mut vocabulary, &heading_terms),
                    heading_words: HeadingWords::new(
                        &r.heading,
                        subject,
                        r.lang,
                        &mut analyzer,
                        |t| term_id(&mut vocabulary, t),
                    ),
                    doc: r.doc.clone(),
                    heading: r.heading.clone(),
                    lang: r.lang,
                    municipalities: r.municipalities.clone(),
                    regions: r.regions.clone(),
                    about: r.about.clone(),
                });
                // The record itself, text and all, is what answers show.
                records.push(r);
            }
            rankings.push(decoded);
            shown.push(records);
        }
        vocabulary.shrink_to_fit();
        drop(analyzer);
        let mut lexicon = lexicon;
        for (word, stem) in surface.words {
            lexicon.add_surface(word, stem);
        }
        Ok(GuidanceIndex {
            index,
            reader,
            fields,
            lexicon,
            sections,
            location,
            rankings,
            shown,
            vectors,
            sentence_vectors,
            addresses,
            embed_counts,
            vocabulary,
            local_routines,
            forms_cache: FormsCache::default(),
            plain_spellings: plain_spellings.finish(),
        })
    }

    /// The schema fields.
    pub fn fields(&self) -> Fields {
        self.fields
    }

    /// Ids of the documents that are local routines of `municipality`.
    pub fn local_routines(&self, municipality: &str) -> &[String] {
        self.local_routines
            .get(municipality)
            .map_or(&[], Vec::as_slice)
    }

    /// A searcher over the index.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// The Swedish guidance's spellings with å, ä and ö, by their plain spelling.
    pub fn plain_spellings(&self) -> &PlainSpellings {
        &self.plain_spellings
    }

    /// The compound lexicon of the indexed corpus.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Makes `folded_stems` known words of the lexicon (for compound splitting and spelling),
    /// without counting them as occurrences in the corpus.
    pub fn learn_words<'w>(&mut self, folded_stems: impl IntoIterator<Item = &'w str>) {
        for stem in folded_stems {
            self.lexicon.add_known(stem);
        }
        // Analyses made before may have split words differently.
        self.forms_cache = FormsCache::default();
    }

    /// Number of sections.
    pub fn section_count(&self) -> usize {
        self.sections
    }

    /// The generation directory, for an on-disk index.
    pub fn location(&self) -> Option<&Path> {
        self.location.as_deref()
    }

    /// The tantivy index itself (for baselines and diagnostics).
    pub fn tantivy(&self) -> &Index {
        &self.index
    }

    /// What ranking needs of a hit.
    pub fn ranking(&self, address: tantivy::DocAddress) -> Result<&Ranking, IndexError> {
        self.rankings
            .get(address.segment_ord as usize)
            .and_then(|seg| seg.get(address.doc_id as usize))
            .ok_or_else(|| self.no_section(address))
    }

    /// Word analyses shared by the questions answered from this index.
    pub fn forms_cache(&self) -> &FormsCache {
        &self.forms_cache
    }

    /// The id of a (folded) term in this index, if any section has it.
    pub fn term_id(&self, term: &str) -> Option<u32> {
        self.vocabulary.get(term).copied()
    }

    /// What an answer shows of a hit (its terms left out).
    pub fn record(&self, address: tantivy::DocAddress) -> Result<&SectionRecord, IndexError> {
        self.shown
            .get(address.segment_ord as usize)
            .and_then(|seg| seg.get(address.doc_id as usize))
            .ok_or_else(|| self.no_section(address))
    }

    /// The vector of a hit's section.
    pub fn section_vector(&self, address: tantivy::DocAddress) -> Result<&[f32], IndexError> {
        let row = self.record(address)?.row as usize;
        self.vectors
            .get(row)
            .ok_or_else(|| self.no_section(address))
    }

    /// The vectors of a hit's sentences, in the order [`split_sentences`] finds them in its
    /// text (its first [`MAX_SENTENCE_VECTORS`]); none when the section is one sentence, whose
    /// vector is the section's.
    pub fn sentence_vectors(
        &self,
        address: tantivy::DocAddress,
    ) -> Result<std::slice::ChunksExact<'_, f32>, IndexError> {
        let row = self.record(address)?.row as usize;
        Ok(self.sentence_vectors.of(row))
    }

    /// How many sentences have a vector of their own.
    pub fn sentence_vector_count(&self) -> usize {
        self.sentence_vectors.len()
    }

    /// The section of vector row `row`.
    pub fn address_of_row(&self, row: usize) -> Option<tantivy::DocAddress> {
        self.addresses
            .get(row)
            .copied()
            .filter(|a| a.segment_ord != u32::MAX)
    }

    /// Every section's vector, by [`SectionRecord::row`].
    pub fn vectors(&self) -> &SectionVectors {
        &self.vectors
    }

    /// What building this index embedded and what it found cached (zero for an opened one).
    pub fn embed_counts(&self) -> EmbedCounts {
        self.embed_counts
    }

    /// Every section as an answer shows it, in index order (for listings).
    pub fn all_sections(&self) -> Result<Vec<SectionRecord>, IndexError> {
        Ok(self.sections().cloned().collect())
    }

    /// Every section as an answer shows it, in index order, borrowed.
    pub fn sections(&self) -> impl Iterator<Item = &SectionRecord> {
        self.shown.iter().flatten()
    }

    fn no_section(&self, address: tantivy::DocAddress) -> IndexError {
        IndexError::Damaged {
            path: self.location.clone().unwrap_or_default(),
            why: format!("no stored section at {address:?}"),
        }
    }
}

fn read_record(
    searcher: &tantivy::Searcher,
    fields: Fields,
    location: Option<&Path>,
    address: tantivy::DocAddress,
) -> Result<SectionRecord, IndexError> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let json = doc
        .get_first(fields.record)
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    serde_json::from_str(json).map_err(|e| IndexError::Damaged {
        path: location.map(Path::to_owned).unwrap_or_default(),
        why: format!("stored section: {e}"),
    })
}

fn build_generation(
    dir: &Path,
    docs: &[Document],
    semantics: &Semantics,
) -> Result<(Lexicon, (SectionVectors, SentenceVectors), EmbedCounts), IndexError> {
    std::fs::create_dir(dir).map_err(io_err(dir))?;
    let (schema, fields) = Fields::schema();
    let index = Index::create_in_dir(dir, schema)?;
    let lexicon = build_lexicon(docs);
    let texts = write_sections(&index, fields, &lexicon, docs)?;
    let path = dir.join(LEXICON_FILE);
    std::fs::write(&path, lexicon.to_text()).map_err(io_err(&path))?;
    let (vectors, counts) = texts.embed(semantics)?;
    vectors.0.save(&dir.join(VECTORS_FILE))?;
    vectors.1.save(&dir.join(SENTENCES_FILE))?;
    Ok((lexicon, vectors, counts))
}

fn next_generation(root: &Path) -> Result<u64, IndexError> {
    let mut highest = 0;
    for entry in std::fs::read_dir(root).map_err(io_err(root))? {
        let name = entry.map_err(io_err(root))?.file_name();
        if let Some(n) = name
            .to_str()
            .and_then(|n| n.strip_prefix("gen-"))
            .and_then(|n| n.parse::<u64>().ok())
        {
            highest = highest.max(n);
        }
    }
    Ok(highest + 1)
}

/// Best effort: a leftover old generation costs disk, not correctness.
fn remove_old_generations(root: &Path, current: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut old: Vec<(u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let n = name.strip_prefix("gen-")?.parse().ok()?;
            (name != current).then(|| (n, e.path()))
        })
        .collect();
    old.sort();
    let excess = old.len().saturating_sub(KEEP_OLD_GENERATIONS);
    for (_, path) in old.into_iter().take(excess) {
        if let Err(e) = std::fs::remove_dir_all(&path) {
            tracing::warn!(path = %path.display(), error = %e, "could not remove an old index generation");
        }
    }
}

/// Every content-word stem of the corpus, counted: the vocabulary compounds are split against.
pub fn build_lexicon(docs: &[Document]) -> Lexicon {
    let mut lexicon = Lexicon::default();
    for doc in docs {
        let tags = doc.tags.iter().map(String::as_str);
        for text in std::iter::once(doc.title.as_str()).chain(tags).chain(
            doc.sections
                .iter()
                .flat_map(|s| [s.heading.as_str(), s.text.as_str()]),
        ) {
            for stem in lexicon_stems(text, doc.lang) {
                lexicon.add(&stem);
            }
        }
    }
    lexicon
}

/// What the model is given of every section, in write order (the `row` of each record): its
/// passage text, and its sentences when it has more than one.
#[derive(Default)]
struct SectionTexts {
    passages: Vec<String>,
    sentences: Vec<Vec<String>>,
}

impl SectionTexts {
    fn push(&mut self, passage: String, heading: &str, text: &str) {
        self.passages.push(passage);
        let sentences = split_sentences(text);
        self.sentences.push(if sentences.len() > 1 {
            sentences
                .into_iter()
                .take(MAX_SENTENCE_VECTORS)
                .map(|r| sentence_text(heading, &text[r]))
                .collect()
        } else {
            vec![]
        });
    }

    /// Every section's and sentence's vector, with what was embedded and what was cached.
    fn embed(
        &self,
        semantics: &Semantics,
    ) -> Result<((SectionVectors, SentenceVectors), EmbedCounts), VectorError> {
        semantics.vectors(&self.passages, &self.sentences)
    }
}

/// Writes every section as a tantivy document and returns what the model is given of them.
fn write_sections(
    index: &Index,
    fields: Fields,
    lexicon: &Lexicon,
    docs: &[Document],
) -> Result<SectionTexts, IndexError> {
    let mut passages = SectionTexts::default();
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_BYTES)?;
    let mut analyzer = Analyzer::new(lexicon);
    for doc in docs {
        let title_text = format!("{} {}", doc.title, doc.tags.join(" "));
        let title_words = analyzer.analyze(&title_text, doc.lang);
        let title_heading = term_set(&analyzer.analyze(&doc.title, doc.lang));
        for section in &doc.sections {
            let heading_text = section
                .parents
                .iter()
                .chain([&section.heading])
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            let heading_words = analyzer.analyze(&heading_text, doc.lang);
            let body_words = analyzer.analyze(&section.text, doc.lang);
            // A heading stands under its document's title: every section of the document about
            // målsägandebiträde is headed by that word, so heading coverage tells the sections
            // apart by their own words, not by whether a heading repeats the title.
            let mut heading_terms = term_set(&heading_words);
            heading_terms.extend(title_heading.iter().cloned());
            let mut terms = term_set(&body_words);
            terms.extend(heading_terms.iter().cloned());
            terms.extend(term_set(&title_words));
            let record = SectionRecord {
                doc: doc.id.clone(),
                heading: section.heading.clone(),
                parents: section.parents.clone(),
                title: doc.title.clone(),
                lang: doc.lang,
                text: section.text.clone(),
                municipalities: doc.scope.municipalities.clone(),
                regions: doc
                    .scope
                    .regions
                    .iter()
                    .map(|r| r.name().to_owned())
                    .collect(),
                about: section.about.clone(),
                source: doc.source.clone(),
                updated: doc.updated.map(|d| d.to_string()),
                review_by: doc.review_by.map(|d| d.to_string()),
                page: section.page,
                row: passages.passages.len() as u32,
                terms: terms.into_iter().collect(),
                heading_terms: heading_terms.into_iter().collect(),
            };
            let mut tdoc = TantivyDocument::new();
            tdoc.add_pre_tokenized_text(
                fields.body,
                pre_tokenized(&section.text, &body_words, Spelling::Folded),
            );
            tdoc.add_pre_tokenized_text(
                fields.body_exact,
                pre_tokenized(&section.text, &body_words, Spelling::Exact),
            );
            tdoc.add_pre_tokenized_text(
                fields.heading,
                pre_tokenized(&heading_text, &heading_words, Spelling::Folded),
            );
            tdoc.add_pre_tokenized_text(
                fields.title,
                pre_tokenized(&title_text, &title_words, Spelling::Folded),
            );
            tdoc.add_text(fields.doc_id, &doc.id);
            tdoc.add_text(
                fields.record,
                serde_json::to_string(&record).expect("a record serialises"),
            );
            writer.add_document(tdoc)?;
            let headings: Vec<&str> = section
                .parents
                .iter()
                .chain([&section.heading])
                .map(String::as_str)
                .collect();
            passages.push(
                passage_text(&doc.title, &headings, &section.text),
                &section.heading,
                &section.text,
            );
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(passages)
}

/// Which spelling of a term a field holds.
#[derive(Clone, Copy)]
enum Spelling {
    Folded,
    Exact,
}

/// The content words of the guidance as written (lower-cased, folded) with their folded stems,
/// for spelling correction.
#[derive(Default)]
struct SurfaceWords {
    words: HashMap<String, String>,
    /// Every word already seen as written, stop words too, per language (Swedish, English):
    /// most words repeat, and a repeat costs one lookup (no lower-casing, folding, stop-word
    /// list or stemming).
    seen: [std::collections::HashSet<String>; 2],
}

impl SurfaceWords {
    /// Learns the words of `text`, and those of Swedish guidance for `plain` typing too.
    fn learn(&mut self, text: &str, lang: Lang, mut plain: Option<&mut PlainSpellings>) {
        let seen = &mut self.seen[usize::from(lang == Lang::En)];
        for (_, word) in split_words(text) {
            if seen.contains(word) {
                continue;
            }
            seen.insert(word.to_owned());
            if let Some(plain) = plain.as_mut() {
                plain.learn_word(word);
            }
            let lower = word.to_lowercase();
            if lower.chars().count() < 3 || is_stop_word(&lower, lang) {
                continue;
            }
            self.words
                .entry(fold(&lower))
                .or_insert_with(|| fold(&stem(&lower, lang)));
        }
    }
}

fn pre_tokenized(text: &str, words: &[AnalyzedWord], spelling: Spelling) -> PreTokenizedString {
    let mut tokens = Vec::with_capacity(words.len() * 2);
    for w in words {
        let forms = std::iter::once(&w.forms.stem).chain(&w.forms.parts);
        for form in forms {
            let text = match spelling {
                Spelling::Folded => fold(form),
                Spelling::Exact => form.clone(),
            };
            tokens.push(Token {
                offset_from: w.range.start,
                offset_to: w.range.end,
                position: w.position as usize,
                text,
                position_length: 1,
            });
        }
    }
    PreTokenizedString {
        text: text.to_owned(),
        tokens,
    }
}

fn term_set(words: &[AnalyzedWord]) -> BTreeSet<String> {
    words
        .iter()
        .flat_map(|w| {
            std::iter::once(w.forms.folded.clone()).chain(w.forms.parts.iter().map(|p| fold(p)))
        })
        .collect()
}

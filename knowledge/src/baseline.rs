//! A plain tantivy baseline to measure Lots against: the default tokenizer (lower-casing, no
//! stemming, no compounds, no glossary), BM25 over heading and body, and never "no answer".

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, IndexReader, TantivyDocument};

use crate::document::Document;
use crate::eval::Returned;
use crate::index::IndexError;

/// The baseline index.
pub struct Baseline {
    reader: IndexReader,
    parser: QueryParser,
    doc: tantivy::schema::Field,
    heading: tantivy::schema::Field,
}

impl Baseline {
    /// Indexes `docs` in memory with tantivy's defaults.
    pub fn build(docs: &[Document]) -> Result<Baseline, IndexError> {
        let mut b = Schema::builder();
        let doc_f = b.add_text_field("doc", STRING | STORED);
        let heading_f = b.add_text_field("heading", TEXT | STORED);
        let body_f = b.add_text_field("body", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 32 * 1024 * 1024)?;
        for d in docs {
            for s in &d.sections {
                let mut t = TantivyDocument::new();
                t.add_text(doc_f, &d.id);
                t.add_text(heading_f, &s.heading);
                t.add_text(body_f, &s.text);
                writer.add_document(t)?;
            }
        }
        writer.commit()?;
        let reader = index.reader()?;
        let parser = QueryParser::for_index(&index, vec![heading_f, body_f]);
        Ok(Baseline {
            reader,
            parser,
            doc: doc_f,
            heading: heading_f,
        })
    }

    /// The top five (document, heading) pairs for `question`.
    pub fn ask(&self, question: &str) -> Result<Returned, IndexError> {
        let (query, _) = self.parser.parse_query_lenient(question);
        let searcher = self.reader.searcher();
        let mut ranked = Vec::new();
        for (_, address) in searcher.search(&query, &TopDocs::with_limit(5).order_by_score())? {
            let d: TantivyDocument = searcher.doc(address)?;
            let get = |f| {
                d.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            ranked.push((get(self.doc), get(self.heading)));
        }
        Ok(Returned {
            no_answer: ranked.is_empty(),
            ranked,
        })
    }
}

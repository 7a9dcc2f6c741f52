//! ggml's Q4_0 blocks: 32 weights in 18 bytes, an f16 scale and 16 bytes of nibbles
//! (byte `j` holds weight `j` in its low nibble and weight `j + 16` in its high one), each
//! weight `(nibble - 8) * scale`.
//!
//! The weights stay in this form in memory (a sixth of their f32 size); a matrix is expanded to
//! f32 only for the product it takes part in, into a buffer reused from call to call.

/// Weights per block.
pub const BLOCK_LEN: usize = 32;
/// Bytes per block.
pub const BLOCK_BYTES: usize = 18;

/// IEEE half precision to single precision (exact).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: shift the mantissa up until its leading bit is the implicit one.
            let shift = man.leading_zeros() - 21;
            let man = (man << shift) & 0x3ff;
            sign | ((127 - 15 + 1 - shift) << 23) | (man << 13)
        }
        (31, _) => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

/// A matrix of Q4_0 blocks, row-major, with each block's scale already in f32 (converting
/// it is then not on the path of every product) and its 16 bytes of nibbles beside it.
pub struct Q4Matrix {
    rows: usize,
    cols: usize,
    scales: Vec<f32>,
    nibbles: Vec<[u8; BLOCK_LEN / 2]>,
}

impl Q4Matrix {
    /// The matrix stored as ggml blocks in `blocks` (`rows * cols / 32` of them).
    pub fn from_blocks(blocks: &[u8], rows: usize, cols: usize) -> Self {
        let count = rows * cols / BLOCK_LEN;
        let mut scales = Vec::with_capacity(count);
        let mut nibbles = Vec::with_capacity(count);
        for block in blocks.chunks_exact(BLOCK_BYTES).take(count) {
            scales.push(f16_to_f32(u16::from_le_bytes([block[0], block[1]])));
            nibbles.push(block[2..].try_into().expect("18-byte blocks"));
        }
        Self {
            rows,
            cols,
            scales,
            nibbles,
        }
    }

    /// Rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.scales.len() * (4 + BLOCK_LEN / 2)
    }

    /// Rows `first..first + n`, as f32, into `out` (`n * cols` values).
    #[inline(always)]
    pub fn dequantize_rows(&self, first: usize, n: usize, out: &mut [f32]) {
        let per_row = self.cols / BLOCK_LEN;
        let blocks = first * per_row..(first + n) * per_row;
        dequantize(&self.scales[blocks.clone()], &self.nibbles[blocks], out);
    }

    /// `y[t] += self · x[t]` for each token row, straight from the 4-bit form (see
    /// [`matmul_rows`]).
    pub fn matmul_rows(&self, x: &[f32], y: &mut [f32]) {
        pulp::Arch::new().dispatch(MatmulRows { w: self, x, y });
    }
}

/// Expands blocks into `out`, 32 values per block.
#[inline(always)]
fn dequantize(scales: &[f32], nibbles: &[[u8; BLOCK_LEN / 2]], out: &mut [f32]) {
    for ((&scale, q), out) in scales
        .iter()
        .zip(nibbles)
        .zip(out.chunks_exact_mut(BLOCK_LEN))
    {
        let out: &mut [f32; BLOCK_LEN] = out.try_into().expect("32-weight blocks");
        // Two passes over fixed-size arrays, so that each becomes a few vector instructions.
        for j in 0..BLOCK_LEN / 2 {
            out[j] = (f32::from(q[j] & 0x0f) - 8.0) * scale;
        }
        for j in 0..BLOCK_LEN / 2 {
            out[j + BLOCK_LEN / 2] = (f32::from(q[j] >> 4) - 8.0) * scale;
        }
    }
}

/// Output rows decoded together, and token rows multiplied with them at once: 4 × 2 partial
/// sums are eight independent chains of fused multiply-adds, enough to keep the FMA units busy
/// while each loaded weight vector serves two tokens.
const ROWS_TOGETHER: usize = 4;
const TOKENS_TOGETHER: usize = 2;

/// `y[t] += W x[t]` for each token row `t`, each row of W decoded once and used for every
/// token: for a few tokens (a question) this beats expanding W to f32 for a GEMM, whose cost is
/// in writing and packing the expanded matrix, not in the arithmetic.
///
/// `x` holds token rows of W's columns, `y` as many rows of W's rows (it is added to, so it may
/// start as the bias). The vector width (AVX2 + FMA, SSE2, NEON …) is chosen at run time by
/// `pulp`.
struct MatmulRows<'a> {
    w: &'a Q4Matrix,
    x: &'a [f32],
    y: &'a mut [f32],
}

impl pulp::WithSimd for MatmulRows<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let Self { w: matrix, x, y } = self;
        let (rows, cols) = (matrix.rows, matrix.cols);
        let tokens = x.len() / cols;
        let mut w = vec![0f32; ROWS_TOGETHER * cols];
        for start in (0..rows).step_by(ROWS_TOGETHER) {
            let n = ROWS_TOGETHER.min(rows - start);
            matrix.dequantize_rows(start, n, &mut w[..n * cols]);
            w[n * cols..].iter_mut().for_each(|v| *v = 0.0);
            let mut t = 0;
            while t < tokens {
                let pair = TOKENS_TOGETHER.min(tokens - t);
                let x0 = &x[t * cols..(t + 1) * cols];
                let x1 = &x[(t + pair - 1) * cols..(t + pair) * cols];
                let sums = dot_4x2(simd, &w, x0, x1);
                for (k, sums) in sums.iter().enumerate().take(pair) {
                    let out = &mut y[(t + k) * rows + start..(t + k) * rows + start + n];
                    for (o, s) in out.iter_mut().zip(sums) {
                        *o += s;
                    }
                }
                t += pair;
            }
        }
    }
}

/// The dot products of two token rows with four consecutive weight rows in `w`.
#[inline(always)]
fn dot_4x2<S: pulp::Simd>(simd: S, w: &[f32], x0: &[f32], x1: &[f32]) -> [[f32; ROWS_TOGETHER]; 2] {
    let cols = x0.len();
    let (w0, rest) = w.split_at(cols);
    let (w1, rest) = rest.split_at(cols);
    let (w2, w3) = rest.split_at(cols);
    let (w0, t0) = S::as_simd_f32s(w0);
    let (w1, t1) = S::as_simd_f32s(w1);
    let (w2, t2) = S::as_simd_f32s(w2);
    let (w3, t3) = S::as_simd_f32s(&w3[..cols]);
    let (v0, u0) = S::as_simd_f32s(x0);
    let (v1, u1) = S::as_simd_f32s(x1);
    let zero = simd.splat_f32s(0.0);
    let mut a = [zero; 8];
    for i in 0..v0.len() {
        let (x0, x1) = (v0[i], v1[i]);
        a[0] = simd.mul_add_e_f32s(w0[i], x0, a[0]);
        a[1] = simd.mul_add_e_f32s(w1[i], x0, a[1]);
        a[2] = simd.mul_add_e_f32s(w2[i], x0, a[2]);
        a[3] = simd.mul_add_e_f32s(w3[i], x0, a[3]);
        a[4] = simd.mul_add_e_f32s(w0[i], x1, a[4]);
        a[5] = simd.mul_add_e_f32s(w1[i], x1, a[5]);
        a[6] = simd.mul_add_e_f32s(w2[i], x1, a[6]);
        a[7] = simd.mul_add_e_f32s(w3[i], x1, a[7]);
    }
    let mut out = [[0f32; ROWS_TOGETHER]; 2];
    for r in 0..ROWS_TOGETHER {
        out[0][r] = simd.reduce_sum_f32s(a[r]);
        out[1][r] = simd.reduce_sum_f32s(a[4 + r]);
    }
    // Widths are multiples of 32, so the tails are empty for every vector width in use;
    // they are summed all the same, for correctness on any width.
    let tails = [t0, t1, t2, t3];
    for r in 0..ROWS_TOGETHER {
        out[0][r] += tails[r].iter().zip(u0).map(|(w, x)| w * x).sum::<f32>();
        out[1][r] += tails[r].iter().zip(u1).map(|(w, x)| w * x).sum::<f32>();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_values() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0000), 0.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24));
        assert!(f16_to_f32(0x7c00).is_infinite());
    }

    #[test]
    fn a_block_expands_low_nibbles_first() {
        let mut block = [0u8; BLOCK_BYTES];
        block[..2].copy_from_slice(&0x3800u16.to_le_bytes()); // 0.5
        block[2] = 0x9f; // weight 0: 15 - 8 = 7; weight 16: 9 - 8 = 1
        block[17] = 0x08; // weight 15: 0; weight 31: -8
        let mut out = [f32::NAN; BLOCK_LEN];
        Q4Matrix::from_blocks(&block, 1, BLOCK_LEN).dequantize_rows(0, 1, &mut out);
        assert_eq!(out[0], 3.5);
        assert_eq!(out[16], 0.5);
        assert_eq!(out[15], 0.0);
        assert_eq!(out[31], -4.0);
        assert_eq!(out[1], -4.0);
    }
}

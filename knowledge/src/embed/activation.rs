//! GELU and softmax over whole rows, vectorised.
//!
//! libm's `erff` and `expf` are exact to an ulp but scalar and branchy: they were a sixth of a
//! forward pass. Here `exp` is range reduction to `2^n · e^f` with `|f| ≤ ln2/2` and a degree-6
//! Taylor polynomial for `e^f` (relative error below 4·10⁻⁷ in f32), and `erf` is Abramowitz & Stegun's
//! 7.1.26 (absolute error 1.5·10⁻⁷, below 3·10⁻⁷ in f32) over that `exp` — errors far below those of the
//! 4-bit weights. Both are straight-line arithmetic, which the compiler turns into vector
//! instructions inside `pulp`'s dispatch (AVX2 + FMA where the CPU has them).

/// ln 2 = `LN_2_HIGH + LN_2_LOW`, the first exact with 9 significant bits (355/512).
const LN_2_HIGH: f32 = 0.693_359_4;
const LN_2_LOW: f32 = -2.121_944_4e-4;

/// 1.5 · 2²³: adding and subtracting it rounds an f32 of magnitude below 2²² to an integer.
const ROUNDER: f32 = 12_582_912.0;

/// `e^x` for `x ≤ 0` (inputs below -87 give 0).
#[inline(always)]
fn exp_nonpositive(x: f32) -> f32 {
    let x = x.max(-87.0);
    // Round to nearest by the float adder: t + 1.5·2²³ has a unit last place, so its low
    // mantissa bits hold round(t) (offset by 2²²) and subtracting 1.5·2²³ gives round(t) as a
    // float. Neither `round()` nor a float-to-int cast is used: both keep the compiler from
    // vectorising (a libm call, a saturating conversion).
    let shifted = x * std::f32::consts::LOG2_E + ROUNDER;
    let n = shifted - ROUNDER;
    // f = x - n·ln2 in two steps (ln2 split into a part exact in few bits and the rest), so
    // that no precision is lost for large |x|.
    let f = x - n * LN_2_HIGH - n * LN_2_LOW;
    // e^f, |f| ≤ ln2 / 2, by Horner's rule over 1/k!.
    let p = 1.0 / 720.0;
    let p = p * f + 1.0 / 120.0;
    let p = p * f + 1.0 / 24.0;
    let p = p * f + 1.0 / 6.0;
    let p = p * f + 0.5;
    let p = p * f + 1.0;
    let p = p * f + 1.0;
    // 2^n by its exponent bits, from the integer in `shifted`'s mantissa: n + 127 in the
    // exponent field (n ≥ -126 here, so the result is a normal number).
    let exponent = shifted
        .to_bits()
        .wrapping_sub(ROUNDER.to_bits())
        .wrapping_add(127)
        << 23;
    p * f32::from_bits(exponent)
}

/// The error function, A&S 7.1.26 made odd.
#[inline(always)]
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_72 + t * (1.421_413_8 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let e = 1.0 - poly * exp_nonpositive(-a * a);
    e.copysign(x)
}

/// `x ← GELU(x) = x/2 · (1 + erf(x/√2))` for every value.
pub fn gelu_in_place(values: &mut [f32]) {
    pulp::Arch::new().dispatch(Gelu(values));
}

/// `row ← softmax(row)`, in place.
pub fn softmax_in_place(row: &mut [f32]) {
    pulp::Arch::new().dispatch(Softmax(row));
}

// The loops run inside `with_simd`, which `pulp` compiles for the CPU's vector extensions and
// calls after checking them at run time; what is inlined there (everything above) is
// vectorised with them.

struct Gelu<'a>(&'a mut [f32]);

impl pulp::WithSimd for Gelu<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        for v in self.0.iter_mut() {
            *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
        }
    }
}

struct Softmax<'a>(&'a mut [f32]);

impl pulp::WithSimd for Softmax<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let row = self.0;
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        for v in row.iter_mut() {
            *v = exp_nonpositive(*v - max);
        }
        // Eight running sums, so the additions are independent (and vectorised).
        let mut lanes = [0f32; 8];
        let mut chunks = row.chunks_exact(8);
        for chunk in &mut chunks {
            for (l, v) in lanes.iter_mut().zip(chunk) {
                *l += v;
            }
        }
        let sum: f32 = lanes.iter().sum::<f32>() + chunks.remainder().iter().sum::<f32>();
        let inv = 1.0 / sum;
        row.iter_mut().for_each(|v| *v *= inv);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_within_four_parts_in_ten_million() {
        for i in 0..=8700 {
            let x = -(i as f32) / 100.0;
            let want = f64::from(x).exp();
            let got = f64::from(exp_nonpositive(x));
            assert!(
                ((got - want) / want).abs() < 4e-7,
                "exp({x}) = {got}, not {want}"
            );
        }
        assert_eq!(exp_nonpositive(-1000.0), exp_nonpositive(-87.0));
    }

    #[test]
    fn erf_is_within_its_published_bound() {
        for i in -600..=600 {
            let x = i as f32 / 100.0;
            let want = libm::erf(f64::from(x));
            let got = f64::from(erf(x));
            assert!((got - want).abs() < 3e-7, "erf({x}) = {got}, not {want}");
        }
    }

    #[test]
    fn gelu_and_softmax_agree_with_their_definitions() {
        let mut v: Vec<f32> = (-50..=50).map(|i| i as f32 / 10.0).collect();
        let x = v.clone();
        gelu_in_place(&mut v);
        for (g, x) in v.iter().zip(&x) {
            let want = 0.5 * x * (1.0 + libm::erff(x / std::f32::consts::SQRT_2));
            assert!((g - want).abs() < 1e-6, "gelu({x}) = {g}, not {want}");
        }
        let mut row = vec![1.0, 2.0, 3.0, -20.0];
        softmax_in_place(&mut row);
        let z: f32 = [1f32, 2.0, 3.0, -20.0]
            .iter()
            .map(|v| (v - 3.0).exp())
            .sum();
        for (p, v) in row.iter().zip([1f32, 2.0, 3.0, -20.0]) {
            assert!((p - (v - 3.0).exp() / z).abs() < 1e-6);
        }
    }
}

//! Fitting the ranking model to labelled questions: the scorer as a pairwise logistic ranker
//! (a right section should score above each wrong one of the same question), then the gate as a
//! logistic regression of "the best section is right" on the [`Signal`]s, then the gate's
//! threshold for a stated precision. Small, deterministic and explainable: a weight per named
//! feature.

use super::features::{Ablation, Feature, Features, Signal, Signals};
use super::model::{RankingModel, logistic};
use super::{Retrieval, score, signals};

/// A question's retrieval with which candidates are acceptable answers.
#[derive(Debug, Clone, Copy)]
pub struct Labelled<'a> {
    /// What retrieval found.
    pub retrieval: &'a Retrieval,
    /// Whether each candidate (same order) is an acceptable answer.
    pub acceptable: &'a [bool],
}

/// How to fit.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// The share of declined questions whose first answer would have been wrong that the
    /// threshold aims for.
    pub precision: f32,
    /// Features and signals left out.
    pub off: Ablation,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            precision: DEFAULT_PRECISION,
            off: Ablation::default(),
        }
    }
}

/// The precision the shipped gate is fitted for.
pub const DEFAULT_PRECISION: f32 = 0.85;
/// L2 penalty on the standardised weights: keeps weights small where the data say little.
const L2: f32 = 0.01;
/// Adam's steps and step size; the losses are convex, and this many steps converge on a few
/// hundred questions.
const STEPS: usize = 1500;
const STEP_SIZE: f32 = 0.05;

/// Fits the scorer, then the gate on the fitted scorer's rankings, then the threshold.
pub fn fit(examples: &[Labelled<'_>], options: &FitOptions) -> RankingModel {
    let mut model = RankingModel::embedded();
    model.scorer = fit_scorer(examples, &options.off);
    let points: Vec<(Signals, bool)> = gate_points(examples, &model, &options.off);
    let (weights, bias) = fit_gate(&points);
    model.gate = weights;
    model.gate_bias = bias;
    let probabilities: Vec<(f32, bool)> = points
        .iter()
        .map(|(s, right)| (model.probability(s), *right))
        .collect();
    model.threshold = threshold_for(&probabilities, options.precision);
    model.precision = options.precision;
    model.fitted_on = vec![format!("{} questions", examples.len())];
    model
}

/// For each question with a candidate: the best section's signals under `model`'s scorer and
/// whether that section is acceptable (never, for a question without an answer).
pub fn gate_points(
    examples: &[Labelled<'_>],
    model: &RankingModel,
    off: &Ablation,
) -> Vec<(Signals, bool)> {
    examples
        .iter()
        .filter_map(|e| {
            let scored = score(e.retrieval, model, off);
            let s = signals(e.retrieval, &scored, off)?;
            Some((s, e.acceptable[scored.best()?]))
        })
        .collect()
}

/// The pairwise ranker: minimises, per question, the mean logistic loss of every (right,
/// wrong) pair of its candidates, each question weighing the same.
pub fn fit_scorer(examples: &[Labelled<'_>], off: &Ablation) -> Features {
    const N: usize = Feature::ALL.len();
    let xs = |e: &Labelled<'_>, i: usize| e.retrieval.candidates[i].features.without(off).0;
    // Scale each feature by its spread over all candidates so one step size suits every
    // feature; the fitted weights are scaled back.
    let all: Vec<[f32; N]> = examples
        .iter()
        .flat_map(|e| (0..e.retrieval.candidates.len()).map(move |i| xs(e, i)))
        .collect();
    let scale = spreads(&all);
    let mut pairs: Vec<([f32; N], f32)> = Vec::new();
    for e in examples {
        let right: Vec<usize> = (0..e.acceptable.len())
            .filter(|&i| e.acceptable[i])
            .collect();
        let wrong: Vec<usize> = (0..e.acceptable.len())
            .filter(|&i| !e.acceptable[i])
            .collect();
        if right.is_empty() || wrong.is_empty() {
            continue;
        }
        let weight = 1.0 / (right.len() * wrong.len()) as f32;
        for &r in &right {
            for &w in &wrong {
                let (a, b) = (xs(e, r), xs(e, w));
                let d = std::array::from_fn(|k| (a[k] - b[k]) / scale[k]);
                pairs.push((d, weight));
            }
        }
    }
    let total: f32 = pairs.iter().map(|(_, w)| w).sum::<f32>().max(f32::EPSILON);
    let theta = adam(N + 1, |theta, grad| {
        for (d, w) in &pairs {
            let margin: f32 = d.iter().zip(theta).map(|(x, t)| x * t).sum();
            // d/dθ of softplus(-margin) = -σ(-margin)·d
            let g = -logistic(-margin) * w / total;
            for k in 0..N {
                grad[k] += g * d[k];
            }
        }
        for k in 0..N {
            grad[k] += L2 * theta[k];
        }
    });
    let mut out = Features::default();
    for k in 0..N {
        out.0[k] = theta[k] / scale[k];
    }
    out
}

/// Logistic regression of rightness on the signals: (weights, bias) on the signals' own
/// scale.
pub fn fit_gate(points: &[(Signals, bool)]) -> (Signals, f32) {
    const N: usize = Signal::ALL.len();
    let rows: Vec<[f32; N]> = points.iter().map(|(s, _)| s.0).collect();
    let mean: [f32; N] =
        std::array::from_fn(|k| rows.iter().map(|r| r[k]).sum::<f32>() / rows.len().max(1) as f32);
    let centred: Vec<[f32; N]> = rows
        .iter()
        .map(|r| std::array::from_fn(|k| r[k] - mean[k]))
        .collect();
    let scale = spreads(&centred);
    let xs: Vec<[f32; N]> = centred
        .iter()
        .map(|r| std::array::from_fn(|k| r[k] / scale[k]))
        .collect();
    let n = points.len().max(1) as f32;
    // θ[N] is the intercept, not penalised.
    let theta = adam(N + 1, |theta, grad| {
        for (x, (_, right)) in xs.iter().zip(points) {
            let z: f32 = theta[N] + x.iter().zip(theta).map(|(a, t)| a * t).sum::<f32>();
            let g = (logistic(z) - f32::from(*right)) / n;
            for k in 0..N {
                grad[k] += g * x[k];
            }
            grad[N] += g;
        }
        for k in 0..N {
            grad[k] += L2 * theta[k];
        }
    });
    let mut weights = Signals::default();
    let mut bias = theta[N];
    for k in 0..N {
        weights.0[k] = theta[k] / scale[k];
        bias -= weights.0[k] * mean[k];
    }
    (weights, bias)
}

/// The highest threshold at which the questions declined (probability below it) would at
/// least `precision` of them have got a wrong first answer: a decline is right when what it
/// withholds is wrong (or there is no answer), and a needless "I don't know" is the cost
/// this bounds. Midway between neighbouring probabilities, so the threshold does not sit on
/// one question; 0 (never decline) when no decline is precise enough.
pub fn threshold_for(points: &[(f32, bool)], precision: f32) -> f32 {
    let mut sorted: Vec<(f32, bool)> = points.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut wrong = 0usize;
    let mut reached = None;
    for (m, (_, right)) in sorted.iter().enumerate() {
        wrong += usize::from(!*right);
        if wrong as f32 / (m + 1) as f32 >= precision {
            reached = Some(m);
        }
    }
    match reached {
        None => 0.0,
        Some(m) => match sorted.get(m + 1) {
            Some(next) => (sorted[m].0 + next.0) / 2.0,
            None => 1.0,
        },
    }
}

/// Each column's standard deviation around zero-mean data, 1 where a column is constant.
fn spreads<const N: usize>(rows: &[[f32; N]]) -> [f32; N] {
    std::array::from_fn(|k| {
        let n = rows.len().max(1) as f32;
        let mean = rows.iter().map(|r| r[k]).sum::<f32>() / n;
        let var = rows.iter().map(|r| (r[k] - mean).powi(2)).sum::<f32>() / n;
        if var > 1e-12 { var.sqrt() } else { 1.0 }
    })
}

/// Minimises a smooth convex loss by Adam from zero; `gradient(θ, grad)` adds the loss's
/// gradient at θ into `grad` (zeroed before each call).
fn adam(n: usize, mut gradient: impl FnMut(&[f32], &mut [f32])) -> Vec<f32> {
    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    let mut theta = vec![0.0f32; n];
    let mut m = vec![0.0f32; n];
    let mut v = vec![0.0f32; n];
    let mut grad = vec![0.0f32; n];
    for t in 1..=STEPS {
        grad.iter_mut().for_each(|g| *g = 0.0);
        gradient(&theta, &mut grad);
        let (c1, c2) = (1.0 - b1.powi(t as i32), 1.0 - b2.powi(t as i32));
        for k in 0..n {
            m[k] = b1 * m[k] + (1.0 - b1) * grad[k];
            v[k] = b2 * v[k] + (1.0 - b2) * grad[k] * grad[k];
            theta[k] -= STEP_SIZE * (m[k] / c1) / ((v[k] / c2).sqrt() + eps);
        }
    }
    theta
}

/// Assigns each of `ids` to one of `k` folds, by a hash of the id: the same question is in the
/// same fold whatever the file's order, and the folds are about equal.
pub fn folds(ids: &[&str], k: usize) -> Vec<usize> {
    let k = k.max(1);
    let mut keyed: Vec<(u64, usize)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (fnv1a(id.as_bytes()), i))
        .collect();
    keyed.sort_unstable();
    let mut out = vec![0; ids.len()];
    for (rank, (_, i)) in keyed.into_iter().enumerate() {
        out[i] = rank % k;
    }
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::candidate;
    use super::*;

    /// Questions where the right section is the semantically nearest but not the best covered.
    fn semantic_world() -> Vec<(Retrieval, Vec<bool>)> {
        (0..40)
            .map(|i| {
                let jitter = (i % 7) as f32 / 20.0;
                let retrieval = Retrieval {
                    candidates: vec![
                        candidate(
                            "right",
                            "r",
                            &[(Feature::Coverage, 0.5 + jitter), (Feature::Semantic, 0.9)],
                        ),
                        candidate(
                            "lexical",
                            "l",
                            &[
                                (Feature::Coverage, 1.0),
                                (Feature::Semantic, 0.8 + jitter / 4.0),
                            ],
                        ),
                        candidate(
                            "far",
                            "f",
                            &[(Feature::Coverage, 0.3), (Feature::Semantic, 0.7)],
                        ),
                    ],
                    ..Retrieval::default()
                };
                (retrieval, vec![true, false, false])
            })
            .collect()
    }

    #[test]
    fn the_ranker_learns_which_feature_tells_right_from_wrong() {
        let world = semantic_world();
        let examples: Vec<Labelled<'_>> = world
            .iter()
            .map(|(r, a)| Labelled {
                retrieval: r,
                acceptable: a,
            })
            .collect();
        let w = fit_scorer(&examples, &Ablation::default());
        assert!(w[Feature::Semantic] > 0.0, "{w:?}");
        let mut model = RankingModel::embedded();
        model.scorer = w;
        for (r, _) in &world {
            assert_eq!(score(r, &model, &Ablation::default()).best(), Some(0));
        }
        // Without the semantic feature nothing separates them: coverage prefers the wrong one.
        let off = Ablation::of(["semantic"]).unwrap();
        model.scorer = fit_scorer(&examples, &off);
        assert_eq!(model.scorer[Feature::Semantic], 0.0);
    }

    #[test]
    fn the_gate_is_calibrated_where_the_data_say_so() {
        // Right 80 % of the time when the margin is large, 20 % when small.
        let mut points = Vec::new();
        for i in 0..200 {
            let mut s = Signals::default();
            let large = i % 2 == 0;
            s[Signal::Margin] = if large { 1.0 } else { 0.0 };
            let right = if large { i % 10 != 0 } else { i % 10 == 1 };
            points.push((s, right));
        }
        let (w, b) = fit_gate(&points);
        let p = |margin: f32| {
            let mut s = Signals::default();
            s[Signal::Margin] = margin;
            logistic(b + s.dot(&w))
        };
        assert!((p(1.0) - 0.8).abs() < 0.05, "{}", p(1.0));
        assert!((p(0.0) - 0.2).abs() < 0.05, "{}", p(0.0));
    }

    #[test]
    fn the_threshold_is_the_highest_whose_declines_are_precise_enough() {
        let points = [
            (0.9, true),
            (0.8, true),
            (0.7, false),
            (0.6, true),
            (0.5, false),
            (0.4, false),
        ];
        // Declining the lowest two is 2/2 right, three 2/3, four 3/4, five 3/5.
        let t = threshold_for(&points, 0.75);
        assert!(t > 0.7 && t < 0.8, "{t}");
        let t = threshold_for(&points, 1.0);
        assert!(t > 0.5 && t < 0.6, "{t}");
        // Nothing declined is ever this precise: never decline.
        assert_eq!(threshold_for(&[(0.3, true), (0.9, false)], 0.9), 0.0);
    }

    #[test]
    fn folds_are_balanced_and_independent_of_order() {
        let ids: Vec<String> = (0..100).map(|i| format!("q{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let f = folds(&refs, 5);
        for k in 0..5 {
            assert_eq!(f.iter().filter(|&&x| x == k).count(), 20);
        }
        let mut reversed = refs.clone();
        reversed.reverse();
        let g = folds(&reversed, 5);
        assert_eq!(f[0], g[99]);
    }
}

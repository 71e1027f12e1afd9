/**
 * The vanilla contrastive loss (paper eq. 3) over all n rows of one image, in double precision, written the way the
 * native kernel computes it: a first pass per anchor finds its softmax sums and loss, a second pass per row adds
 * up its gradient from every pair it is in (as anchor and as partner), so each row's gradient has one owner.
 */
import type { Num } from './types.ts';

function sqDist(e: Num, d: number, i: number, j: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = e[i * d + k]! - e[j * d + k]!;
    s += t * t;
  }
  return s;
}

/**
 * sim = exp(−γ‖e_i − e_j‖²) with γ = gammaPositive for pairs of one label and gammaNegative otherwise; per anchor
 * −log(Σ_pos exp(sim) / Σ_all exp(sim)) (the anchor in the denominator, not among its positives), averaged over
 * all n rows; anchors without a positive add nothing. Writes grad (n×d) and returns the loss.
 */
export function vanillaContrastiveRef(
  emb: Num,
  labels: ArrayLike<number>,
  n: number,
  d: number,
  gammaPositive: number,
  gammaNegative: number,
  grad: Num,
): number {
  grad.fill(0, 0, n * d);
  if (n === 0) return 0;
  const zAll = new Float64Array(n);
  const zPos = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const same = labels[i] === labels[j];
      const sim = Math.exp(-(same ? gammaPositive : gammaNegative) * sqDist(emb, d, i, j));
      const l = Math.exp(sim - 1); // shifted by the largest possible sim (1) for stability
      zAll[i]! += l;
      if (same && j !== i) zPos[i]! += l;
    }
    if (zPos[i]! > 0) loss -= Math.log(zPos[i]! / zAll[i]!);
  }
  // coef(a, b) = ∂L/∂sim_ab · ∂sim_ab/∂(‖e_a − e_b‖²)·2 for anchor a and partner b; grad_i = Σ_j (coef(i, j) + coef(j, i))(e_i − e_j).
  const coef = (a: number, same: boolean, sim: number, l: number, g: number): number => {
    if (zPos[a] === 0) return 0;
    const dLdSim = -((same ? l / zPos[a]! : 0) - l / zAll[a]!) / n;
    return dLdSim * -2 * g * sim;
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const same = labels[i] === labels[j];
      const g = same ? gammaPositive : gammaNegative;
      const sim = Math.exp(-g * sqDist(emb, d, i, j));
      const l = Math.exp(sim - 1);
      const c = coef(i, same, sim, l, g) + coef(j, same, sim, l, g);
      for (let k = 0; k < d; k++) grad[i * d + k]! += c * (emb[i * d + k]! - emb[j * d + k]!);
    }
  }
  return loss / n;
}

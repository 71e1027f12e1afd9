/**
 * Vanilla contrastive loss (paper eq. 3) over all pixels of one image. As in the original code the RBF width
 * differs for positive and negative pairs (sim = exp(−γ‖θ_u − θ_u'‖²) with γ_pos = 1/100, γ_neg = 1), the softmax
 * runs over exp(sim) with the pixel itself in the denominator but not among its positives.
 */
import { type Embeddings, type LossWithGrad, sqDist } from './embedding-loss.ts';

/** Options of the vanilla contrastive loss. */
export interface ContrastiveOptions {
  gammaPositive?: number;
  gammaNegative?: number;
}

/** Eq. 3 and its gradient with respect to the embeddings. */
export function vanillaContrastive(
  e: Embeddings,
  labels: ArrayLike<number>,
  options: ContrastiveOptions = {},
): LossWithGrad {
  const gPos = options.gammaPositive ?? 0.01;
  const gNeg = options.gammaNegative ?? 1;
  const { n, d } = e;
  const grad = new Float64Array(n * d);
  if (n === 0) return { loss: 0, grad };
  const sim = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let zAll = 0;
    let zPos = 0;
    for (let j = 0; j < n; j++) {
      const same = labels[i] === labels[j];
      sim[j] = Math.exp(-(same ? gPos : gNeg) * sqDist(e, i, e, j));
      const l = Math.exp(sim[j]! - 1); // shift by the maximum possible sim (1) for stability
      zAll += l;
      if (same && j !== i) zPos += l;
    }
    if (zPos === 0) continue;
    loss -= Math.log(zPos / zAll);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const same = labels[i] === labels[j];
      const l = Math.exp(sim[j]! - 1);
      const dLdSim = -((same ? l / zPos : 0) - l / zAll) / n;
      const g = same ? gPos : gNeg;
      // sim = exp(−g‖e_i − e_j‖²): d/de_i = −2g·sim·(e_i − e_j), d/de_j the opposite
      const coef = dLdSim * -2 * g * sim[j]!;
      for (let k = 0; k < d; k++) {
        const t = coef * (e.data[i * d + k]! - e.data[j * d + k]!);
        grad[i * d + k]! += t;
        grad[j * d + k]! -= t;
      }
    }
  }
  return { loss: loss / n, grad };
}

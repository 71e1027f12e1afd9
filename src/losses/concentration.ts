/**
 * Concentration loss (paper eq. 5): pulls each fast embedding of Ω1 towards the centroid of its label among the
 * slow embeddings of Ω2. As in the original code it is bounded, −exp(−‖θ − c‖²/τ) weighted by the segmenter's
 * confidence, averaged per label and then over labels present in both halves.
 */
import { type Embeddings, type LossWithGrad, labelCentroids } from './embedding-loss.ts';

/** Options of the concentration loss. */
export interface ConcentrationOptions {
  temperature?: number;
}

/** Eq. 5 and its gradient with respect to the fast embeddings (centroids are constants). */
export function concentration(
  fast: Embeddings,
  fastLabels: ArrayLike<number>,
  confidence: ArrayLike<number>,
  centroidsFrom: Embeddings,
  centroidLabels: ArrayLike<number>,
  options: ConcentrationOptions = {},
): LossWithGrad {
  const tau = options.temperature ?? 1;
  const { n, d } = fast;
  const grad = new Float64Array(n * d);
  const centroids = labelCentroids(centroidsFrom, centroidLabels);
  const counts = new Map<number, number>();
  for (let p = 0; p < n; p++) {
    const l = fastLabels[p]!;
    if (centroids.has(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  const nLabels = counts.size;
  if (nLabels === 0) return { loss: 0, grad };
  let loss = 0;
  for (let p = 0; p < n; p++) {
    const l = fastLabels[p]!;
    const c = centroids.get(l);
    if (!c) continue;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const t = fast.data[p * d + k]! - c[k]!;
      s += t * t;
    }
    const w = 1 / (counts.get(l)! * nLabels);
    const e = Math.exp(-s / tau) * confidence[p]!;
    loss -= w * e;
    for (let k = 0; k < d; k++) grad[p * d + k] = ((w * e * 2) / tau) * (fast.data[p * d + k]! - c[k]!);
  }
  return { loss, grad };
}

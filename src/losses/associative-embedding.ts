/**
 * Associative-embedding loss (paper eq. 6): pull each embedding to its segment mean, push segment means apart.
 * The push term uses the bounded form exp(−½‖θ̄_k − θ̄_k'‖²) of the original associative-embedding loss (a plain
 * squared distance, as eq. 6 prints it, would be minimised by collapsing all means together).
 */
import { type Embeddings, type LossWithGrad, labelCentroids } from './embedding-loss.ts';

/** Eq. 6 (bounded push) and its gradient with respect to the embeddings. */
export function associativeEmbedding(e: Embeddings, labels: ArrayLike<number>): LossWithGrad {
  const { n, d } = e;
  const grad = new Float64Array(n * d);
  if (n === 0) return { loss: 0, grad };
  const means = labelCentroids(e, labels);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  const keys = [...means.keys()];
  const K = keys.length;
  let loss = 0;
  // Pull: (1/n) Σ ‖e_i − m_k‖²; the gradient through m_k sums to zero over the group.
  for (let i = 0; i < n; i++) {
    const m = means.get(labels[i]!)!;
    for (let k = 0; k < d; k++) {
      const t = e.data[i * d + k]! - m[k]!;
      loss += (t * t) / n;
      grad[i * d + k]! += (2 * t) / n;
    }
  }
  // Push: (1/K²) Σ_{a≠b} exp(−½‖m_a − m_b‖²); dm_a/de_i = 1/|G_a| for i in G_a.
  const gradMean = new Map<number, Float64Array>(keys.map((l) => [l, new Float64Array(d)]));
  for (const a of keys) {
    for (const b of keys) {
      if (a === b) continue;
      const ma = means.get(a)!;
      const mb = means.get(b)!;
      let s = 0;
      for (let k = 0; k < d; k++) s += (ma[k]! - mb[k]!) ** 2;
      const v = Math.exp(-0.5 * s) / (K * K);
      loss += v;
      const ga = gradMean.get(a)!;
      const gb = gradMean.get(b)!;
      for (let k = 0; k < d; k++) {
        const t = -v * (ma[k]! - mb[k]!);
        ga[k]! += t;
        gb[k]! -= t;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const g = gradMean.get(labels[i]!)!;
    const c = counts.get(labels[i]!)!;
    for (let k = 0; k < d; k++) grad[i * d + k]! += g[k]! / c;
  }
  return { loss, grad };
}

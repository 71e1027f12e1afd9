/** Margin-based contrastive loss (paper eq. 7): same-segment pairs pulled together, others pushed beyond ε. */
import { type Embeddings, type LossWithGrad, sqDist } from './embedding-loss.ts';

/** Options of the margin loss. */
export interface MarginOptions {
  /** ε: squared distance beyond which different-segment pairs cost nothing. */
  margin?: number;
}

/** Eq. 7 and its gradient with respect to the embeddings. */
export function marginContrastive(
  e: Embeddings,
  labels: ArrayLike<number>,
  options: MarginOptions = {},
): LossWithGrad {
  const eps = options.margin ?? 1;
  const { n, d } = e;
  const grad = new Float64Array(n * d);
  if (n === 0) return { loss: 0, grad };
  const scale = 1 / (n * n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const s = sqDist(e, i, e, j);
      let coef: number;
      if (labels[i] === labels[j]) {
        loss += s * scale;
        coef = 2 * scale;
      } else if (s < eps) {
        loss += (eps - s) * scale;
        coef = -2 * scale;
      } else continue;
      for (let k = 0; k < d; k++) {
        const t = coef * (e.data[i * d + k]! - e.data[j * d + k]!);
        grad[i * d + k]! += t;
        grad[j * d + k]! -= t;
      }
    }
  }
  return { loss, grad };
}

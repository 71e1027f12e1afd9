/**
 * Vanilla contrastive loss (paper eq. 3) over all pixels of one image. As in the original code the RBF width
 * differs for positive and negative pairs (sim = exp(−γ‖θ_u − θ_u'‖²) with γ_pos = 1/100, γ_neg = 1), the softmax
 * runs over exp(sim) with the pixel itself in the denominator but not among its positives.
 */
import type { Backend } from '../kernels/backend.ts';
import { vanillaContrastiveRef } from '../kernels/reference/contrastive.ts';
import type { Embeddings, LossWithGrad } from './embedding-loss.ts';

/** Options of the vanilla contrastive loss. */
export interface ContrastiveOptions {
  gammaPositive?: number;
  gammaNegative?: number;
  /** Runs the loss on this backend's kernel (float32); without one, the double-precision reference. */
  backend?: Backend;
}

/** Eq. 3 and its gradient with respect to the embeddings. */
export function vanillaContrastive(
  e: Embeddings,
  labels: ArrayLike<number>,
  options: ContrastiveOptions = {},
): LossWithGrad {
  const gammaPositive = options.gammaPositive ?? 0.01;
  const gammaNegative = options.gammaNegative ?? 1;
  const { n, d } = e;
  if (options.backend) {
    const grad = new Float32Array(n * d);
    const loss = options.backend.vanillaContrastive({
      emb: Float32Array.from(e.data as ArrayLike<number>),
      labels: Int32Array.from(labels),
      n,
      d,
      gammaPositive,
      gammaNegative,
      grad,
    });
    return { loss, grad: Float64Array.from(grad) };
  }
  const grad = new Float64Array(n * d);
  const loss = vanillaContrastiveRef(
    Float64Array.from(e.data),
    labels,
    n,
    d,
    gammaPositive,
    gammaNegative,
    grad,
  );
  return { loss, grad };
}

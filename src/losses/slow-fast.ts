/**
 * Slow-fast contrastive loss (paper eq. 4): fast embeddings of Ω1 against slow (EMA-field) embeddings of Ω2.
 * As in the original code, sim = exp(−‖θ − θ̃‖/τ) with the plain (not squared) distance, and the softmax runs
 * over exp(s·sim) (s = 1 in the original); only fast pixels with at least one same-label slow pixel contribute.
 */
import type { Backend } from '../kernels/backend.ts';
import { slowFastRef } from '../kernels/reference/slow-fast.ts';
import type { Embeddings, LossWithGrad } from './embedding-loss.ts';

/** Options of the slow-fast contrastive loss. */
export interface SlowFastOptions {
  /** Distance scale τ in sim = exp(−‖θ − θ̃‖ / τ). */
  temperature?: number;
  /** Factor s on the softmax logits s·sim (the original: 1, so logits lie in (0, 1]). */
  logitScale?: number;
  /** Backend running the kernel; without one, the double-precision reference. */
  backend?: Backend;
}

/** Eq. 4 and its gradient with respect to the fast embeddings (slow ones are constants). */
export function slowFastContrastive(
  fast: Embeddings,
  fastLabels: ArrayLike<number>,
  slow: Embeddings,
  slowLabels: ArrayLike<number>,
  options: SlowFastOptions = {},
): LossWithGrad {
  const temperature = options.temperature ?? 1;
  const logitScale = options.logitScale ?? 1;
  const { n: n1, d } = fast;
  const n2 = slow.n;
  const be = options.backend;
  if (!be) {
    const grad = new Float64Array(n1 * d);
    const loss = slowFastRef(
      fast.data,
      slow.data,
      n1,
      n2,
      d,
      fastLabels,
      slowLabels,
      temperature,
      logitScale,
      grad,
    );
    return { loss, grad };
  }
  const f32 = (a: ArrayLike<number>) => (a instanceof Float32Array ? a : Float32Array.from(a));
  const i32 = (a: ArrayLike<number>) => (a instanceof Int32Array ? a : Int32Array.from(a));
  const g = new Float32Array(n1 * d);
  const loss = be.slowFast({
    fast: f32(fast.data),
    slow: f32(slow.data),
    n1,
    n2,
    d,
    fastLabels: i32(fastLabels),
    slowLabels: i32(slowLabels),
    temperature,
    logitScale,
    grad: g,
  });
  return { loss, grad: Float64Array.from(g) };
}

/**
 * Slow-fast contrastive loss (paper eq. 4): fast embeddings of Ω1 against slow (EMA-field) embeddings of Ω2.
 * As in the original code, sim = exp(−‖θ − θ̃‖/τ) with the plain (not squared) distance, and the softmax runs
 * over exp(s·sim) (s = 1 in the original); only fast pixels with at least one same-label slow pixel contribute.
 */
import { type Embeddings, type LossWithGrad, sqDist } from './embedding-loss.ts';

/** Options of the slow-fast contrastive loss. */
export interface SlowFastOptions {
  /** Distance scale τ in sim = exp(−‖θ − θ̃‖ / τ). */
  temperature?: number;
  /** Factor s on the softmax logits s·sim (the original: 1, so logits lie in (0, 1]). */
  logitScale?: number;
}

/** Eq. 4 and its gradient with respect to the fast embeddings (slow ones are constants). */
export function slowFastContrastive(
  fast: Embeddings,
  fastLabels: ArrayLike<number>,
  slow: Embeddings,
  slowLabels: ArrayLike<number>,
  options: SlowFastOptions = {},
): LossWithGrad {
  const tau = options.temperature ?? 1;
  const scale = options.logitScale ?? 1;
  const { n: n1, d } = fast;
  const n2 = slow.n;
  const grad = new Float64Array(n1 * d);
  if (n1 === 0 || n2 === 0) return { loss: 0, grad };
  const sim = new Float64Array(n2);
  const dist = new Float64Array(n2);
  const ex = new Float64Array(n2);
  const slowSet = new Set(Array.from(slowLabels));
  const validRows: number[] = [];
  for (let p = 0; p < n1; p++) if (slowSet.has(fastLabels[p]!)) validRows.push(p);
  const nValid = validRows.length;
  if (nValid === 0) return { loss: 0, grad };
  let loss = 0;
  for (const p of validRows) {
    let maxAll = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < n2; q++) {
      dist[q] = Math.sqrt(sqDist(fast, p, slow, q));
      sim[q] = Math.exp(-dist[q]! / tau);
      if (sim[q]! > maxAll) maxAll = sim[q]!;
    }
    // logits = exp(s·sim); log P = logsumexp_pos(s·sim) − logsumexp_all(s·sim)
    let zAll = 0;
    let zPos = 0;
    for (let q = 0; q < n2; q++) {
      const e = Math.exp(scale * (sim[q]! - maxAll));
      ex[q] = e;
      zAll += e;
      if (slowLabels[q] === fastLabels[p]) zPos += e;
    }
    loss -= Math.log(zPos / zAll);
    for (let q = 0; q < n2; q++) {
      const e = ex[q]!;
      const a = slowLabels[q] === fastLabels[p] ? e / zPos : 0;
      const b = e / zAll;
      const dLdSim = (-(a - b) * scale) / nValid;
      const dq = dist[q]!;
      if (dq === 0) continue;
      // sim = exp(−dist/τ): dsim/df_p = −sim/τ · (f_p − s_q)/dist
      const coef = (dLdSim * -sim[q]!) / tau / dq;
      for (let k = 0; k < d; k++) grad[p * d + k]! += coef * (fast.data[p * d + k]! - slow.data[q * d + k]!);
    }
  }
  return { loss: loss / nValid, grad };
}

import type { Num } from './types.ts';

/** Slow-fast contrastive loss and its gradient w.r.t. the fast rows (SlowFastArgs), in double precision. */
export function slowFastRef(
  fast: ArrayLike<number>,
  slow: ArrayLike<number>,
  n1: number,
  n2: number,
  d: number,
  fastLabels: ArrayLike<number>,
  slowLabels: ArrayLike<number>,
  tau: number,
  scale: number,
  grad: Num,
): number {
  for (let i = 0; i < n1 * d; i++) grad[i] = 0;
  if (n1 === 0 || n2 === 0) return 0;
  const sim = new Float64Array(n2);
  const dist = new Float64Array(n2);
  const ex = new Float64Array(n2);
  const slowSet = new Set(Array.from(slowLabels));
  const validRows: number[] = [];
  for (let p = 0; p < n1; p++) if (slowSet.has(fastLabels[p]!)) validRows.push(p);
  const nValid = validRows.length;
  if (nValid === 0) return 0;
  let loss = 0;
  for (const p of validRows) {
    let maxAll = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < n2; q++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = fast[p * d + k]! - slow[q * d + k]!;
        s += t * t;
      }
      dist[q] = Math.sqrt(s);
      sim[q] = Math.exp(-dist[q]! / tau);
      if (sim[q]! > maxAll) maxAll = sim[q]!;
    }
    // logits = scale·sim; log P = logsumexp_pos − logsumexp_all
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
      const dLdSim = (-(a - e / zAll) * scale) / nValid;
      const dq = dist[q]!;
      if (dq === 0) continue;
      // sim = exp(−dist/τ): dsim/df_p = −sim/τ · (f_p − s_q)/dist
      const coef = (dLdSim * -sim[q]!) / tau / dq;
      for (let k = 0; k < d; k++) grad[p * d + k]! += coef * (fast[p * d + k]! - slow[q * d + k]!);
    }
  }
  return loss / nValid;
}

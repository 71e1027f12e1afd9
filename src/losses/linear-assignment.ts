/**
 * Panoptic Lifting's instance loss (the linear-assignment baseline): the field predicts K slot logits per
 * pixel; each step, the image's 2D segments are matched to slots by the Hungarian method on the negative mean
 * slot probability, and the matched slots become cross-entropy targets weighted by confidence.
 */
import { munkres } from 'munkres';
import type { Backend } from '../kernels/backend.ts';
import { softmaxRowsRef } from '../kernels/reference/softmax.ts';
import type { Num } from '../kernels/reference/types.ts';
import type { Embeddings, LossWithGrad } from './embedding-loss.ts';

/** The loss, its gradient w.r.t. the logits, and the slot each segment label was assigned. */
export interface LinearAssignmentResult extends LossWithGrad {
  assignment: Map<number, number>;
}

/** Row-wise softmax of n×k logits: on the backend for float32 logits, else the double-precision reference. */
function slotProbabilities(logits: Embeddings, backend?: Backend): Num {
  const { n, d: k } = logits;
  if (backend && logits.data instanceof Float32Array) {
    const p = new Float32Array(n * k);
    if (n > 0) backend.softmaxRows({ x: logits.data.subarray(0, n * k), rows: n, cols: k, y: p });
    return p;
  }
  const p = new Float64Array(n * k);
  softmaxRowsRef(Float64Array.from(logits.data), n, k, p);
  return p;
}

/** Hungarian-assigned cross-entropy over K slot logits (n×K), and its gradient. */
export function linearAssignment(
  logits: Embeddings,
  labels: ArrayLike<number>,
  confidence: ArrayLike<number>,
  backend?: Backend,
): LinearAssignmentResult {
  const { n, d: k } = logits;
  const grad = new Float64Array(n * k);
  const assignment = new Map<number, number>();
  if (n === 0) return { loss: 0, grad, assignment };
  const unique = [...new Set(Array.from(labels))].sort((a, b) => a - b).slice(0, k);
  const row = new Map(unique.map((l, r) => [l, r]));
  const p = slotProbabilities(logits, backend);
  const cost = unique.map(() => new Float64Array(k));
  const counts = new Float64Array(unique.length);
  for (let i = 0; i < n; i++) {
    const r = row.get(labels[i]!);
    if (r === undefined) continue;
    counts[r]!++;
    for (let j = 0; j < k; j++) cost[r]![j]! -= p[i * k + j]!;
  }
  cost.forEach((c, r) => {
    for (let j = 0; j < k; j++) c[j]! /= counts[r]! + 1e-4;
  });
  for (const [r, slot] of munkres(cost)) assignment.set(unique[r]!, slot);
  const target = new Int32Array(n);
  let allCorrect = true;
  for (let i = 0; i < n; i++) {
    target[i] = assignment.get(labels[i]!) ?? 0;
    let arg = 0;
    for (let j = 1; j < k; j++) if (logits.data[i * k + j]! > logits.data[i * k + arg]!) arg = j;
    if (arg !== target[i]) allCorrect = false;
  }
  if (allCorrect) return { loss: 0, grad, assignment };
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const c = confidence[i]!;
    loss -= (c * Math.log(Math.max(p[i * k + target[i]!]!, 1e-30))) / n;
    for (let j = 0; j < k; j++) grad[i * k + j] = (c * (p[i * k + j]! - (j === target[i] ? 1 : 0))) / n;
  }
  return { loss, grad, assignment };
}

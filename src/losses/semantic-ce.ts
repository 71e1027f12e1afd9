/**
 * Semantic cross-entropy on rendered log-probabilities against the 2D segmenter's classes, weighted per pixel by
 * its confidence and per class by `classWeights` (void pixels ignored), averaged over pixels.
 */
import { VOID_LABEL } from '../data/scene.ts';

/** Loss and gradient w.r.t. the rendered log-probabilities (n×C). */
export interface SemanticLoss {
  loss: number;
  dLogProbs: Float32Array;
}

/** Confidence- and class-weighted cross-entropy of rendered log-probs against class ids. */
export function semanticCrossEntropy(
  logProbs: Float32Array,
  classes: number,
  targets: ArrayLike<number>,
  confidence: ArrayLike<number>,
  classWeights?: ArrayLike<number>,
): SemanticLoss {
  const n = targets.length;
  const dLogProbs = new Float32Array(n * classes);
  if (n === 0) return { loss: 0, dLogProbs };
  let loss = 0;
  for (let r = 0; r < n; r++) {
    const t = targets[r]!;
    if (t === VOID_LABEL || t >= classes) continue;
    const w = (classWeights ? classWeights[t]! : 1) * confidence[r]!;
    loss -= (w * logProbs[r * classes + t]!) / n;
    dLogProbs[r * classes + t] = -w / n;
  }
  return { loss, dLogProbs };
}

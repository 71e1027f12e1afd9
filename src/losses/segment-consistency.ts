/**
 * Segment-consistency loss: each 2D segment is pulled toward one class, the argmax of the mean rendered
 * probability over the segment's pixels, with a confidence-weighted cross-entropy. The original takes the argmax
 * of the mean log-probability; with noisy masks (a dilated segment covering some confident background) that mean
 * is dominated by the few near-zero probabilities and dragged whole objects to background, so clift averages
 * probabilities instead.
 */
import { type SemanticLoss, semanticCrossEntropy } from './semantic-ce.ts';

/** The consistency loss over pixels grouped by `segments` (0 = no segment, ignored). */
export function segmentConsistency(
  logProbs: Float32Array,
  classes: number,
  segments: ArrayLike<number>,
  confidence: ArrayLike<number>,
  classWeights?: ArrayLike<number>,
): SemanticLoss {
  const n = segments.length;
  const sums = new Map<number, Float64Array>();
  for (let r = 0; r < n; r++) {
    const s = segments[r]!;
    if (s === 0) continue;
    let acc = sums.get(s);
    if (!acc) {
      acc = new Float64Array(classes);
      sums.set(s, acc);
    }
    for (let c = 0; c < classes; c++) acc[c]! += Math.exp(logProbs[r * classes + c]!);
  }
  const targetOf = new Map<number, number>();
  for (const [s, acc] of sums) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (acc[c]! > acc[best]!) best = c;
    targetOf.set(s, best);
  }
  const targets = new Uint16Array(n);
  const conf = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const s = segments[r]!;
    if (s === 0) {
      targets[r] = 65535;
      continue;
    }
    targets[r] = targetOf.get(s)!;
    conf[r] = confidence[r]!;
  }
  return semanticCrossEntropy(logProbs, classes, targets, conf, classWeights);
}

/**
 * Semantic rendering (paper eq. 1 applied to class distributions): per-sample softmax, composited with the
 * frozen ray weights, renormalised by the weight sum, then log(· + 1e-8), and its backward to the logits. The
 * per-sample work (softmax, compositing and their backwards) runs on the backend's kernels.
 */
import { compute } from '../fields/compute.ts';
import type { Backend } from '../kernels/backend.ts';

/** Rendered class distribution per ray, with what the backward pass needs. */
export interface SemanticRender {
  nRays: number;
  classes: number;
  /** log of the renormalised rendered distribution, n×C. */
  logProbs: Float32Array;
  /** Rendered distribution, n×C. */
  probs: Float32Array;
  /** Per-sample softmax, nSamples×C. */
  sampleProbs: Float32Array;
  /** Σ w over each ray. */
  weightSum: Float32Array;
}

const EPS = 1e-8;

/** Composites per-sample class logits along rays with fixed weights. */
export function renderSemantic(
  logits: Float32Array,
  classes: number,
  weights: Float32Array,
  rayStart: Int32Array,
  backend: Backend = compute(),
): SemanticRender {
  const nRays = rayStart.length - 1;
  const nS = weights.length;
  const C = classes;
  const sampleProbs = new Float32Array(nS * C);
  if (nS > 0) backend.softmaxRows({ x: logits.subarray(0, nS * C), rows: nS, cols: C, y: sampleProbs });
  const probs = new Float32Array(nRays * C);
  backend.compositeValues({
    weights,
    values: sampleProbs,
    channels: C,
    rayStart,
    numRays: nRays,
    out: probs,
  });
  const logProbs = new Float32Array(nRays * C);
  const weightSum = new Float32Array(nRays);
  for (let r = 0; r < nRays; r++) {
    let W = 0;
    for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++) W += weights[i]!;
    weightSum[r] = W;
    for (let c = 0; c < C; c++) {
      if (W > 0) probs[r * C + c]! /= W;
      logProbs[r * C + c] = Math.log(probs[r * C + c]! + EPS);
    }
  }
  return { nRays, classes: C, logProbs, probs, sampleProbs, weightSum };
}

/** Gradient w.r.t. the per-sample logits, given the gradient w.r.t. the rendered log-probabilities. */
export function renderSemanticBackward(
  render: SemanticRender,
  weights: Float32Array,
  rayStart: Int32Array,
  dLogProbs: Float32Array,
  backend: Backend = compute(),
): Float32Array {
  const C = render.classes;
  const n = render.nRays;
  // d/d(composited probs) of log(probs / W + ε); rays without weight pass nothing on.
  const dComposite = new Float32Array(n * C);
  for (let r = 0; r < n; r++) {
    const W = render.weightSum[r]!;
    if (W <= 0) continue;
    for (let c = 0; c < C; c++)
      dComposite[r * C + c] = dLogProbs[r * C + c]! / (render.probs[r * C + c]! + EPS) / W;
  }
  const nS = weights.length;
  const dSampleProbs = new Float32Array(nS * C);
  backend.compositeValuesBackward({
    weights,
    values: render.sampleProbs,
    channels: C,
    rayStart,
    numRays: n,
    gradOut: dComposite,
    gradWeights: null,
    gradValues: dSampleProbs,
  });
  if (nS > 0)
    backend.softmaxRowsBackward({
      y: render.sampleProbs,
      gradY: dSampleProbs,
      rows: nS,
      cols: C,
      gradX: dSampleProbs,
    });
  return dSampleProbs;
}

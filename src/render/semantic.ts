/**
 * Semantic rendering (paper eq. 1 applied to class distributions): per-sample softmax, composited with the
 * frozen ray weights, renormalised by the weight sum, then log(· + 1e-8), and its backward to the logits.
 */

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
): SemanticRender {
  const nRays = rayStart.length - 1;
  const nS = weights.length;
  const C = classes;
  const sampleProbs = new Float32Array(nS * C);
  for (let i = 0; i < nS; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[i * C + c]!);
    let z = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(logits[i * C + c]! - max);
      sampleProbs[i * C + c] = e;
      z += e;
    }
    for (let c = 0; c < C; c++) sampleProbs[i * C + c]! /= z;
  }
  const probs = new Float32Array(nRays * C);
  const logProbs = new Float32Array(nRays * C);
  const weightSum = new Float32Array(nRays);
  for (let r = 0; r < nRays; r++) {
    let W = 0;
    for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++) {
      const w = weights[i]!;
      W += w;
      for (let c = 0; c < C; c++) probs[r * C + c]! += w * sampleProbs[i * C + c]!;
    }
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
): Float32Array {
  const C = render.classes;
  const dLogits = new Float32Array(weights.length * C);
  const dProb = new Float64Array(C);
  const g = new Float64Array(C);
  for (let r = 0; r < render.nRays; r++) {
    const W = render.weightSum[r]!;
    if (W <= 0) continue;
    for (let c = 0; c < C; c++) dProb[c] = dLogProbs[r * C + c]! / (render.probs[r * C + c]! + EPS) / W;
    for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++) {
      const w = weights[i]!;
      let dot = 0;
      for (let c = 0; c < C; c++) {
        g[c] = w * dProb[c]!;
        dot += g[c]! * render.sampleProbs[i * C + c]!;
      }
      for (let c = 0; c < C; c++) {
        const p = render.sampleProbs[i * C + c]!;
        dLogits[i * C + c] = p * (g[c]! - dot);
      }
    }
  }
  return dLogits;
}

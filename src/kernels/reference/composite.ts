import type { Num } from './types.ts';

/** Per-sample weights T_s(1 - exp(-sigma_s delta_s)) along ragged rays, and per-ray opacity when given. */
export function renderWeightsRef(
  sigma: Num,
  delta: Num,
  rayStart: Int32Array,
  numRays: number,
  weights: Num,
  opacity: Num | null = null,
): void {
  for (let r = 0; r < numRays; r++) {
    let T = 1;
    for (let s = rayStart[r]!; s < rayStart[r + 1]!; s++) {
      const e = Math.exp(-sigma[s]! * delta[s]!);
      weights[s] = T * (1 - e);
      T *= e;
    }
    if (opacity) opacity[r] = 1 - T;
  }
}

/** gradSigma from gradients on the weights (and opacity), by the closed form of d w / d tau. */
export function renderWeightsBackwardRef(
  sigma: Num,
  delta: Num,
  rayStart: Int32Array,
  numRays: number,
  gradWeights: Num,
  gradOpacity: Num | null,
  gradSigma: Num,
): void {
  for (let r = 0; r < numRays; r++) {
    const s0 = rayStart[r]!;
    const s1 = rayStart[r + 1]!;
    const T: number[] = [1];
    const w: number[] = [];
    for (let s = s0; s < s1; s++) {
      const e = Math.exp(-sigma[s]! * delta[s]!);
      w.push(T[T.length - 1]! * (1 - e));
      T.push(T[T.length - 1]! * e);
    }
    const tEnd = T[T.length - 1]!;
    const gOp = gradOpacity ? gradOpacity[r]! : 0;
    let later = 0; // Σ_{i>k} g_i w_i
    for (let s = s1 - 1; s >= s0; s--) {
      const k = s - s0;
      const dTau = gradWeights[s]! * T[k + 1]! - later + gOp * tEnd;
      gradSigma[s] = delta[s]! * dTau;
      later += gradWeights[s]! * w[k]!;
    }
  }
}

/** out[r, c] = Σ_s weights[s]·values[s, c]. */
export function compositeValuesRef(
  weights: Num,
  values: Num,
  channels: number,
  rayStart: Int32Array,
  numRays: number,
  out: Num,
): void {
  for (let r = 0; r < numRays; r++) {
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++) s += weights[i]! * values[i * channels + c]!;
      out[r * channels + c] = s;
    }
  }
}

/** Gradients of compositeValuesRef w.r.t. weights (overwritten or added) and values (overwritten). */
export function compositeValuesBackwardRef(
  weights: Num,
  values: Num,
  channels: number,
  rayStart: Int32Array,
  numRays: number,
  gradOut: Num,
  gradWeights: Num | null,
  gradValues: Num | null,
  accumulate = false,
): void {
  for (let r = 0; r < numRays; r++) {
    for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++) {
      let dot = 0;
      for (let c = 0; c < channels; c++) {
        const g = gradOut[r * channels + c]!;
        dot += values[i * channels + c]! * g;
        if (gradValues) gradValues[i * channels + c] = weights[i]! * g;
      }
      if (gradWeights) gradWeights[i] = accumulate ? gradWeights[i]! + dot : dot;
    }
  }
}

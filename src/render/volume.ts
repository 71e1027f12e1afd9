/**
 * Volume rendering (paper eq. 1) over ragged rays: α_i = 1 − exp(−σ_i δ_i k), w_i = τ_i α_i with transmittance
 * τ_i = exp(−Σ_{j<i} σ_j δ_j k), output Σ_i w_i v_i for K channels, and the backward to σ and v.
 */

/** Ray weights and transmittance after each sample. */
export interface RayWeights {
  weights: Float32Array;
  /** τ_{i+1}: transmittance just after sample i. */
  transAfter: Float32Array;
}

/** Weights of every sample from densities and interval lengths (k = density scale). */
export function rayWeights(
  sigma: Float32Array,
  delta: Float32Array,
  rayStart: Int32Array,
  k: number,
): RayWeights {
  const nS = sigma.length;
  const weights = new Float32Array(nS);
  const transAfter = new Float32Array(nS);
  for (let r = 0; r + 1 < rayStart.length; r++) {
    let T = 1;
    for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++) {
      const e = Math.exp(-sigma[i]! * delta[i]! * k);
      weights[i] = T * (1 - e);
      T *= e;
      transAfter[i] = T;
    }
  }
  return { weights, transAfter };
}

/** out[r, c] = Σ_i w_i v[i, c] over each ray's samples. */
export function composite(
  weights: Float32Array,
  values: Float32Array,
  K: number,
  rayStart: Int32Array,
): Float32Array {
  const nRays = rayStart.length - 1;
  const out = new Float32Array(nRays * K);
  for (let r = 0; r < nRays; r++) {
    for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++) {
      const w = weights[i]!;
      if (w === 0) continue;
      for (let c = 0; c < K; c++) out[r * K + c]! += w * values[i * K + c]!;
    }
  }
  return out;
}

/** Gradients of the composited output w.r.t. σ (returned) and, if `dValues` is given, the values. */
export function compositeBackward(
  rw: RayWeights,
  sigmaDelta: { delta: Float32Array; k: number },
  values: Float32Array,
  K: number,
  rayStart: Int32Array,
  dOut: Float32Array,
  dValues: Float32Array | null,
): Float32Array {
  const nS = rw.weights.length;
  const dSigma = new Float32Array(nS);
  const suffix = new Float64Array(K);
  for (let r = 0; r + 1 < rayStart.length; r++) {
    suffix.fill(0);
    for (let i = rayStart[r + 1]! - 1; i >= rayStart[r]!; i--) {
      const w = rw.weights[i]!;
      let g = 0;
      for (let c = 0; c < K; c++) {
        const v = values[i * K + c]!;
        const go = dOut[r * K + c]!;
        g += go * (rw.transAfter[i]! * v - suffix[c]!);
        if (dValues) dValues[i * K + c] = w * go;
        suffix[c]! += w * v;
      }
      dSigma[i] = g * sigmaDelta.delta[i]! * sigmaDelta.k;
    }
  }
  return dSigma;
}

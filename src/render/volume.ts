/**
 * Volume rendering (paper eq. 1) over ragged rays on the backend's compositing kernels: α_i = 1 − exp(−σ_i δ_i k),
 * w_i = τ_i α_i with transmittance τ_i = exp(−Σ_{j<i} σ_j δ_j k), output Σ_i w_i v_i for K channels, and the
 * backward to σ and v.
 */
import { compute } from '../fields/compute.ts';
import type { Backend } from '../kernels/backend.ts';

/** Ray weights with what their backward needs. */
export interface RayWeights {
  weights: Float32Array;
  /** Per ray: 1 − transmittance after its last sample (Σ of its weights). */
  opacity: Float32Array;
  sigma: Float32Array;
  /** δ_i·k: interval lengths with the density scale folded in. */
  scaledDelta: Float32Array;
}

/** Weights of every sample from densities and interval lengths (k = density scale). */
export function rayWeights(
  sigma: Float32Array,
  delta: Float32Array,
  rayStart: Int32Array,
  k: number,
  backend: Backend = compute(),
): RayWeights {
  const n = sigma.length;
  const numRays = rayStart.length - 1;
  const scaledDelta = new Float32Array(n);
  for (let i = 0; i < n; i++) scaledDelta[i] = delta[i]! * k;
  const weights = new Float32Array(n);
  const opacity = new Float32Array(numRays);
  backend.renderWeights({ sigma, delta: scaledDelta, rayStart, numRays, weights, opacity });
  return { weights, opacity, sigma, scaledDelta };
}

/** out[r, c] = Σ_i w_i v[i, c] over each ray's samples. */
export function composite(
  weights: Float32Array,
  values: Float32Array,
  K: number,
  rayStart: Int32Array,
  backend: Backend = compute(),
): Float32Array {
  const numRays = rayStart.length - 1;
  const out = new Float32Array(numRays * K);
  backend.compositeValues({ weights, values, channels: K, rayStart, numRays, out });
  return out;
}

/** Gradients of the composited output w.r.t. σ (returned) and, if `dValues` is given, the values. */
export function compositeBackward(
  rw: RayWeights,
  values: Float32Array,
  K: number,
  rayStart: Int32Array,
  dOut: Float32Array,
  dValues: Float32Array | null,
  backend: Backend = compute(),
): Float32Array {
  const n = rw.weights.length;
  const numRays = rayStart.length - 1;
  const gradWeights = new Float32Array(n);
  backend.compositeValuesBackward({
    weights: rw.weights,
    values,
    channels: K,
    rayStart,
    numRays,
    gradOut: dOut,
    gradWeights,
    gradValues: dValues,
  });
  const gradSigma = new Float32Array(n);
  backend.renderWeightsBackward({
    sigma: rw.sigma,
    delta: rw.scaledDelta,
    rayStart,
    numRays,
    gradWeights,
    gradSigma,
  });
  return gradSigma;
}

/** Stratified samples along rays inside the scene box, skipping unoccupied cells. */
import type { Rng } from '../core/rng.ts';
import type { Vec3 } from './camera.ts';
import type { OccupancyGrid } from './occupancy-grid.ts';
import type { RayBundle } from './ray-bundle.ts';

/** Samples of many rays, ragged: ray r owns samples rayStart[r] .. rayStart[r+1]−1. */
export interface SampleBatch {
  nRays: number;
  nSamples: number;
  rayStart: Int32Array;
  /** Sample positions, 3 per sample, normalised coordinates. */
  xyz: Float32Array;
  /** Distance along the ray of each sample and the length of its interval. */
  t: Float32Array;
  delta: Float32Array;
}

/** Entry and exit distances of a ray through an axis-aligned box (tNear > tFar: miss). */
export function rayBoxIntersect(
  o: ArrayLike<number>,
  d: ArrayLike<number>,
  min: Vec3,
  max: Vec3,
): [number, number] {
  let tNear = 0;
  let tFar = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3; k++) {
    const inv = 1 / d[k]!;
    let t0 = (min[k]! - o[k]!) * inv;
    let t1 = (max[k]! - o[k]!) * inv;
    if (t0 > t1) [t0, t1] = [t1, t0];
    if (t0 > tNear) tNear = t0;
    if (t1 < tFar) tFar = t1;
  }
  return [tNear, tFar];
}

/** Options of the stratified sampler. */
export interface SamplerOptions {
  min: Vec3;
  max: Vec3;
  /** Distance between consecutive samples (normalised units). */
  step: number;
  /** Jitter each ray's samples by one uniform offset (training); centred when absent. */
  rng?: Rng;
  occupancy?: OccupancyGrid;
}

/** Samples every ray at `step` spacing from box entry to exit, dropping samples in empty cells. */
export function sampleRays(rays: RayBundle, opts: SamplerOptions): SampleBatch {
  const rayStart = new Int32Array(rays.n + 1);
  let cap = Math.max(1024, rays.n * 64);
  let xyz = new Float32Array(cap * 3);
  let t = new Float32Array(cap);
  let delta = new Float32Array(cap);
  let m = 0;
  const o = [0, 0, 0];
  const d = [0, 0, 0];
  for (let r = 0; r < rays.n; r++) {
    rayStart[r] = m;
    for (let k = 0; k < 3; k++) {
      o[k] = rays.origins[r * 3 + k]!;
      d[k] = rays.dirs[r * 3 + k]!;
    }
    const [t0, t1] = rayBoxIntersect(o, d, opts.min, opts.max);
    if (!(t0 < t1)) continue;
    const jitter = opts.rng ? opts.rng.next() : 0.5;
    for (let tt = t0 + opts.step * jitter; tt < t1; tt += opts.step) {
      const x = o[0]! + tt * d[0]!;
      const y = o[1]! + tt * d[1]!;
      const z = o[2]! + tt * d[2]!;
      if (opts.occupancy && !opts.occupancy.occupied(x, y, z)) continue;
      if (m === cap) {
        cap *= 2;
        const grow = (a: Float32Array, c: number) => {
          const b = new Float32Array(cap * c);
          b.set(a);
          return b;
        };
        xyz = grow(xyz, 3);
        t = grow(t, 1);
        delta = grow(delta, 1);
      }
      xyz[m * 3] = x;
      xyz[m * 3 + 1] = y;
      xyz[m * 3 + 2] = z;
      t[m] = tt;
      delta[m] = opts.step;
      m++;
    }
  }
  rayStart[rays.n] = m;
  return {
    nRays: rays.n,
    nSamples: m,
    rayStart,
    xyz: xyz.subarray(0, m * 3),
    t: t.subarray(0, m),
    delta: delta.subarray(0, m),
  };
}

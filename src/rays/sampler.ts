/** Stratified samples along rays inside the scene box, skipping unoccupied cells. */
import type { Rng } from '../core/rng.ts';
import type { Backend } from '../kernels/backend.ts';
import { boxEntryExit } from '../kernels/reference/march.ts';
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
  return boxEntryExit(o, d, min, max);
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
export function sampleRays(rays: RayBundle, opts: SamplerOptions, backend: Backend): SampleBatch {
  const n = rays.n;
  const jitter = new Float32Array(n);
  for (let r = 0; r < n; r++) jitter[r] = opts.rng ? opts.rng.next() : 0.5;
  const o = opts.occupancy;
  const args = {
    origins: rays.origins,
    dirs: rays.dirs,
    numRays: n,
    boxMin: opts.min,
    boxMax: opts.max,
    step: opts.step,
    jitter,
    occupancy: o ? { bits: o.bits, res: o.res, min: o.min, max: o.max } : null,
    rayStart: new Int32Array(n + 1),
  };
  backend.marchRays(args);
  const m = args.rayStart[n]!;
  const xyz = new Float32Array(m * 3);
  const t = new Float32Array(m);
  backend.marchRays({ ...args, xyz, t });
  return {
    nRays: n,
    nSamples: m,
    rayStart: args.rayStart,
    xyz,
    t,
    delta: new Float32Array(m).fill(opts.step),
  };
}

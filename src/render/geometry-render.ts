/** Renders rays through the geometry field: samples, densities, weights, colour, depth and opacity per ray. */
import type { Rng } from '../core/rng.ts';
import { compute } from '../fields/compute.ts';
import type { ColorTape, GeometryField } from '../fields/geometry-field.ts';
import type { OccupancyGrid } from '../rays/occupancy-grid.ts';
import type { RayBundle } from '../rays/ray-bundle.ts';
import { type SampleBatch, sampleRays } from '../rays/sampler.ts';
import { composite, type RayWeights, rayWeights } from './volume.ts';

/** Fixed settings of geometry rendering. */
export interface GeometryRenderSettings {
  field: GeometryField;
  occupancy: OccupancyGrid | null;
  /** Distance between samples along a ray, normalised units. */
  step: number;
  /** Multiplier k in α = 1 − exp(−σ δ k). */
  densityScale: number;
  /** Samples below this weight get no colour evaluation. */
  weightThreshold: number;
}

/** Everything one geometry render produced (kept for the backward pass). */
export interface GeometryRender {
  samples: SampleBatch;
  grid: Float32Array;
  sigma: Float32Array;
  pre: Float32Array;
  rw: RayWeights;
  /** Indices of samples that received a colour. */
  selected: Int32Array;
  colorTape: ColorTape | null;
  /** Per-sample values [r, g, b, t] (zero where not selected). */
  values: Float32Array;
  /** Per-ray [r, g, b, expected t]. */
  out: Float32Array;
  opacity: Float32Array;
}

/** Renders a bundle of rays; colour is evaluated only if `withColor`. */
export function renderGeometry(
  s: GeometryRenderSettings,
  rays: RayBundle,
  options: { rng?: Rng; withColor: boolean },
): GeometryRender {
  const samples = sampleRays(
    rays,
    {
      min: s.field.box.min,
      max: s.field.box.max,
      step: s.step,
      ...(options.rng ? { rng: options.rng } : {}),
      ...(s.occupancy ? { occupancy: s.occupancy } : {}),
    },
    compute(),
  );
  const n = samples.nSamples;
  const grid = s.field.toGrid(samples.xyz, n);
  const { sigma, pre } = s.field.densityForward(grid, n);
  const rw = rayWeights(sigma, samples.delta, samples.rayStart, s.densityScale);
  let m = 0;
  for (let i = 0; i < n; i++) if (rw.weights[i]! > s.weightThreshold) m++;
  const selected = new Int32Array(m);
  for (let i = 0, j = 0; i < n; i++) if (rw.weights[i]! > s.weightThreshold) selected[j++] = i;
  const values = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) values[i * 4 + 3] = samples.t[i]!;
  let colorTape: ColorTape | null = null;
  if (options.withColor && m > 0) {
    const g = new Float32Array(m * 3);
    const d = new Float32Array(m * 3);
    for (let r = 0, j = 0; r < rays.n && j < m; r++) {
      for (; j < m && selected[j]! < samples.rayStart[r + 1]!; j++) {
        const i = selected[j]!;
        for (let k = 0; k < 3; k++) {
          g[j * 3 + k] = grid[i * 3 + k]!;
          d[j * 3 + k] = rays.dirs[r * 3 + k]!;
        }
      }
    }
    colorTape = s.field.colorForward(g, d, m);
    for (let j = 0; j < m; j++)
      for (let k = 0; k < 3; k++) values[selected[j]! * 4 + k] = colorTape.rgb[j * 3 + k]!;
  }
  const out = composite(rw.weights, values, 4, samples.rayStart);
  const opacity = rw.opacity;
  return { samples, grid, sigma, pre, rw, selected, colorTape, values, out, opacity };
}

/**
 * Copies the K heaviest samples (weight above the threshold) of ray j of a render into slot `dest` of
 * (slots × K × 3) positions and (slots × K) weights, heaviest first; unused entries are left as they are.
 */
export function heaviestSamples(
  r: GeometryRender,
  j: number,
  k: number,
  threshold: number,
  xyz: Float32Array,
  weight: Float32Array,
  dest: number,
): void {
  const w = r.rw.weights;
  // Insertion into the k best so far (k is small): heaviest first, earlier samples first among equal weights.
  const best = heaviestScratch(k);
  let count = 0;
  for (let i = r.samples.rayStart[j]!; i < r.samples.rayStart[j + 1]!; i++) {
    const wi = w[i]!;
    if (!(wi > threshold)) continue;
    if (count === k && !(wi > w[best[k - 1]!]!)) continue;
    let pos = Math.min(count, k - 1);
    while (pos > 0 && wi > w[best[pos - 1]!]!) {
      best[pos] = best[pos - 1]!;
      pos--;
    }
    best[pos] = i;
    if (count < k) count++;
  }
  for (let s = 0; s < count; s++) {
    const i = best[s]!;
    weight[dest * k + s] = w[i]!;
    for (let c = 0; c < 3; c++) xyz[(dest * k + s) * 3 + c] = r.grid[i * 3 + c]!;
  }
}

let scratch = new Int32Array(8);
function heaviestScratch(k: number): Int32Array {
  if (scratch.length < k) scratch = new Int32Array(k);
  return scratch;
}

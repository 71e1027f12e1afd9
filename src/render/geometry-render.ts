/**
 * Renders rays through the geometry field: samples, densities, weights, colour, depth and opacity per ray, with an
 * optional background colour per ray seen through the transmittance left after the last sample.
 */
import type { Rng } from '../core/rng.ts';
import type { ColorTape, GeometryField } from '../fields/geometry-field.ts';
import type { OccupancyGrid } from '../rays/occupancy-grid.ts';
import type { RayBundle } from '../rays/ray-bundle.ts';
import { type SampleBatch, sampleRays } from '../rays/sampler.ts';
import { composite, compositeBackward, type RayWeights, rayWeights } from './volume.ts';
import type { WeightedSamples } from './weighted-samples.ts';

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
  /** Number of rays. */
  n: number;
  samples: SampleBatch;
  /** The samples with their weights and box positions (views of `samples`, `rw` and `grid`). */
  weighted: WeightedSamples;
  grid: Float32Array;
  sigma: Float32Array;
  pre: Float32Array;
  rw: RayWeights;
  /** Indices of samples that received a colour. */
  selected: Int32Array;
  colorTape: ColorTape | null;
  /**
   * Per-sample values [r, g, b, t] (colour zero where not selected); with a background b, the colour channels hold
   * c − b of the sample's ray, so that Σ w (c − b) + b = Σ w c + (1 − Σ w) b is the composite and its backward.
   */
  values: Float32Array;
  /** The per-ray background colours (n×3) composited behind the samples and the ray directions, or null. */
  background: { rgb: Float32Array; dirs: Float32Array } | null;
  /** Per-ray [r, g, b, expected t]. */
  out: Float32Array;
  opacity: Float32Array;
}

/** Renders a bundle of rays; colour is evaluated only if `withColor`. */
export function renderGeometry(
  s: GeometryRenderSettings,
  rays: RayBundle,
  options: { rng?: Rng; withColor: boolean; background?: Float32Array },
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
    s.field.backend,
  );
  const n = samples.nSamples;
  const grid = s.field.toGrid(samples.xyz, n);
  const { sigma, pre } = s.field.densityForward(grid, n);
  const rw = rayWeights(sigma, samples.delta, samples.rayStart, s.densityScale, s.field.backend);
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
  const bg = options.background ?? null;
  if (bg) subtractBackground(values, samples.rayStart, bg);
  const out = composite(rw.weights, values, 4, samples.rayStart, s.field.backend);
  if (bg) for (let r = 0; r < rays.n; r++) for (let k = 0; k < 3; k++) out[r * 4 + k]! += bg[r * 3 + k]!;
  const opacity = rw.opacity;
  const weighted = { rayStart: samples.rayStart, weights: rw.weights, positions: grid };
  return {
    n: rays.n,
    samples,
    weighted,
    grid,
    sigma,
    pre,
    rw,
    selected,
    colorTape,
    values,
    background: bg ? { rgb: bg, dirs: rays.dirs } : null,
    out,
    opacity,
  };
}

/** Subtracts the ray's background colour from the colour channels of every sample of the ray. */
function subtractBackground(values: Float32Array, rayStart: Int32Array, bg: Float32Array): void {
  const n = rayStart.length - 1;
  for (let r = 0; r < n; r++)
    for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++)
      for (let k = 0; k < 3; k++) values[i * 4 + k]! -= bg[r * 3 + k]!;
}

/** Gradient of each ray's background colour (n×3): its share is the transmittance 1 − opacity. */
export function backgroundGradient(r: GeometryRender, dOut: Float32Array): Float32Array {
  const d = new Float32Array(r.n * 3);
  for (let i = 0; i < r.n; i++) {
    const t = 1 - r.opacity[i]!;
    for (let k = 0; k < 3; k++) d[i * 3 + k] = t * dOut[i * 4 + k]!;
  }
  return d;
}

/**
 * Accumulates the field's gradients from dOut, the gradient of each ray's [r, g, b, expected t] (the background's
 * own gradient is backgroundGradient's).
 */
export function renderGeometryBackward(field: GeometryField, r: GeometryRender, dOut: Float32Array): void {
  const dValues = new Float32Array(r.values.length);
  const dSigma = compositeBackward(r.rw, r.values, 4, r.samples.rayStart, dOut, dValues, field.backend);
  if (r.colorTape) {
    const m = r.selected.length;
    const dRgb = new Float32Array(m * 3);
    for (let j = 0; j < m; j++)
      for (let k = 0; k < 3; k++) dRgb[j * 3 + k] = dValues[r.selected[j]! * 4 + k]!;
    field.colorBackward(r.colorTape, dRgb);
  }
  field.densityBackward(r.grid, r.samples.nSamples, r.pre, dSigma);
}

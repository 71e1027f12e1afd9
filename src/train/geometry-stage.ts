/**
 * Stage 1 of training: density and colour fitted to the photos (photometric loss, plus a depth loss where depth
 * maps exist and total variation on the grid planes), with progressive grid upsampling and occupancy updates.
 */
import type { Rng } from '../core/rng.ts';
import type { ViewPixels } from '../data/training-views.ts';
import { GeometryField } from '../fields/geometry-field.ts';
import { photometricLoss } from '../losses/photometric.ts';
import { pixelToCameraDir, transformPoint, type Vec3 } from '../rays/camera.ts';
import { type Normalization, toNormalized } from '../rays/normalize.ts';
import { OccupancyGrid } from '../rays/occupancy-grid.ts';
import { type RayBundle, raysForPixels } from '../rays/ray-bundle.ts';
import { type GeometryRenderSettings, renderGeometry } from '../render/geometry-render.ts';
import { compositeBackward } from '../render/volume.ts';
import { Adam } from './adam.ts';
import type { TrainConfig } from './config.ts';
import { PixelPool } from './pixel-pool.ts';

/** Multiplier k in α = 1 − exp(−σ δ k). */
export const DENSITY_SCALE = 25;
const WEIGHT_THRESHOLD = 1e-4;
const OCCUPANCY_ALPHA = 0.0075;

/** Losses of one geometry step. */
export interface GeometryLosses {
  rgb: number;
  depth: number;
  tv: number;
  psnr: number;
}

/** Concatenates the rays of several views' pixels, with targets (RGB and ray-distance depth, −1 = none). */
export function gatherRays(
  views: ViewPixels[],
  norm: Normalization,
  byView: Map<number, number[]>,
): { rays: RayBundle; rgb: Float32Array; depth: Float32Array } {
  const bundles: RayBundle[] = [];
  const rgb: number[] = [];
  const depth: number[] = [];
  for (const [v, pixels] of byView) {
    const view = views[v]!;
    const b = raysForPixels(view.frame, view.intrinsics, norm, Int32Array.from(pixels));
    bundles.push(b);
    const { fx, fy, cx, cy, w } = view.intrinsics;
    for (const p of pixels) {
      rgb.push(view.rgb[p * 3]!, view.rgb[p * 3 + 1]!, view.rgb[p * 3 + 2]!);
      const z = view.depth ? view.depth[p]! : 0;
      if (z > 0) {
        const x = ((p % w) + 0.5 - cx) / fx;
        const y = (Math.floor(p / w) + 0.5 - cy) / fy;
        depth.push((z * Math.hypot(x, y, 1)) / norm.scale);
      } else depth.push(-1);
    }
  }
  const n = bundles.reduce((s, b) => s + b.n, 0);
  const rays: RayBundle = {
    n,
    origins: new Float32Array(n * 3),
    dirs: new Float32Array(n * 3),
    pixels: new Int32Array(n),
  };
  let o = 0;
  for (const b of bundles) {
    rays.origins.set(b.origins, o * 3);
    rays.dirs.set(b.dirs, o * 3);
    rays.pixels.set(b.pixels, o);
    o += b.n;
  }
  return { rays, rgb: Float32Array.from(rgb), depth: Float32Array.from(depth) };
}

/** Grid resolutions along the geometry stage: log-linear from start to end at 4 evenly spaced points. */
export function upsampleSchedule(config: TrainConfig, stageIters: number): Map<number, number> {
  const out = new Map<number, number>();
  const { start, end } = config.grid;
  if (end <= start) return out;
  for (let k = 1; k <= 3; k++) {
    const it = Math.floor((stageIters * k) / 5);
    out.set(it, Math.round(Math.exp(Math.log(start) + ((Math.log(end) - Math.log(start)) * k) / 3)));
  }
  return out;
}

/** The geometry field with its optimiser, occupancy grid and training data. */
export class GeometryStage {
  readonly field: GeometryField;
  readonly occupancy: OccupancyGrid;
  readonly pool: PixelPool;
  readonly norm: Normalization;
  readonly config: TrainConfig;
  adam: Adam;
  res: number;
  /** True when empty-space skipping started from depth maps. */
  readonly seededFromDepth: boolean;

  constructor(views: ViewPixels[], norm: Normalization, config: TrainConfig, rng: Rng) {
    this.config = config;
    this.norm = norm;
    this.pool = new PixelPool(views);
    const box = norm.box;
    this.res = config.grid.start;
    this.field = new GeometryField(
      {
        box,
        res: this.res,
        densityComponents: config.grid.densityComponents,
        appearanceComponents: config.grid.appearanceComponents,
      },
      rng,
    );
    this.occupancy = new OccupancyGrid(config.grid.occupancy, box.min as Vec3, box.max as Vec3);
    this.seededFromDepth = this.occupancyFromDepth(views);
    this.adam = this.makeAdam();
  }

  /**
   * When most training views have depth maps, starts empty-space skipping from the surfaces they show
   * (every depth pixel unprojected); otherwise the grid starts fully occupied and follows the density.
   */
  private occupancyFromDepth(views: ViewPixels[]): boolean {
    const withDepth = views.filter((v) => v.depth);
    if (withDepth.length === 0 || withDepth.length < views.length / 2) return false;
    const pts: number[] = [];
    for (const v of withDepth) {
      const { w, h } = v.intrinsics;
      for (let p = 0; p < w * h; p++) {
        const z = v.depth![p]!;
        if (!(z > 0)) continue;
        const d = pixelToCameraDir(v.intrinsics, p % w, Math.floor(p / w));
        const x = toNormalized(this.norm, transformPoint(v.frame.c2w, [d[0] * z, d[1] * z, d[2] * z]));
        pts.push(x[0], x[1], x[2]);
      }
    }
    if (pts.length === 0) return false;
    this.occupancy.fromPoints(Float32Array.from(pts), pts.length / 3);
    return true;
  }

  private makeAdam(): Adam {
    return new Adam(this.field.params(), {
      lr: { grid: this.config.lr.grid, mlp: this.config.lr.mlp },
      beta1: 0.9,
      beta2: 0.99,
    });
  }

  /** Render settings at the current grid resolution. */
  settings(): GeometryRenderSettings {
    const ext = Math.max(...[0, 1, 2].map((k) => this.norm.box.max[k]! - this.norm.box.min[k]!));
    return {
      field: this.field,
      occupancy: this.occupancy,
      step: (ext / this.res) * this.config.stepRatio,
      densityScale: DENSITY_SCALE,
      weightThreshold: WEIGHT_THRESHOLD,
    };
  }

  /** Resamples the grids to `res` and restarts the optimiser (its state no longer matches the shapes). */
  upsample(res: number): void {
    this.res = res;
    this.field.upsample(res);
    this.adam = this.makeAdam();
  }

  /** Recomputes occupancy from the density at cell centres; returns the occupied fraction. */
  updateOccupancy(): number {
    const centres = this.occupancy.cellCentres();
    const n = centres.length / 3;
    const { sigma } = this.field.densityForward(this.field.toGrid(centres, n), n);
    const step = this.settings().step;
    const alpha = new Float32Array(n);
    for (let i = 0; i < n; i++) alpha[i] = 1 - Math.exp(-sigma[i]! * step * DENSITY_SCALE);
    return this.occupancy.update(alpha, OCCUPANCY_ALPHA);
  }

  /** One optimisation step on a random batch of rays. */
  step(rng: Rng, options: { colourEverySample?: boolean } = {}): GeometryLosses {
    const { rays, rgb, depth } = gatherRays(
      this.pool.views,
      this.norm,
      this.pool.sample(rng, this.config.batch),
    );
    // colourEverySample: while a field without depth seeding is still empty, every sample's weight is below the
    // threshold, so without it no colour — and no photometric gradient — would reach the density.
    const s = { ...this.settings(), ...(options.colourEverySample ? { weightThreshold: 0 } : {}) };
    const r = renderGeometry(s, rays, { rng, withColor: true });
    const nR = rays.n;
    const pred = new Float32Array(nR * 3);
    for (let i = 0; i < nR; i++) for (let k = 0; k < 3; k++) pred[i * 3 + k] = r.out[i * 4 + k]!;
    const photo = photometricLoss(pred, rgb);
    const dOut = new Float32Array(nR * 4);
    for (let i = 0; i < nR; i++) for (let k = 0; k < 3; k++) dOut[i * 4 + k] = photo.dRgb[i * 3 + k]!;
    let depthLoss = 0;
    const wDepth = this.config.weights.depth;
    if (wDepth > 0) {
      let nd = 0;
      for (let i = 0; i < nR; i++) if (depth[i]! > 0) nd++;
      for (let i = 0; i < nR; i++) {
        if (depth[i]! <= 0) continue;
        const d = r.out[i * 4 + 3]! - depth[i]!;
        depthLoss += (wDepth * d * d) / nd;
        dOut[i * 4 + 3] = (2 * wDepth * d) / nd;
      }
    }
    const dValues = new Float32Array(r.values.length);
    const dSigma = compositeBackward(r.rw, r.values, 4, r.samples.rayStart, dOut, dValues);
    if (r.colorTape) {
      const m = r.selected.length;
      const dRgb = new Float32Array(m * 3);
      for (let j = 0; j < m; j++)
        for (let k = 0; k < 3; k++) dRgb[j * 3 + k] = dValues[r.selected[j]! * 4 + k]!;
      this.field.colorBackward(r.colorTape, dRgb);
    }
    this.field.densityBackward(r.grid, r.samples.nSamples, r.pre, dSigma);
    const tv =
      this.field.density.tvLoss(this.config.weights.tvDensity) +
      this.field.appearance.tvLoss(this.config.weights.tvAppearance);
    this.adam.step();
    return { rgb: photo.loss, depth: depthLoss, tv, psnr: -10 * Math.log10(Math.max(photo.loss / 3, 1e-10)) };
  }
}

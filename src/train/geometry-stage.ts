/**
 * Stage 1 of training: density and colour fitted to the photos (photometric loss, plus a depth loss where depth
 * maps exist and total variation on the grid planes), with progressive grid upsampling and occupancy updates.
 */
import type { Rng } from '../core/rng.ts';
import type { ViewPixels } from '../data/training-views.ts';
import { photometricLoss } from '../losses/photometric.ts';
import type { TrainConfig } from '../model/config.ts';
import type { TensorfGeometry } from '../model/tensorf.ts';
import { pixelToCameraDir } from '../rays/camera.ts';
import type { Normalization } from '../rays/normalize.ts';
import { type RayBundle, raysForPixels } from '../rays/ray-bundle.ts';
import { Adam } from './adam.ts';
import type { StageHook } from './hooks.ts';
import { PixelPool } from './pixel-pool.ts';

const OCCUPANCY_EVERY = 100;
const OCCUPANCY_FROM = 200;
/**
 * Without depth seeding the grid starts full and every sample is coloured until the first occupancy pass, ~9× the
 * samples of a depth-seeded step: the first pass comes at iteration 100 (the field is at ~20 dB by then) and passes
 * repeat every 50 iterations until OCCUPANCY_FROM (docs/open-scenes.md measures it).
 */
const UNSEEDED_OCCUPANCY_FROM = 100;
const UNSEEDED_OCCUPANCY_EVERY = 50;
/**
 * From this iteration on, occupancy passes also drop cells that no training ray since the previous pass saw into
 * (recorded from OCCUPANCY_EVERY iterations before it): the field of a capture without depth is still a haze before,
 * whose visibility says little about where surfaces are.
 */
const VISIBILITY_FROM = OCCUPANCY_FROM;
/** Sample spacing × this during that warm-up: coarse samples for the coarse first shape of the field. */
const WARMUP_STEP_SCALE = 4;

/** Whether the occupancy grid is recomputed before iteration `it`. */
export function occupancyUpdateAt(it: number, seededFromDepth: boolean): boolean {
  if (seededFromDepth || it >= OCCUPANCY_FROM) return it >= OCCUPANCY_FROM && it % OCCUPANCY_EVERY === 0;
  return it >= UNSEEDED_OCCUPANCY_FROM && it % UNSEEDED_OCCUPANCY_EVERY === 0;
}

/** The first iteration with an occupancy pass. */
function firstOccupancyUpdate(seededFromDepth: boolean): number {
  return seededFromDepth ? OCCUPANCY_FROM : UNSEEDED_OCCUPANCY_FROM;
}

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
    const intr = view.intrinsics;
    for (const p of pixels) {
      rgb.push(view.rgb[p * 3]!, view.rgb[p * 3 + 1]!, view.rgb[p * 3 + 2]!);
      const z = view.depth ? view.depth[p]! : 0;
      // The ray through the lens model, on the z = −1 plane: planar depth × its length is the distance along it.
      const [x, y, dz] = z > 0 ? pixelToCameraDir(intr, p % intr.w, Math.floor(p / intr.w)) : [0, 0, 0];
      if (z > 0 && dz < 0) depth.push((z * Math.hypot(x, y, 1)) / norm.scale);
      else depth.push(-1);
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

/** The geometry's optimiser, batches and schedule (grid upsampling, occupancy updates). */
export class GeometryStage {
  readonly geometry: TensorfGeometry;
  readonly pool: PixelPool;
  readonly config: TrainConfig;
  adam: Adam;
  /** True when empty-space skipping started from depth maps. */
  readonly seededFromDepth: boolean;
  /** Schedule events, run before the step of each geometry iteration. */
  readonly hooks: StageHook[];
  /** Rays, marched samples and coloured samples of the last step (what empty-space skipping left to evaluate). */
  lastStep = { rays: 0, samples: 0, coloured: 0 };
  private adamRes: number;
  private adamParams: number;

  /** `stageIters`: length of the geometry stage, which the upsampling schedule spans. */
  constructor(geometry: TensorfGeometry, views: ViewPixels[], config: TrainConfig, stageIters: number) {
    this.geometry = geometry;
    this.config = config;
    this.pool = new PixelPool(views);
    this.seededFromDepth = geometry.seedOccupancy(views);
    this.adamRes = geometry.res;
    this.adamParams = geometry.params().length;
    this.adam = this.makeAdam();
    const ups = upsampleSchedule(config, stageIters);
    this.hooks = [
      {
        name: 'upsample',
        run: (it) => {
          const res = ups.get(it);
          if (res !== undefined) this.upsample(res);
        },
      },
      {
        name: 'occupancy',
        run: (it) => {
          if (occupancyUpdateAt(it, this.seededFromDepth))
            geometry.updateOccupancy(config.occupancyVisibility && it >= VISIBILITY_FROM);
        },
      },
    ];
  }

  private makeAdam(): Adam {
    return new Adam(
      this.geometry.params(),
      {
        lr: { grid: this.config.lr.grid, mlp: this.config.lr.mlp },
        beta1: 0.9,
        beta2: 0.99,
      },
      this.geometry.field.backend,
    );
  }

  /** Resamples the grids to `res` and restarts the optimiser (its state no longer matches the shapes). */
  upsample(res: number): void {
    this.geometry.upsample(res);
    this.syncOptimizer();
  }

  /**
   * Restarts the optimiser if the geometry was resampled or lost its background behind its back (e.g. by loading a
   * checkpoint).
   */
  syncOptimizer(): void {
    const count = this.geometry.params().length;
    if (this.adamRes === this.geometry.res && this.adamParams === count) return;
    this.adamRes = this.geometry.res;
    this.adamParams = count;
    this.adam.release();
    this.adam = this.makeAdam();
  }

  /** One optimisation step on a random batch of rays at iteration `it`. */
  step(rng: Rng, it: number): GeometryLosses {
    const g = this.geometry;
    const { rays, rgb, depth } = gatherRays(
      this.pool.views,
      g.norm,
      this.pool.sample(rng, this.config.batch),
    );
    // While a field without depth seeding is still empty, every sample's weight is below the threshold, so
    // without colouring every sample no colour — and no photometric gradient — would reach the density.
    const colourEverySample = !this.seededFromDepth && it < firstOccupancyUpdate(false);
    const r = g.render(rays, {
      rng,
      withColor: true,
      colourEverySample,
      ...(colourEverySample ? { stepScale: WARMUP_STEP_SCALE } : {}),
    });
    const nR = rays.n;
    this.lastStep = { rays: nR, samples: r.samples.nSamples, coloured: r.selected.length };
    if (this.config.occupancyVisibility && it >= VISIBILITY_FROM - OCCUPANCY_EVERY)
      g.recordVisibility(rays, r);
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
    g.backward(r, dOut);
    const tv = g.regularize();
    this.adam.step();
    return { rgb: photo.loss, depth: depthLoss, tv, psnr: -10 * Math.log10(Math.max(photo.loss / 3, 1e-10)) };
  }
}

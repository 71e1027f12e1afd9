/**
 * TensoRF as a Geometry: VM density and appearance grids, an occupancy grid for empty-space skipping, sample spacing
 * tied to the grid resolution, and total variation on the grid planes as the regulariser.
 */
import type { Rng } from '../core/rng.ts';
import type { ViewPixels } from '../data/training-views.ts';
import { GeometryField } from '../fields/geometry-field.ts';
import type { Param } from '../fields/params.ts';
import type { Backend } from '../kernels/backend.ts';
import { pixelToCameraDir, transformPoint, type Vec3 } from '../rays/camera.ts';
import { type Normalization, toNormalized } from '../rays/normalize.ts';
import { OccupancyGrid } from '../rays/occupancy-grid.ts';
import { type RayBundle, raysForView } from '../rays/ray-bundle.ts';
import { rayBoxIntersect } from '../rays/sampler.ts';
import {
  backgroundGradient,
  type GeometryRender,
  type GeometryRenderSettings,
  renderGeometry,
  renderGeometryBackward,
} from '../render/geometry-render.ts';
import { BACKGROUND_PARAM, BackgroundField } from './background.ts';
import type { TrainConfig } from './config.ts';
import type { Geometry, GeometryRenderOptions } from './geometry.ts';

/** Multiplier k in α = 1 − exp(−σ δ k). */
export const DENSITY_SCALE = 25;
const WEIGHT_THRESHOLD = 1e-4;
const OCCUPANCY_ALPHA = 0.0075;
/**
 * A cell counts as seen where a training ray still carries this share of its light: dropping every unseen cell
 * changes no training ray's opacity by more than this.
 */
const VISIBLE_TRANSMITTANCE = 0.01;
/** Checkpoint name of the cells seen since the last occupancy pass. */
const VISIBLE_TENSOR = 'occupancy.visible';

/** The TensoRF geometry of a normalised scene. */
export class TensorfGeometry implements Geometry<GeometryRender> {
  readonly field: GeometryField;
  readonly occupancy: OccupancyGrid;
  readonly norm: Normalization;
  readonly weightThreshold = WEIGHT_THRESHOLD;
  /** What rays see behind the field (`background: 'learned'`), or null: black. */
  background: BackgroundField | null;
  private readonly config: TrainConfig;
  /** Current grid resolution along the longest side of the box. */
  res: number;
  /**
   * Occupancy cells a training ray saw into since the last occupancy pass: the others (behind surfaces for every
   * training camera, or in no camera's view) can be dropped at the next pass.
   */
  private readonly visible: Uint8Array;

  constructor(norm: Normalization, config: TrainConfig, rng: Rng, backend: Backend) {
    this.norm = norm;
    this.config = config;
    this.res = config.grid.start;
    const { densityComponents, appearanceComponents } = config.grid;
    this.field = new GeometryField(
      { box: norm.box, res: this.res, densityComponents, appearanceComponents },
      rng,
      backend,
    );
    this.occupancy = new OccupancyGrid(config.grid.occupancy, norm.box.min as Vec3, norm.box.max as Vec3);
    this.visible = new Uint8Array(this.occupancy.bits.length);
    this.background = config.background === 'learned' ? new BackgroundField(backend) : null;
  }

  /** Sample spacing and thresholds at the current grid resolution. */
  settings(): GeometryRenderSettings {
    const box = this.norm.box;
    const ext = Math.max(...[0, 1, 2].map((k) => box.max[k]! - box.min[k]!));
    return {
      field: this.field,
      occupancy: this.occupancy,
      step: (ext / this.res) * this.config.stepRatio,
      densityScale: DENSITY_SCALE,
      weightThreshold: WEIGHT_THRESHOLD,
    };
  }

  /** Renders rays (normalised coordinates). */
  render(rays: RayBundle, options: GeometryRenderOptions): GeometryRender {
    const base = this.settings();
    const s = {
      ...base,
      step: base.step * (options.stepScale ?? 1),
      ...(options.colourEverySample ? { weightThreshold: 0 } : {}),
    };
    const bg = options.withColor && this.background ? this.background.forward(rays.dirs, rays.n) : null;
    return renderGeometry(s, rays, {
      withColor: options.withColor,
      ...(options.rng ? { rng: options.rng } : {}),
      ...(bg ? { background: bg } : {}),
    });
  }

  /** Accumulates grid, basis and background gradients from the gradient of each ray's [r, g, b, expected t]. */
  backward(render: GeometryRender, dOut: Float32Array): void {
    renderGeometryBackward(this.field, render, dOut);
    const bg = render.background;
    if (bg && this.background)
      this.background.backward(bg.dirs, bg.rgb, backgroundGradient(render, dOut), render.n);
  }

  /** Total variation of the density and appearance planes (gradients added). */
  regularize(): number {
    const w = this.config.weights;
    return this.field.density.tvLoss(w.tvDensity) + this.field.appearance.tvLoss(w.tvAppearance);
  }

  /** All parameters (the background's last). */
  params(): Param[] {
    return [...this.field.params(), ...(this.background ? this.background.params() : [])];
  }

  /** Resamples the grids to about `res` cells along the longest side. */
  upsample(res: number): void {
    this.res = res;
    this.field.upsample(res);
  }

  /** Notes the occupancy cells that a training render of `rays` sees into (transmittance ≥ VISIBLE_TRANSMITTANCE). */
  recordVisibility(rays: RayBundle, render: GeometryRender): void {
    this.occupancy.markVisible(rays, render.samples, render.rw.weights, VISIBLE_TRANSMITTANCE, this.visible);
  }

  /**
   * Recomputes occupancy: cells whose density at the centre reaches the alpha threshold and, with `visibleOnly`, that
   * a training ray saw into since the last pass (recordVisibility; density alone when none was recorded). Returns
   * the occupied fraction.
   */
  updateOccupancy(visibleOnly = false): number {
    const centres = this.occupancy.cellCentres();
    const n = centres.length / 3;
    const { sigma } = this.field.densityForward(this.field.toGrid(centres, n), n);
    const step = this.settings().step;
    const alpha = new Float32Array(n);
    for (let i = 0; i < n; i++) alpha[i] = 1 - Math.exp(-sigma[i]! * step * DENSITY_SCALE);
    const seen = visibleOnly && this.visible.includes(1) ? this.visible : undefined;
    const share = this.occupancy.update(alpha, OCCUPANCY_ALPHA, seen);
    this.visible.fill(0);
    return share;
  }

  /**
   * When most views have depth maps, marks occupied the cells their depth pixels unproject to (empty-space
   * skipping from the start) and returns true; otherwise leaves the grid fully occupied and returns false. A pixel
   * with no depth reading (0) says nothing about its ray: the cells it crosses that no reading shows empty stay
   * occupied, for the density to decide at the occupancy updates.
   */
  seedOccupancy(views: ViewPixels[]): boolean {
    const withDepth = views.filter((v) => v.depth);
    if (withDepth.length === 0 || withDepth.length < views.length / 2) return false;
    const pts: number[] = [];
    let missing = false;
    for (const v of withDepth) {
      const { w, h } = v.intrinsics;
      for (let p = 0; p < w * h; p++) {
        const z = v.depth![p]!;
        if (!(z > 0)) {
          missing = true;
          continue;
        }
        const d = pixelToCameraDir(v.intrinsics, p % w, Math.floor(p / w));
        const x = toNormalized(this.norm, transformPoint(v.frame.c2w, [d[0] * z, d[1] * z, d[2] * z]));
        pts.push(x[0], x[1], x[2]);
      }
    }
    if (pts.length === 0) return false;
    const unknown = missing ? this.unobservedCells(withDepth) : undefined;
    this.occupancy.fromPoints(Float32Array.from(pts), pts.length / 3, unknown);
    return true;
  }

  /** Cells that rays without a depth reading cross and that no ray with one shows empty (in front of its hit). */
  private unobservedCells(views: ViewPixels[]): Uint8Array {
    const occ = this.occupancy;
    const unknown = new Uint8Array(occ.bits.length);
    const free = new Uint8Array(occ.bits.length);
    // Free space ends one cell before each hit, so the surface's own cell is never carved.
    const cell = Math.max(...[0, 1, 2].map((k) => (occ.max[k]! - occ.min[k]!) / occ.res));
    for (const v of views) {
      const rays = raysForView(v.frame, v.intrinsics, this.norm);
      const { w } = v.intrinsics;
      for (let p = 0; p < rays.n; p++) {
        const o = rays.origins.subarray(p * 3, p * 3 + 3);
        const d = rays.dirs.subarray(p * 3, p * 3 + 3);
        const [near, far] = rayBoxIntersect(o, d, occ.min, occ.max);
        const t0 = Math.max(0, near);
        const z = v.depth![p]!;
        if (z > 0) {
          const c = pixelToCameraDir(v.intrinsics, p % w, Math.floor(p / w));
          const hit = (z * Math.hypot(c[0], c[1], c[2])) / this.norm.scale;
          occ.markSegment(o, d, t0, Math.min(far, hit - cell), free);
        } else occ.markSegment(o, d, t0, far, unknown);
      }
    }
    for (let c = 0; c < unknown.length; c++) if (free[c]) unknown[c] = 0;
    return unknown;
  }

  /** The occupancy bits and, with `occupancyVisibility`, the cells seen since the last occupancy pass. */
  stateTensors(): [string, Float32Array][] {
    const out: [string, Float32Array][] = [['occupancy', Float32Array.from(this.occupancy.bits)]];
    if (this.config.occupancyVisibility) out.push([VISIBLE_TENSOR, Float32Array.from(this.visible)]);
    return out;
  }

  /** The grid resolution, needed to shape the parameters before loading them. */
  checkpointMeta(): Record<string, unknown> {
    return { res: this.res };
  }

  /** Resamples to the saved resolution and restores the occupancy bits. */
  loadState(tensors: Map<string, Float32Array>, meta: Record<string, unknown>, source: string): void {
    const res = meta.res;
    if (typeof res !== 'number') throw new Error(`${source}: checkpoint has no grid resolution "res"`);
    if (res !== this.res) this.upsample(res);
    // A checkpoint from before the learned background was trained in front of black: it renders as it was trained.
    if (this.background && !tensors.has(BACKGROUND_PARAM)) this.background = null;
    const occ = tensors.get('occupancy');
    if (occ && occ.length === this.occupancy.bits.length)
      for (let i = 0; i < occ.length; i++) this.occupancy.bits[i] = occ[i]!;
    // A checkpoint from before the seen cells were kept has none: its next pass goes by density alone.
    const seen = tensors.get(VISIBLE_TENSOR);
    this.visible.fill(0);
    if (seen && seen.length === this.visible.length)
      for (let i = 0; i < seen.length; i++) this.visible[i] = seen[i]!;
  }
}

/**
 * A ground-truth-free score of multi-view label consistency: pixels are carried into nearby views with the
 * scene's depth and poses, and the score is how often they land on the same instance id there.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressFn } from '../core/progress.ts';
import { SceneError } from '../data/errors.ts';
import { readDepth, readInstances, readRgb, readSemantics } from '../data/maps.ts';
import { readScene } from '../data/read-scene.ts';
import { type Frame, framesOf, type Scene, type Split } from '../data/scene.ts';
import { DEPTH_TOLERANCE } from './baselines/depth-points.ts';
import { correspondences, type DepthView } from './correspondence.ts';
import { classKinds, PSNR_CAP } from './evaluate.ts';
import type { LabelPair } from './labels.ts';
import { perFramePanopticQuality } from './panoptic-quality.ts';
import { readPrediction } from './prediction.ts';
import { psnr } from './psnr.ts';

/** Options of the consistency score. */
export interface ConsistencyOptions {
  split: Split | 'all';
  /** Each view is compared with this many nearest views (by pose) of the same split. */
  pairs: number;
  /** A pixel agrees when its id occurs within this many pixels (Chebyshev) of where it lands; 0 = exactly there. */
  maxOffset: number;
  /** Relative depth tolerance of the occlusion test (default DEPTH_TOLERANCE). */
  tolerance?: number;
  onProgress?: ProgressFn;
}

/** Counts of one directed view pair (or a sum of them). */
export interface PairCounts {
  /** Pixels of the source view. */
  pixels: number;
  /** Pixels with a geometric correspondence in the other view (depth, in view, not occluded). */
  checked: number;
  /** Checked pixels with a non-zero id on at least one side. */
  labelled: number;
  /** Labelled pixels whose id is found where they land. */
  agree: number;
}

/** The consistency metrics: percentages on a 0–100 scale, null where nothing could be checked. */
export interface ConsistencyMetrics {
  /** Share of labelled checked pixels that land on their own id. */
  consistency: number | null;
  /** Share of source pixels that could be checked at all (depth, in view, not occluded); the same for every prediction. */
  consistency_checked: number | null;
  /** Share of checked pixels with an id on at least one side (the rest, id 0 on both, are not scored). */
  consistency_labelled: number | null;
  /**
   * Per-frame PQ of the prediction against the scene's own 2D segmenter maps (100 for the raw masks): how much of
   * the within-view segmentation a prediction keeps, so that one id for everything, which would be perfectly
   * consistent, shows as a low value here. Null when the frames have no segmenter maps.
   */
  segmenter_pq: number | null;
  /** Distinct non-zero instance ids over the split's frames. */
  instances: number;
  /** Mean PSNR (dB) of the prediction's renders against the photos, when the folder has rgb/ (clift's does). */
  psnr: number | null;
  n_frames: number;
  n_pairs: number;
  pairs_per_view: number;
  max_offset: number;
  depth_tolerance: number;
}

/** A view's depth and predicted instance ids. */
export interface LabelledDepthView extends DepthView {
  ids: Uint16Array;
}

/** Whether `id` occurs in `ids` within `r` pixels (Chebyshev) of pixel j of a w × h map. */
function nearby(ids: Uint16Array, w: number, h: number, j: number, r: number, id: number): boolean {
  if (ids[j] === id) return true;
  const x = j % w;
  const y = (j - x) / w;
  for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++) {
    for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r); u++) if (ids[v * w + u] === id) return true;
  }
  return false;
}

/**
 * Counts of one directed pair: every pixel of `from` with a correspondence in `to` is checked; where both ids
 * are 0 it is not scored; otherwise it agrees when `from`'s id occurs within `maxOffset` pixels of where it lands.
 */
export function pairConsistency(
  from: LabelledDepthView,
  to: LabelledDepthView,
  maxOffset: number,
  tolerance = DEPTH_TOLERANCE,
): PairCounts {
  const match = correspondences(from, to, tolerance);
  const { w, h } = to.frame.intrinsics;
  const counts: PairCounts = { pixels: match.length, checked: 0, labelled: 0, agree: 0 };
  for (let i = 0; i < match.length; i++) {
    const j = match[i]!;
    if (j < 0) continue;
    counts.checked++;
    const a = from.ids[i]!;
    if (a === 0 && to.ids[j] === 0) continue;
    counts.labelled++;
    if (nearby(to.ids, w, h, j, maxOffset, a)) counts.agree++;
  }
  return counts;
}

/** Angle in radians between two frames' optical axes. */
function axisAngle(a: Frame, b: Frame): number {
  const dot = a.c2w[2]! * b.c2w[2]! + a.c2w[6]! * b.c2w[6]! + a.c2w[10]! * b.c2w[10]!;
  return Math.acos(Math.min(1, Math.max(-1, dot)));
}

/**
 * For each view, the `k` nearest other views by pose distance ‖c_i − c_j‖ + θ_ij · D (camera centres in scene
 * units, θ the angle between optical axes, D the median scene depth: a turn by θ moves the content by ~θ·D).
 */
export function nearestViews(frames: Frame[], k: number, medianDepth: number): number[][] {
  return frames.map((a, i) => {
    const dist = frames.map((b, j) => {
      if (j === i) return { j, d: Number.POSITIVE_INFINITY };
      const dc = Math.hypot(a.c2w[3]! - b.c2w[3]!, a.c2w[7]! - b.c2w[7]!, a.c2w[11]! - b.c2w[11]!);
      return { j, d: dc + axisAngle(a, b) * medianDepth };
    });
    dist.sort((p, q) => p.d - q.d || p.j - q.j);
    return dist.slice(0, Math.min(k, frames.length - 1)).map((e) => e.j);
  });
}

/** Median of the non-zero values of the depth maps (sampled), 1 when there are none. */
function medianDepth(depths: Float32Array[]): number {
  const xs: number[] = [];
  for (const d of depths) for (let i = 0; i < d.length; i += 7) if (d[i]! > 0) xs.push(d[i]!);
  if (xs.length === 0) return 1;
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1]!;
}

/** The split's views with their depth and predicted ids, and the PSNR of each render where the folder has them. */
function loadViews(
  scene: Scene,
  predDir: string,
  frames: Frame[],
): { views: LabelledDepthView[]; psnrs: number[]; pairs: LabelPair[] } {
  const withRgb = existsSync(join(predDir, 'rgb'));
  const psnrs: number[] = [];
  const pairs: LabelPair[] = [];
  const views = frames.map((frame) => {
    if (frame.maps.depth_file_path === undefined) {
      throw new SceneError(
        scene.transformsPath,
        `frames[${frame.index}].depth_file_path`,
        'missing: the consistency score carries pixels between views with depth',
      );
    }
    const pred = readPrediction(predDir, frame);
    if (withRgb) {
      if (!pred.rgb)
        throw new SceneError(join(predDir, 'rgb'), 'rgb', `missing render for frame "${frame.stem}"`);
      psnrs.push(Math.min(PSNR_CAP, psnr(pred.rgb, readRgb(scene, frame))));
    }
    if (frame.maps.instance_file_path !== undefined && frame.maps.semantic_file_path !== undefined) {
      pairs.push({
        predSemantic: pred.semantic,
        predInstance: pred.instance,
        gtSemantic: readSemantics(scene, frame, 'semantic_file_path'),
        gtInstance: readInstances(scene, frame, 'instance_file_path'),
      });
    }
    return { frame, depth: readDepth(scene, frame), ids: pred.instance };
  });
  return { views, psnrs, pairs: pairs.length === frames.length ? pairs : [] };
}

/** A ratio as a percentage with 4 decimals, null when undefined. */
const pct = (num: number, den: number): number | null => {
  const r = num / den;
  return den > 0 && Number.isFinite(r) ? Math.round(r * 1e6) / 1e4 : null;
};

/** Scores the instance maps of a prediction folder for cross-view consistency on a scene's depth and poses. */
export function evaluateConsistency(
  sceneDir: string,
  predDir: string,
  opts: ConsistencyOptions,
): ConsistencyMetrics {
  if (!(Number.isInteger(opts.pairs) && opts.pairs >= 1))
    throw new Error(`--pairs must be ≥ 1, got ${opts.pairs}`);
  const scene = readScene(sceneDir);
  const frames = framesOf(scene, opts.split);
  if (frames.length < 2) {
    throw new SceneError(
      scene.transformsPath,
      'frames',
      `the ${opts.split} split has ${frames.length} frame(s); consistency needs two`,
    );
  }
  if (!existsSync(predDir)) throw new SceneError(predDir, 'prediction folder', 'does not exist');
  const tolerance = opts.tolerance ?? DEPTH_TOLERANCE;
  const { views, psnrs, pairs: segmenterPairs } = loadViews(scene, predDir, frames);
  const ids = new Set<number>();
  for (const v of views) for (const id of v.ids) ids.add(id);
  ids.delete(0);
  const neighbours = nearestViews(frames, opts.pairs, medianDepth(views.map((v) => v.depth)));
  const total: PairCounts = { pixels: 0, checked: 0, labelled: 0, agree: 0 };
  let pairs = 0;
  opts.onProgress?.(0, views.length);
  views.forEach((from, i) => {
    for (const j of neighbours[i]!) {
      const c = pairConsistency(from, views[j]!, opts.maxOffset, tolerance);
      total.pixels += c.pixels;
      total.checked += c.checked;
      total.labelled += c.labelled;
      total.agree += c.agree;
      pairs++;
    }
    opts.onProgress?.(i + 1, views.length, from.frame.stem);
  });
  return {
    consistency: pct(total.agree, total.labelled),
    consistency_checked: pct(total.checked, total.pixels),
    consistency_labelled: pct(total.labelled, total.checked),
    segmenter_pq:
      segmenterPairs.length === 0 ? null : pct(perFramePanopticQuality(segmenterPairs, classKinds(scene)), 1),
    instances: ids.size,
    psnr:
      psnrs.length === 0 ? null : Math.round((psnrs.reduce((a, b) => a + b, 0) / psnrs.length) * 1e4) / 1e4,
    n_frames: frames.length,
    n_pairs: pairs,
    pairs_per_view: opts.pairs,
    max_offset: opts.maxOffset,
    depth_tolerance: tolerance,
  };
}

/** The consistency metrics as a few printable lines. */
export function formatConsistency(m: ConsistencyMetrics): string {
  const f = (v: number | null): string => (v === null ? '—' : `${v.toFixed(2)} %`);
  return [
    `consistency          ${f(m.consistency)}  (labelled pixels landing on their own id in a nearby view)`,
    `checked              ${f(m.consistency_checked)}  (pixels with depth, in view and unoccluded there)`,
    `labelled             ${f(m.consistency_labelled)}  (checked pixels with an id on either side)`,
    `instances            ${m.instances}`,
    `segmenter PQ         ${m.segmenter_pq === null ? '—' : m.segmenter_pq.toFixed(2)}  (per-frame PQ against the scene's 2D segmenter maps)`,
    ...(m.psnr === null
      ? []
      : [`PSNR                 ${m.psnr.toFixed(2)} dB  (renders against the photos)`]),
    `frames / pairs       ${m.n_frames} / ${m.n_pairs}  (${m.pairs_per_view} nearest views each, offset ${m.max_offset} px)`,
  ].join('\n');
}

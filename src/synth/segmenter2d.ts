/**
 * A simulated 2D instance segmenter: from a scene's ground-truth maps it writes per-view instance,
 * semantic and confidence maps with fresh ids in every view and detector-like noise.
 */
import type { ProgressFn } from '../core/progress.ts';
import { Rng } from '../core/rng.ts';
import { readInstances, readSemantics } from '../data/maps.ts';
import { writeSegmenterMaps } from '../data/masks/write.ts';
import { readScene } from '../data/read-scene.ts';
import { type SemanticClass, VOID_LABEL } from '../data/scene.ts';
import { sceneToJson, writeTransforms } from '../data/write-scene.ts';
import { confidenceMap } from './mask-confidence.ts';
import { NOISE_LEVELS, type NoiseLevel, type NoiseName } from './mask-levels.ts';
import {
  dilate,
  erode,
  type LabelMap,
  labelAreas,
  labelBoxes,
  paintEllipse,
  splitByLine,
  touchingPairs,
} from './mask-noise.ts';

export { NOISE_LEVELS, NOISE_NAMES, type NoiseLevel, type NoiseName } from './mask-levels.ts';

/** Ground truth of one view: instance ids (0 = none) and optional semantic classes. */
export interface GtView {
  w: number;
  h: number;
  instance: Uint16Array;
  semantic: Uint16Array | null;
}

/** The simulated segmenter's output for one view. */
export interface SegmenterView {
  /** Segment ids, fresh and random in every view, 0 = no segment. */
  instance: Uint16Array;
  semantic: Uint16Array;
  /** Per-pixel confidence in [0, 1]. */
  confidence: Float32Array;
}

/** Spare ids beyond the segment count, so a view's ids are a random subset and not just 1..K. */
const ID_HEADROOM = 64;

/** Distinct random segment ids for `count` segments of one view (from 1..count + ID_HEADROOM). */
export function freshSegmentIds(count: number, rng: Rng): Uint16Array {
  if (count + ID_HEADROOM > 65535) throw new Error(`too many segments in one view (${count})`);
  const pool = rng.permutation(count + ID_HEADROOM);
  return Uint16Array.from(pool.subarray(0, count), (p) => p + 1);
}

type SegmentKind = 'clean' | 'noisy' | 'false';

interface Segment {
  cls: number;
  kind: SegmentKind;
}

/** A Poisson sample with mean `mean` (Knuth's method; means here are small). */
function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** The most frequent thing class under each label (`fallback` for labels with no thing-class pixel). */
function objectClasses(
  map: LabelMap,
  semantic: Uint16Array | null,
  things: Set<number>,
  count: number,
  fallback: number,
): number[] {
  const votes = Array.from({ length: count + 1 }, () => new Map<number, number>());
  if (semantic) {
    for (let i = 0; i < map.data.length; i++) {
      const l = map.data[i]!;
      const c = semantic[i]!;
      if (l > 0 && things.has(c)) votes[l]!.set(c, (votes[l]!.get(c) ?? 0) + 1);
    }
  }
  return votes.map((v) => {
    let best = fallback;
    let most = 0;
    for (const [c, n] of v) {
      if (n > most || (n === most && c < best)) {
        best = c;
        most = n;
      }
    }
    return best;
  });
}

/** Simulates the segmenter on one view's ground truth (pure: same inputs and rng state, same output). */
export function simulateView(
  gt: GtView,
  classes: SemanticClass[],
  level: NoiseLevel,
  rng: Rng,
): SegmenterView {
  const { w, h } = gt;
  const n = w * h;
  const side = Math.min(w, h);
  const px = (frac: number): number => Math.max(1, Math.round(frac * side));
  const thingList = classes.filter((c) => c.thing).map((c) => c.id);
  const things = new Set(thingList);
  const stuff = new Set(classes.filter((c) => !c.thing).map((c) => c.id));
  const background = classes.find((c) => !c.thing)?.id ?? VOID_LABEL;
  const defaultThing = thingList[0] ?? background;

  // Ground-truth objects as compact labels 1..count.
  const map: LabelMap = { w, h, data: new Int32Array(n) };
  const compact = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const id = gt.instance[i]!;
    if (id === 0) continue;
    let l = compact.get(id);
    if (l === undefined) {
      l = compact.size + 1;
      compact.set(id, l);
    }
    map.data[i] = l;
  }
  let maxLabel = compact.size;
  const segs: Segment[] = objectClasses(map, gt.semantic, things, maxLabel, defaultThing).map((cls) => ({
    cls,
    kind: 'clean' as SegmentKind,
  }));

  // Missed objects and merged touching neighbours, as one relabelling table.
  const to = Int32Array.from({ length: maxLabel + 1 }, (_, l) => l);
  for (let l = 1; l <= maxLabel; l++) if (rng.next() < level.missRate) to[l] = 0;
  const area = labelAreas(map, maxLabel);
  const root = (l: number): number => {
    while (to[l] !== l && to[l] !== 0) l = to[l]!;
    return l;
  };
  for (const [a, b] of touchingPairs(map)) {
    if (!(rng.next() < level.mergeRate)) continue;
    const ra = root(a);
    const rb = root(b);
    if (to[a] === 0 || to[b] === 0 || ra === rb) continue;
    const [keep, drop] = area[ra]! >= area[rb]! ? [ra, rb] : [rb, ra];
    to[drop] = keep;
    area[keep]! += area[drop]!;
    segs[keep]!.kind = 'noisy';
  }
  for (let l = 1; l <= maxLabel; l++) if (to[l] !== 0) to[l] = root(l);
  for (let i = 0; i < n; i++) map.data[i] = to[map.data[i]!]!;

  // Segments cut in two.
  const boxes = labelBoxes(map, maxLabel);
  for (let l = 1, last = maxLabel; l <= last; l++) {
    const box = boxes[l];
    if (!(rng.next() < level.splitRate) || !box) continue;
    if (splitByLine(map, box, l, maxLabel + 1, rng.uniform(0, Math.PI))) {
      maxLabel++;
      segs[maxLabel] = { cls: segs[l]!.cls, kind: 'noisy' };
      segs[l]!.kind = 'noisy';
    }
  }

  // Eroded or dilated boundaries, in a random order.
  const grown = labelBoxes(map, maxLabel);
  for (const k of rng.permutation(maxLabel)) {
    const l = k + 1;
    const box = grown[l];
    const changed = rng.next() < level.boundaryRate;
    const radius = 1 + rng.int(px(level.boundaryRadius));
    const shrink = rng.next() < 0.5;
    if (!changed || !box) continue;
    if (shrink) erode(map, box, l, radius);
    else dilate(map, box, l, radius);
    segs[l]!.kind = 'noisy';
  }

  // False-positive blobs on unsegmented pixels.
  const blobs = poisson(rng, level.falsePositives);
  for (let b = 0; b < blobs; b++) {
    const [lo, hi] = level.blobRadius;
    const rx = Math.max(1, rng.uniform(lo, hi) * side);
    const ry = Math.max(1, rng.uniform(lo, hi) * side);
    const cx = rng.uniform(0, w);
    const cy = rng.uniform(0, h);
    const angle = rng.uniform(0, Math.PI);
    const cls = thingList.length > 0 ? thingList[rng.int(thingList.length)]! : defaultThing;
    if (paintEllipse(map, cx, cy, rx, ry, angle, maxLabel + 1) > 0) {
      maxLabel++;
      segs[maxLabel] = { cls, kind: 'false' };
    }
  }

  // Fresh random ids for the segments that survived.
  const finalArea = labelAreas(map, maxLabel);
  const alive: number[] = [];
  for (let l = 1; l <= maxLabel; l++) if (finalArea[l]! > 0) alive.push(l);
  const ids = freshSegmentIds(alive.length, rng);
  const idOf = new Uint16Array(maxLabel + 1);
  const perLabel = new Float32Array(maxLabel + 1).fill(1);
  alive.forEach((l, k) => {
    idOf[l] = ids[k]!;
    const seg = segs[l]!;
    const base =
      seg.kind === 'clean'
        ? level.confidentClean
        : seg.kind === 'noisy'
          ? level.confidentNoisy
          : level.confidentFalse;
    const jitter = rng.uniform(-level.confidenceJitter, level.confidenceJitter);
    perLabel[l] = Math.min(1, Math.max(0.05, base + jitter));
  });

  const instance = new Uint16Array(n);
  const semantic = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const l = map.data[i]!;
    instance[i] = idOf[l]!;
    if (l > 0) semantic[i] = segs[l]!.cls;
    else {
      const g = gt.semantic ? gt.semantic[i]! : background;
      semantic[i] = stuff.has(g) ? g : background;
    }
  }
  const band = level.boundaryBand > 0 ? px(level.boundaryBand) : 0;
  return { instance, semantic, confidence: confidenceMap(map, perLabel, band) };
}

/** Options of simulateSegmenter. */
export interface SegmenterOptions {
  noise: NoiseName;
  seed: number;
  onProgress?: ProgressFn;
}

/**
 * Runs the simulated segmenter on every frame of a scene: writes `segments/{instance,semantic,confidence}/
 * <stem>.png` and adds their paths to transforms.json (keeping all other keys).
 */
export async function simulateSegmenter(sceneDir: string, opts: SegmenterOptions): Promise<void> {
  const level = NOISE_LEVELS[opts.noise];
  if (!level) {
    throw new Error(`unknown noise level "${opts.noise}" (use ${Object.keys(NOISE_LEVELS).join(', ')})`);
  }
  const scene = readScene(sceneDir);
  const total = scene.frames.length;
  opts.onProgress?.(0, total);
  for (const frame of scene.frames) {
    const { w, h } = frame.intrinsics;
    const gt: GtView = {
      w,
      h,
      instance: readInstances(scene, frame, 'gt_instance_file_path'),
      semantic:
        frame.maps.gt_semantic_file_path === undefined
          ? null
          : readSemantics(scene, frame, 'gt_semantic_file_path'),
    };
    const view = simulateView(gt, scene.classes, level, new Rng(opts.seed).fork(frame.index));
    const paths = writeSegmenterMaps(scene.dir, frame.stem, w, h, view);
    Object.assign(frame.maps, paths);
    opts.onProgress?.(frame.index + 1, total, frame.stem);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  writeTransforms(scene.dir, sceneToJson(scene));
}

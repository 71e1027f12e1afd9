/**
 * `clift segment`: turns a trained run into consistent instance ids for any views — centroids from training
 * renders, nearest-centroid labels per pixel — and writes a prediction folder, overlays and point clouds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterParams } from '../cluster/types.ts';
import type { ProgressFn } from '../core/progress.ts';
import { Rng } from '../core/rng.ts';
import { maybeYield } from '../core/yield.ts';
import { readRgb } from '../data/maps.ts';
import { ensureFolder, writeFileAtomic, writeRgb8 } from '../data/png.ts';
import { readCameraFile } from '../data/read-cameras.ts';
import { type Frame, framesOf, type Scene, type Split } from '../data/scene.ts';
import { reducedIntrinsics, segmenterInstances, segmenterSemantics } from '../data/training-views.ts';
import { classKinds } from '../eval/evaluate.ts';
import { writePrediction } from '../eval/prediction.ts';
import { overlayInstances } from '../export/overlay.ts';
import { writePly } from '../export/ply.ts';
import { renderLabels } from '../model/label-render.ts';
import { toWorld } from '../rays/normalize.ts';
import { raysForView } from '../rays/ray-bundle.ts';
import {
  assignInstances,
  type ClassCentroids,
  type EmbeddingSample,
  extractCentroids,
  type LinkageCache,
} from './class-centroids.ts';
import { loadRun } from './load-model.ts';
import { sampleEmbeddings, segmenterThingFocus } from './sample-embeddings.ts';
import {
  DEFAULT_RENDER_SIZE,
  DEFAULT_SAMPLE_PIXELS,
  DEFAULT_SAMPLE_VIEWS,
  DEFAULT_THING_SHARE,
  MIN_SELECTION_VIEWS,
} from './segment-defaults.ts';
import { candidateParams, type SelectionView, selectParameter } from './select-parameter.ts';

export {
  DEFAULT_RENDER_SIZE,
  DEFAULT_SAMPLE_PIXELS,
  DEFAULT_SAMPLE_VIEWS,
  DEFAULT_THING_SHARE,
  MIN_SELECTION_VIEWS,
} from './segment-defaults.ts';

/** Training views scored by the automatic parameter choice: the larger of 10 % and MIN_SELECTION_VIEWS, at most all. */
export function selectionViewCount(trainViews: number, requested?: number): number {
  const n = requested ?? Math.max(MIN_SELECTION_VIEWS, Math.round(trainViews / 10));
  return Math.max(1, Math.min(trainViews, n));
}

/** Options of a segmentation run. */
export interface SegmentOptions {
  runDir: string;
  sceneDir?: string;
  /** A split, 'all', or a transforms-style JSON file of camera poses. */
  views: Split | 'all' | string;
  method: ClusterParams['method'];
  /** A fixed parameter (min cluster size, eps or bandwidth), or 'auto' to select it. */
  parameter: number | 'auto';
  /**
   * HDBSCAN: whether a class may be one cluster; unset = both scored when `parameter` is 'auto', allowed when fixed.
   */
  singleCluster?: boolean;
  out: string;
  samplePixels?: number;
  sampleViews?: number;
  /** Larger side of rendered views (labels are upsampled to the frame size); default DEFAULT_RENDER_SIZE. */
  renderSize?: number;
  perObject?: boolean;
  /** Share of sampled pixels drawn where the 2D segmenter sees a thing class; default DEFAULT_THING_SHARE. */
  thingShare?: number;
  /** Training views the 'auto' parameter is scored on; default selectionViewCount's. */
  selectionViews?: number;
  seed?: number;
  onProgress?: ProgressFn;
  log?: (line: string) => void;
}

/** What a segmentation run found. */
export interface SegmentResult {
  /** The clustering used (null for a linear-assignment run, whose ids are arg-max slots). */
  params: ClusterParams | null;
  centroids: ClassCentroids[];
  instances: number;
  frames: number;
  selection: { params: ClusterParams; pq: number }[];
}

function fixedParams(method: ClusterParams['method'], value: number, singleCluster = true): ClusterParams {
  if (method === 'hdbscan')
    return { method, minClusterSize: Math.round(value), minSamples: 1, allowSingleCluster: singleCluster };
  if (method === 'dbscan') return { method, eps: value, minSamples: 10 };
  return { method, bandwidth: value, binSeeding: true, minBinFreq: 10, clusterAll: false };
}

/** Instance id = arg-max slot + 1 for pixels of thing classes, 0 elsewhere. */
function argmaxSlots(
  logits: Float32Array,
  k: number,
  semantic: Uint16Array,
  things: ReadonlySet<number>,
): Uint16Array {
  const out = new Uint16Array(semantic.length);
  for (let i = 0; i < semantic.length; i++) {
    if (!things.has(semantic[i]!)) continue;
    let best = 0;
    for (let j = 1; j < k; j++) if (logits[i * k + j]! > logits[i * k + best]!) best = j;
    out[i] = best + 1;
  }
  return out;
}

/** Nearest-neighbour upsampling of a label map from (w0, h0) to (w, h). */
function upsample<T extends Uint16Array | Uint8Array>(
  src: T,
  w0: number,
  h0: number,
  w: number,
  h: number,
  c: number,
  out: T,
): T {
  for (let v = 0; v < h; v++) {
    const sv = Math.min(h0 - 1, Math.floor((v * h0) / h));
    for (let u = 0; u < w; u++) {
      const su = Math.min(w0 - 1, Math.floor((u * w0) / w));
      for (let k = 0; k < c; k++) out[(v * w + u) * c + k] = src[(sv * w0 + su) * c + k]!;
    }
  }
  return out;
}

/** Runs centroid extraction and labels the requested views, writing everything into `out`. */
export async function segmentRun(opts: SegmentOptions): Promise<SegmentResult> {
  const log = opts.log ?? (() => {});
  const run = loadRun(opts.runDir, opts.sceneDir);
  const { scene, config, model: render } = run;
  const rng = new Rng(opts.seed ?? config.seed).fork('segment');
  const kinds = classKinds(scene);
  const things = [...kinds.things].sort((a, b) => a - b);
  const trainFrames = framesOf(scene, 'train');
  if (config.instanceLoss !== 'linear-assignment' && opts.parameter === 'auto') {
    const without = trainFrames.find((f) => !f.maps.instance_file_path || !f.maps.semantic_file_path);
    if (without)
      throw new Error(
        `${scene.transformsPath}: frames[${without.index}] (${without.stem}) has no 2D segmenter maps, which the automatic cluster parameter is scored against; give a fixed --min-cluster-size / --eps / --bandwidth`,
      );
  }
  // Everything that can be refused is checked before the slow clustering starts.
  const frames = viewsToLabel(scene, opts.views);
  ensureFolder(opts.out);
  let params: ClusterParams | null = null;
  let selection: SegmentResult['selection'] = [];
  let centroids: ClassCentroids[] = [];
  let label: (embedding: Float32Array, dim: number, semantic: Uint16Array) => Uint16Array;
  if (config.instanceLoss === 'linear-assignment') {
    // Panoptic Lifting's surrogate ids: the arg-max slot (+1) of thing pixels; nothing to cluster.
    label = (embedding, dim, semantic) => argmaxSlots(embedding, dim, semantic, kinds.things);
    log(`linear-assignment run: ids are the arg-max of ${config.slots} slots`);
  } else {
    const sample = segmentSample(run, trainFrames, opts, rng);
    const trees: LinkageCache = new Map();
    if (opts.parameter === 'auto') {
      const views = selectionViews(run, selectionFrames(trainFrames, rng, opts.selectionViews));
      const sel = selectParameter(
        sample,
        views,
        things,
        kinds,
        candidateParams(opts.method, sample.semantic.length, sample.dim).filter(
          (p) =>
            p.method !== 'hdbscan' ||
            opts.singleCluster === undefined ||
            p.allowSingleCluster === opts.singleCluster,
        ),
        rng.fork('sweep'),
        trees,
      );
      params = sel.best;
      selection = sel.scores;
      for (const s of sel.scores)
        log(`  ${JSON.stringify(s.params)} → per-frame PQ vs 2D segmenter ${(100 * s.pq).toFixed(2)}`);
    } else {
      params = fixedParams(opts.method, opts.parameter, opts.singleCluster);
    }
    centroids = extractCentroids(sample, things, params, rng.fork('final'), undefined, trees);
    const instances = centroids.reduce((s, c) => s + c.centroids.length, 0);
    log(`clustered ${sample.semantic.length} pixels with ${JSON.stringify(params)}: ${instances} instances`);
    writeFileAtomic(
      join(opts.out, 'centroids.json'),
      `${JSON.stringify({ params, embedDim: sample.dim, classes: centroids }, null, 2)}\n`,
    );

    const fitted = centroids;
    label = (embedding, dim, semantic) => assignInstances(embedding, dim, semantic, fitted);
  }
  const instances = params === null ? config.slots : centroids.reduce((s, c) => s + c.centroids.length, 0);
  const cloud = {
    xyz: [] as number[],
    rgb: [] as number[],
    instance: [] as number[],
    semantic: [] as number[],
  };
  const maxPointsPerView = Math.ceil(300000 / Math.max(1, frames.length));
  for (const [k, frame] of frames.entries()) {
    await maybeYield();
    const intr = reducedIntrinsics(frame.intrinsics, opts.renderSize ?? DEFAULT_RENDER_SIZE);
    const r = renderLabels(render, frame, intr);
    const inst = label(r.embedding, r.dim, r.semantic);
    const rgb8 = Uint8Array.from(r.rgb, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
    const { w, h } = frame.intrinsics;
    const full = {
      instance: upsample(inst, intr.w, intr.h, w, h, 1, new Uint16Array(w * h)),
      semantic: upsample(r.semantic, intr.w, intr.h, w, h, 1, new Uint16Array(w * h)),
      rgb: upsample(rgb8, intr.w, intr.h, w, h, 3, new Uint8Array(w * h * 3)),
    };
    writePrediction(opts.out, frame, full);
    const photo = tryPhoto(scene, frame);
    writeRgb8(
      join(opts.out, 'overlays', `${frame.stem}.png`),
      w,
      h,
      overlayInstances(photo ?? full.rgb, full.instance, w, h, { alpha: 0.55, boundaries: true }),
    );
    const rays = raysForView(frame, intr, render.norm);
    const stride = Math.max(1, Math.floor((intr.w * intr.h) / maxPointsPerView));
    for (let p = 0; p < intr.w * intr.h; p += stride) {
      if (r.opacity[p]! < 0.5) continue;
      const t = r.depth[p]!;
      const x = toWorld(
        render.norm,
        [0, 1, 2].map((c) => rays.origins[p * 3 + c]! + t * rays.dirs[p * 3 + c]!) as [
          number,
          number,
          number,
        ],
      );
      cloud.xyz.push(...x);
      cloud.rgb.push(rgb8[p * 3]!, rgb8[p * 3 + 1]!, rgb8[p * 3 + 2]!);
      cloud.instance.push(inst[p]!);
      cloud.semantic.push(r.semantic[p]!);
    }
    opts.onProgress?.(k + 1, frames.length, `labelling ${frame.stem}`);
  }
  const points = {
    xyz: Float32Array.from(cloud.xyz),
    rgb: Uint8Array.from(cloud.rgb),
    instance: Int32Array.from(cloud.instance),
    semantic: Int32Array.from(cloud.semantic),
  };
  writePly(join(opts.out, 'points.ply'), points);
  if (opts.perObject) {
    const ids = [...new Set(cloud.instance)].filter((i) => i > 0).sort((a, b) => a - b);
    for (const id of ids) {
      const idx = cloud.instance.flatMap((v, i) => (v === id ? [i] : []));
      writePly(join(opts.out, 'objects', `${id}.ply`), {
        xyz: Float32Array.from(
          idx.flatMap((i) => [cloud.xyz[i * 3]!, cloud.xyz[i * 3 + 1]!, cloud.xyz[i * 3 + 2]!]),
        ),
        rgb: Uint8Array.from(
          idx.flatMap((i) => [cloud.rgb[i * 3]!, cloud.rgb[i * 3 + 1]!, cloud.rgb[i * 3 + 2]!]),
        ),
        instance: Int32Array.from(idx.map(() => id)),
        semantic: Int32Array.from(idx.map((i) => cloud.semantic[i]!)),
      });
    }
  }
  return { params, centroids, instances, frames: frames.length, selection };
}

/** The rendered training pixels a segmentation clusters (the same for the same run, options and rng). */
export function segmentSample(
  run: ReturnType<typeof loadRun>,
  trainFrames: Frame[],
  opts: Pick<SegmentOptions, 'samplePixels' | 'sampleViews' | 'thingShare' | 'onProgress'>,
  rng: Rng,
): EmbeddingSample {
  const { scene, config, model: render } = run;
  const things = [...classKinds(scene).things].sort((a, b) => a - b);
  const thingShare = opts.thingShare ?? DEFAULT_THING_SHARE;
  return sampleEmbeddings(
    render,
    trainFrames,
    config.trainSize,
    opts.samplePixels ?? DEFAULT_SAMPLE_PIXELS,
    opts.sampleViews ?? DEFAULT_SAMPLE_VIEWS,
    rng.fork('sample'),
    opts.onProgress,
    thingShare > 0
      ? { focus: segmenterThingFocus(scene, things, config.trainSize), share: thingShare }
      : undefined,
  );
}

/** Which training frames the automatic parameter is scored on. */
export function selectionFrames(trainFrames: Frame[], rng: Rng, requested?: number): Frame[] {
  const order = Array.from(rng.fork('selection').permutation(trainFrames.length));
  return order.slice(0, selectionViewCount(trainFrames.length, requested)).map((i) => trainFrames[i]!);
}

/** The training views the automatic parameter is scored on, rendered, with the segmenter's maps. */
export function selectionViews(run: ReturnType<typeof loadRun>, chosen: Frame[]): SelectionView[] {
  const { scene, config, model: render } = run;
  // Only the segmenter's maps are compared, so RGB, depth and confidence are not loaded.
  return chosen.map((frame) => {
    const instance = segmenterInstances(scene, frame, config.trainSize);
    const semantic = segmenterSemantics(scene, frame, config.trainSize);
    if (!instance || !semantic)
      throw new Error(`${scene.transformsPath}: frame ${frame.stem} has no 2D segmenter maps`);
    const r = renderLabels(render, frame, reducedIntrinsics(frame.intrinsics, config.trainSize));
    return {
      embedding: r.embedding,
      semantic: r.semantic,
      segmenterInstance: Uint16Array.from(instance),
      segmenterSemantic: semantic,
    };
  });
}

/** The frames `views` names (a split, all, or a camera file); refuses a name that is neither, or no frames. */
export function viewsToLabel(scene: Scene, views: string): Frame[] {
  const splits = ['train', 'test', 'val', 'all'];
  if (splits.includes(views)) {
    const frames = framesOf(scene, views as Split | 'all');
    if (frames.length === 0)
      throw new Error(`${scene.transformsPath}: no frame with split "${views}" to label (--views ${views})`);
    return frames;
  }
  if (!existsSync(views))
    throw new Error(`--views must be one of ${splits.join(', ')} or a camera .json file, got "${views}"`);
  const frames = readCameraFile(views);
  if (frames.length === 0) throw new Error(`${views}: frames: no camera to label`);
  return frames;
}

/** The frame's photo when it exists and matches the frame's size (novel views have none). */
function tryPhoto(scene: Parameters<typeof readRgb>[0], frame: Frame): Uint8Array | null {
  if (!existsSync(join(scene.dir, frame.filePath))) return null;
  try {
    return readRgb(scene, frame);
  } catch {
    return null;
  }
}

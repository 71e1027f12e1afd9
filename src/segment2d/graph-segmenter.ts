/**
 * A weight-free stand-in for a 2D instance segmenter: graph-based segmentation of every view (colour plus depth
 * edges), large segments taken as stuff, the rest as things with fresh random ids per view.
 */
import type { ProgressFn } from '../core/progress.ts';
import { Rng } from '../core/rng.ts';
import { SceneError } from '../data/errors.ts';
import { readDepth, readRgb } from '../data/maps.ts';
import { writeSegmenterMaps } from '../data/masks/write.ts';
import { readScene } from '../data/read-scene.ts';
import type { Frame, Scene, SemanticClass } from '../data/scene.ts';
import { sceneToJson, writeTransforms } from '../data/write-scene.ts';
import { confidenceMap } from '../synth/mask-confidence.ts';
import { freshSegmentIds } from '../synth/segmenter2d.ts';
import { type GraphInput, type GraphParams, segmentGraph } from './felzenszwalb.ts';

/** Parameters of the graph segmenter beyond the segmentation itself. */
export interface GraphSegmenterParams extends GraphParams {
  /** Segments covering more than this share of the image are stuff (instance 0, the stuff class). */
  stuffShare: number;
}

/** Defaults, chosen on the view sizes clift trains at (≤ 320 px a side). */
export const GRAPH_DEFAULTS: GraphSegmenterParams = {
  k: 300,
  minSize: 0,
  sigma: 0.8,
  depthWeight: 300,
  stuffShare: 0.1,
};

/** Segments smaller than this share of the image are merged when `minSize` is 0 (automatic). */
const AUTO_MIN_SHARE = 0.004;
/** Width of the band, as a share of the shorter image side, over which confidence falls to ½ at a boundary. */
const CONFIDENCE_BAND = 0.02;
/** One view's segmenter maps. */
export interface GraphView {
  instance: Uint16Array;
  semantic: Uint16Array;
  confidence: Float32Array;
  /** Thing segments (instances) in the view. */
  things: number;
}

/** The ids of the first thing and first stuff class, which graph segments are given. */
export function graphClasses(classes: SemanticClass[], file: string): { thing: number; stuff: number } {
  const thing = classes.find((c) => c.thing);
  const stuff = classes.find((c) => !c.thing);
  if (!thing || !stuff) {
    throw new SceneError(file, 'semantic_classes', 'the graph segmenter needs one thing and one stuff class');
  }
  return { thing: thing.id, stuff: stuff.id };
}

/** Segments one view into thing instances (fresh ids from `rng`) and stuff. */
export function graphView(
  input: GraphInput,
  params: GraphSegmenterParams,
  cls: { thing: number; stuff: number },
  rng: Rng,
): GraphView {
  const n = input.w * input.h;
  const minSize = params.minSize > 0 ? params.minSize : Math.max(4, Math.round(AUTO_MIN_SHARE * n));
  const { labels, count } = segmentGraph(input, { ...params, minSize });
  const area = new Int32Array(count);
  for (let i = 0; i < n; i++) area[labels[i]!]!++;
  const thingLabels: number[] = [];
  for (let l = 0; l < count; l++) if (area[l]! <= params.stuffShare * n) thingLabels.push(l);
  const ids = freshSegmentIds(thingLabels.length, rng);
  const idOf = new Uint16Array(count);
  thingLabels.forEach((l, k) => {
    idOf[l] = ids[k]!;
  });
  const instance = new Uint16Array(n);
  const semantic = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const id = idOf[labels[i]!]!;
    instance[i] = id;
    semantic[i] = id > 0 ? cls.thing : cls.stuff;
  }
  const map = { w: input.w, h: input.h, data: Int32Array.from(labels, (l) => l + 1) };
  const band = Math.max(1, Math.round(CONFIDENCE_BAND * Math.min(input.w, input.h)));
  const confidence = confidenceMap(map, new Float32Array(count + 1).fill(1), band);
  return { instance, semantic, confidence, things: thingLabels.length };
}

/** A frame's RGB and (when it has one) depth map as the segmenter's input. */
function frameInput(scene: Scene, frame: Frame): GraphInput {
  const { w, h } = frame.intrinsics;
  const depth = frame.maps.depth_file_path === undefined ? null : readDepth(scene, frame);
  return { w, h, rgb: readRgb(scene, frame), depth };
}

/** Options of runGraphSegmenter. */
export interface GraphSegmenterOptions {
  params: GraphSegmenterParams;
  /** Seed of the per-view id shuffle. */
  seed: number;
  onProgress?: ProgressFn;
}

/**
 * Runs the graph segmenter on every frame of a scene: writes `segments/{instance,semantic,confidence}/<stem>.png`
 * and adds their paths to transforms.json. Returns the mean number of thing segments a view.
 */
export async function runGraphSegmenter(sceneDir: string, opts: GraphSegmenterOptions): Promise<number> {
  const scene = readScene(sceneDir);
  const cls = graphClasses(scene.classes, scene.transformsPath);
  const total = scene.frames.length;
  let things = 0;
  opts.onProgress?.(0, total);
  for (const frame of scene.frames) {
    const { w, h } = frame.intrinsics;
    const view = graphView(frameInput(scene, frame), opts.params, cls, new Rng(opts.seed).fork(frame.index));
    things += view.things;
    Object.assign(frame.maps, writeSegmenterMaps(scene.dir, frame.stem, w, h, view));
    opts.onProgress?.(frame.index + 1, total, `${view.things} segments`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  writeTransforms(scene.dir, sceneToJson(scene));
  return total > 0 ? things / total : 0;
}

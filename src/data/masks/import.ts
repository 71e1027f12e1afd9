/**
 * `clift masks import`: reads a real 2D segmenter's output, matches its views to the scene's frames by image
 * file stem, maps its classes onto the scene's, merges overlapping masks by score and writes the scene's
 * segmenter maps (instance, semantic, confidence) and their keys in transforms.json.
 */
import type { ProgressFn } from '../../core/progress.ts';
import { SceneError } from '../errors.ts';
import { readScene } from '../read-scene.ts';
import { type Frame, type Scene, VOID_LABEL } from '../scene.ts';
import { sceneToJson, writeTransforms } from '../write-scene.ts';
import { openBinary } from './binary.ts';
import { ClassResolver, readClassMap } from './class-map.ts';
import { openCocoInstance } from './coco-instance.ts';
import { addMetaFile, emptyMeta } from './coco-meta.ts';
import { openCocoPanoptic } from './coco-panoptic.ts';
import { type ClassedMask, mergeMasks, type SegmenterMaps } from './merge.ts';
import { openSam } from './sam.ts';
import type { MaskSource, ViewMasks } from './source.ts';
import { StagedMaps } from './write.ts';

/** The segmenter output formats `clift masks import` reads. */
export const MASK_FORMATS = ['coco-panoptic', 'coco-instance', 'sam', 'binary'] as const;
export type MaskFormat = (typeof MASK_FORMATS)[number];

/** Options of importMasks. */
export interface ImportOptions {
  format: MaskFormat;
  /** The segmenter's output: a JSON file (COCO formats) or a folder (sam, binary). */
  input: string;
  classMap?: string;
  /** A COCO JSON whose `categories` / `images` name category and image ids. */
  meta?: string;
  /** Masks scoring below this are dropped. */
  minScore: number;
  /** Write empty maps for frames without predictions instead of refusing. */
  allowMissing: boolean;
  onProgress?: ProgressFn;
}

/** What an import did. */
export interface ImportResult {
  frames: number;
  masks: number;
  instances: number;
  belowScore: number;
  dropped: number;
  hidden: number;
  /** Frames written empty (only with allowMissing). */
  missing: string[];
  /** Prediction names that matched no frame. */
  unused: string[];
}

/** Opens a segmenter output of the given format. */
export function openSource(format: MaskFormat, input: string, meta?: string): MaskSource {
  const tables = emptyMeta();
  if (meta !== undefined) addMetaFile(tables, meta);
  if (format === 'coco-panoptic') return openCocoPanoptic(input, tables);
  if (format === 'coco-instance') return openCocoInstance(input, tables);
  if (format === 'sam') return openSam(input);
  return openBinary(input);
}

/** A few names for a message: the first `k`, then how many more. */
function some(names: readonly string[], k = 5): string {
  const head = names.slice(0, k).join(', ');
  return names.length > k ? `${head}, … ${names.length - k} more` : head;
}

/** Each frame's prediction name: its stem, or for a numeric stem the number ("0003" ↔ image id 3). */
export function matchFrames(frames: readonly Frame[], names: readonly string[]): Map<Frame, string | null> {
  const known = new Set(names);
  const out = new Map<Frame, string | null>();
  for (const f of frames) {
    const numeric = /^\d+$/.test(f.stem) ? String(Number(f.stem)) : null;
    out.set(f, known.has(f.stem) ? f.stem : numeric !== null && known.has(numeric) ? numeric : null);
  }
  return out;
}

function refuseMissing(input: string, missing: string[], total: number, names: string[]): never {
  const seen = names.length > 0 ? `; its views are named like ${some(names, 3)}` : '; it holds no views';
  throw new SceneError(
    input,
    'views',
    `no masks for ${missing.length} of ${total} frames (${some(missing)})${seen}; frames are matched by image file stem, --allow-missing writes empty maps for them`,
  );
}

/** The empty maps of a frame without predictions: no instances, void classes, zero confidence. */
function emptyMaps(n: number): SegmenterMaps {
  return {
    instance: new Uint16Array(n),
    semantic: new Uint16Array(n).fill(VOID_LABEL),
    confidence: new Float32Array(n),
  };
}

/** What merging one view needs: the class resolver, the score floor, the uncovered class, the running counts. */
interface ViewEnv {
  resolver: ClassResolver;
  minScore: number;
  uncovered: number;
  result: ImportResult;
}

/** One view's maps from its masks: weak ones dropped, classes resolved, overlaps merged by score. */
function importView(view: ViewMasks, n: number, env: ViewEnv): SegmenterMaps {
  const classed: ClassedMask[] = [];
  for (const m of view.masks) {
    env.result.masks++;
    if (m.score < env.minScore) {
      env.result.belowScore++;
      continue;
    }
    const cls = env.resolver.resolve(m.label, view.file);
    if (cls === null) env.result.dropped++;
    else classed.push({ pixels: m.pixels, score: m.score, cls });
  }
  const merged = mergeMasks(classed, n, env.uncovered, 1, view.file);
  env.result.instances += merged.counts.instances;
  env.result.hidden += merged.counts.hidden;
  return merged.maps;
}

/** Imports a segmenter's masks into a scene; on any error nothing in the scene is changed. */
export async function importMasks(sceneDir: string, opts: ImportOptions): Promise<ImportResult> {
  const scene: Scene = readScene(sceneDir);
  const resolver = new ClassResolver(
    scene.classes,
    opts.classMap ? readClassMap(opts.classMap, scene.classes) : null,
  );
  const source = openSource(opts.format, opts.input, opts.meta);
  const match = matchFrames(scene.frames, source.names);
  const missing = scene.frames.filter((f) => match.get(f) === null).map((f) => f.stem);
  if (missing.length > 0 && !opts.allowMissing)
    refuseMissing(opts.input, missing, scene.frames.length, source.names);
  const used = new Set(match.values());
  const uncovered =
    source.uncovered === 'void' ? VOID_LABEL : (scene.classes.find((c) => !c.thing)?.id ?? VOID_LABEL);
  const result: ImportResult = {
    frames: scene.frames.length,
    masks: 0,
    instances: 0,
    belowScore: 0,
    dropped: 0,
    hidden: 0,
    missing: opts.allowMissing ? missing : [],
    unused: source.names.filter((n) => !used.has(n)),
  };
  const env: ViewEnv = { resolver, minScore: opts.minScore, uncovered, result };
  const staged = new StagedMaps(scene.dir);
  try {
    opts.onProgress?.(0, scene.frames.length);
    for (const frame of scene.frames) {
      const { w, h } = frame.intrinsics;
      const name = match.get(frame)!;
      const maps =
        name === null
          ? emptyMaps(w * h)
          : importView(source.read(name, { stem: frame.stem, w, h }), w * h, env);
      Object.assign(frame.maps, staged.write(frame.stem, w, h, maps));
      opts.onProgress?.(frame.index + 1, scene.frames.length, frame.stem);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    staged.commit();
  } catch (e) {
    staged.abort();
    throw e;
  }
  writeTransforms(scene.dir, sceneToJson(scene));
  return result;
}

/**
 * `clift segment2d --onnx`: runs a user's exported instance-segmentation model (onnxruntime-node) on every
 * view of a scene and writes the 2D segmenter maps; nothing is written unless every view succeeded.
 */
import { join } from 'node:path';
import type { ProgressFn } from '../core/progress.ts';
import { readRgb } from '../data/maps.ts';
import { encodeSegmenterMaps, segmenterPaths } from '../data/masks/write.ts';
import { writeFileAtomic } from '../data/png.ts';
import { readScene } from '../data/read-scene.ts';
import { type Frame, VOID_LABEL } from '../data/scene.ts';
import { sceneToJson, writeTransforms } from '../data/write-scene.ts';
import { labelClasses, readClassMap } from './onnx-class-map.ts';
import { composeDetections } from './onnx-compose.ts';
import { checkModelIo, type ModelInput, readDetections } from './onnx-contract.ts';
import { resizeBilinear } from './onnx-resize.ts';
import { loadOnnxRuntime, type OrtModule, type OrtSession, openModel, ortReason } from './onnx-runtime.ts';

/** How input pixels are scaled: x = (rgb / 255 · scale − mean) / std per channel. */
export interface InputNormalisation {
  scale: 1 | 255;
  mean: [number, number, number];
  std: [number, number, number];
}

/** Options of runOnnxSegmenter. */
export interface OnnxSegmenterOptions {
  model: string;
  /** Square input side for models with a free input size (default: each frame's own size). */
  inputSize?: number;
  scoreThreshold: number;
  maskThreshold: number;
  classMap?: string;
  normalisation: InputNormalisation;
  onProgress?: ProgressFn;
  /** Module to import instead of onnxruntime-node (tests of the missing-runtime error). */
  runtime?: string;
}

/** What a run wrote. */
export interface OnnxSegmenterSummary {
  views: number;
  instances: number;
}

/** The input size for a frame: the model's fixed size, else --input-size, else the frame's. */
function inputSize(input: ModelInput, opts: OnnxSegmenterOptions, frame: Frame): { w: number; h: number } {
  if (input.fixed) return input.fixed;
  if (opts.inputSize !== undefined) return { w: opts.inputSize, h: opts.inputSize };
  return { w: frame.intrinsics.w, h: frame.intrinsics.h };
}

/** A frame's RGB, resized bilinearly to w×h and normalised, as planar float32 [3, h, w]. */
export function imageTensorData(
  rgb: Uint8Array,
  fw: number,
  fh: number,
  w: number,
  h: number,
  norm: InputNormalisation,
): Float32Array {
  const out = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++) {
    const plane = resizeBilinear(rgb, fw, fh, w, h, 3, c);
    const k = norm.scale / 255;
    const mean = norm.mean[c]!;
    const std = norm.std[c]!;
    for (let i = 0; i < plane.length; i++) out[c * w * h + i] = (plane[i]! * k - mean) / std;
  }
  return out;
}

/** Refuses an --input-size that differs from the model's fixed input size. */
function checkInputSize(input: ModelInput, opts: OnnxSegmenterOptions): ModelInput {
  const { fixed } = input;
  if (fixed && opts.inputSize !== undefined && (fixed.w !== opts.inputSize || fixed.h !== opts.inputSize)) {
    throw new Error(
      `--input-size ${opts.inputSize}: the model's input "${input.name}" is fixed at ${fixed.w}×${fixed.h} (${opts.model})`,
    );
  }
  return input;
}

/** Runs the model on one frame and returns its output tensors. */
async function infer(
  ort: OrtModule,
  session: OrtSession,
  input: ModelInput,
  rgb: Uint8Array,
  frame: Frame,
  opts: OnnxSegmenterOptions,
) {
  const { w, h } = inputSize(input, opts, frame);
  const data = imageTensorData(rgb, frame.intrinsics.w, frame.intrinsics.h, w, h, opts.normalisation);
  try {
    return await session.run({ [input.name]: new ort.Tensor('float32', data, [1, 3, h, w]) });
  } catch (e) {
    throw new Error(
      `${opts.model}: the model failed on view ${frame.stem} (input ${w}×${h}): ${ortReason(e)}`,
    );
  }
}

/**
 * Runs the model on every frame of a scene, then writes `segments/{instance,semantic,confidence}/<stem>.png`
 * and their paths in transforms.json (keeping all other keys).
 */
export async function runOnnxSegmenter(
  sceneDir: string,
  opts: OnnxSegmenterOptions,
): Promise<OnnxSegmenterSummary> {
  const scene = readScene(sceneDir);
  const map = opts.classMap === undefined ? null : readClassMap(opts.classMap, scene.classes);
  const classOf = labelClasses(scene, map);
  const background = scene.classes.find((c) => !c.thing)?.id ?? VOID_LABEL;
  const ort = await loadOnnxRuntime(opts.runtime);
  const session = await openModel(ort, opts.model);
  const files: [string, Uint8Array][] = [];
  let instances = 0;
  try {
    const input = checkInputSize(checkModelIo(session, opts.model), opts);
    const total = scene.frames.length;
    opts.onProgress?.(0, total);
    for (const frame of scene.frames) {
      const { w, h } = frame.intrinsics;
      const outputs = await infer(ort, session, input, readRgb(scene, frame), frame, opts);
      const det = readDetections(outputs, `${opts.model}: view ${frame.stem}: output`);
      const view = composeDetections(det, w, h, { ...opts, classOf, background });
      instances += view.instances;
      files.push(...encodeSegmenterMaps(frame.stem, w, h, view));
      opts.onProgress?.(frame.index + 1, total, frame.stem);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await session.release();
  }
  for (const [rel, bytes] of files) writeFileAtomic(join(scene.dir, rel), bytes);
  for (const frame of scene.frames) Object.assign(frame.maps, segmenterPaths(frame.stem));
  writeTransforms(scene.dir, sceneToJson(scene));
  return { views: scene.frames.length, instances };
}

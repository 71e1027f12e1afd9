/**
 * Converts a folder of RGB-D frames (frame-NNNNNN.color.jpg / .depth.png / .pose.txt and camera-intrinsics.txt,
 * the layout of 7-Scenes-style captures) to a clift scene, optionally every n-th frame and at a reduced size.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SceneError } from '../errors.ts';
import { percentileBox } from '../percentile-box.ts';
import { type Image, writeRgb8 } from '../png.ts';
import { fitSize, resizeArea, resizeDepthMedian, resizeIntrinsics } from '../resample.ts';
import type { Intrinsics, Split } from '../scene.ts';
import { writeTransforms } from '../write-scene.ts';
import {
  BACKGROUND_OBJECT_CLASSES,
  type ConvertOptions,
  type ConvertResult,
  checkMapShape,
  checkOutDir,
  checkPose,
  copyInto,
  loadColor,
  loadImage,
  type OutFrame,
  openCvToOpenGl,
  pinhole,
  readTextMatrix,
  requireDir,
  transformsJson,
  writeMap,
} from './common.ts';

/** Options of the RGB-D converter. */
export interface RgbdOptions extends ConvertOptions {
  /** Keep every `stride`-th frame of the sorted frame list (default 1: all). */
  stride?: number;
  /** Larger image side of the output in pixels (default: the source size). */
  size?: number;
  /** Every `testEvery`-th kept frame (the middle one of each group) goes to the test split; 0 = none (default 5). */
  testEvery?: number;
  /** Write no depth maps (an RGB-only scene); the scene box still comes from the depth readings. */
  noDepth?: boolean;
}

/** The sensor's "no reading" value in the source depth PNGs. */
const NO_READING = 65535;
/** Percentiles of the back-projected depth points that bound the scene box, and the padding added around them. */
const BOX_LOW = 0.01;
const BOX_HIGH = 0.99;
const BOX_PAD = 0.05;
/** Depth points sampled per frame for the scene box. */
const BOX_SAMPLES = 2000;

const FRAME_RE = /^(frame-\d+)\.color\.(jpg|jpeg|png)$/i;

/** Reads camera-intrinsics.txt: a 3×3 pinhole K with integer pixel centres (OpenCV), no skew. */
function readK(path: string): { fx: number; fy: number; cx: number; cy: number } {
  const K = readTextMatrix(path, 'camera-intrinsics', 3, 3);
  const fx = K[0]!;
  const fy = K[4]!;
  if (!(fx > 0) || !(fy > 0))
    throw new SceneError(path, 'camera-intrinsics', 'focal lengths must be positive');
  if (K[1] !== 0 || K[3] !== 0 || K[6] !== 0 || K[7] !== 0 || K[8] !== 1) {
    throw new SceneError(
      path,
      'camera-intrinsics',
      'must be [[fx, 0, cx], [0, fy, cy], [0, 0, 1]] (no skew)',
    );
  }
  return { fx, fy, cx: K[2]!, cy: K[5]! };
}

/** Frame stems (frame-NNNNNN) with their colour file names, in frame-number order. */
function listFrames(dir: string): { stem: string; file: string }[] {
  const out: { stem: string; file: string; n: number }[] = [];
  for (const file of readdirSync(dir)) {
    const m = FRAME_RE.exec(file);
    if (m) out.push({ stem: m[1]!, file, n: Number(m[1]!.slice(6)) });
  }
  out.sort((a, b) => a.n - b.n);
  return out;
}

/** The split of the k-th kept frame: the middle frame of every group of `every` is a test frame. */
export function rgbdSplit(k: number, every: number): Split {
  return every > 0 && k % every === Math.floor(every / 2) ? 'test' : 'train';
}

/** Lower and upper percentile of each axis of the points, padded by BOX_PAD of the extent (null below 10 points). */
function robustBox(points: number[][]): [[number, number, number], [number, number, number]] | null {
  if (points.length < 10) return null;
  return percentileBox(Float64Array.from(points.flat()), {
    low: BOX_LOW,
    high: BOX_HIGH,
    pad: BOX_PAD,
    minPad: 1e-3,
  });
}

/** World points (OpenCV pose, metres) of a regular sample of the valid depth pixels of one view. */
function samplePoints(depth: Uint16Array, intr: Intrinsics, c2wCv: Float64Array, out: number[][]): void {
  const step = Math.max(1, Math.floor(Math.sqrt((intr.w * intr.h) / BOX_SAMPLES)));
  for (let v = 0; v < intr.h; v += step) {
    for (let u = 0; u < intr.w; u += step) {
      const d = depth[v * intr.w + u]!;
      if (d === 0) continue;
      const z = d * 0.001;
      const x = ((u + 0.5 - intr.cx) / intr.fx) * z;
      const y = ((v + 0.5 - intr.cy) / intr.fy) * z;
      const m = c2wCv;
      out.push([0, 1, 2].map((r) => m[r * 4]! * x + m[r * 4 + 1]! * y + m[r * 4 + 2]! * z + m[r * 4 + 3]!));
    }
  }
}

/** A source depth PNG as uint16 millimetres with the sensor's 65535 (no reading) turned into 0. */
function loadDepth(path: string, w: number, h: number): Uint16Array {
  const img = loadImage(path, 'depth');
  checkMapShape(path, 'depth', w, h, img.channels, img.width, img.height);
  if (img.depth !== 16) throw new SceneError(path, 'depth', 'must be a 16-bit PNG (millimetres)');
  return Uint16Array.from(img.data, (d) => (d === NO_READING ? 0 : d));
}

function checkInt(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) {
    throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
  }
}

/** Converts an RGB-D frame folder `inDir` into a clift scene folder `outDir` (images, depth, poses; no masks). */
export async function convertRgbd(
  inDir: string,
  outDir: string,
  opts: RgbdOptions = {},
): Promise<ConvertResult> {
  checkInt('stride', opts.stride, 1);
  checkInt('size', opts.size, 8);
  checkInt('test-every', opts.testEvery, 0);
  const src = resolve(inDir);
  const out = resolve(outDir);
  checkOutDir(src, out);
  requireDir(src, 'capture folder');
  const kPath = join(src, 'camera-intrinsics.txt');
  const K = readK(kPath);
  const all = listFrames(src);
  if (all.length === 0) throw new SceneError(src, 'frames', 'no frame-NNNNNN.color.jpg / .png files');
  const stride = opts.stride ?? 1;
  const kept = all.filter((_, i) => i % stride === 0);
  // Every kept frame needs a pose and a depth map; check them all before writing anything.
  for (const { stem } of kept) {
    for (const [suffix, field] of [
      ['pose.txt', 'pose'],
      ['depth.png', 'depth'],
    ] as const) {
      const p = join(src, `${stem}.${suffix}`);
      if (!existsSync(p)) throw new SceneError(p, field, `colour frame "${stem}" has no ${field} file`);
    }
  }
  const every = opts.testEvery ?? 5;
  const frames: OutFrame[] = [];
  const points: number[][] = [];
  let first: { width: number; height: number } | null = null;
  let camera: Intrinsics | null = null;
  for (const [k, { stem, file }] of kept.entries()) {
    opts.onProgress?.(k, kept.length, stem);
    const posePath = join(src, `${stem}.pose.txt`);
    const c2wCv = readTextMatrix(posePath, 'pose', 4, 4);
    // The pose files hold OpenCV camera-to-world matrices; clift wants OpenGL axes.
    const c2w = checkPose(posePath, 'pose', openCvToOpenGl(c2wCv));
    const colorPath = join(src, file);
    const img = loadColor(colorPath, first);
    first = { width: img.width, height: img.height };
    const depth = loadDepth(join(src, `${stem}.depth.png`), img.width, img.height);
    // Integer pixel centres (OpenCV) → the scene format's continuous coordinates: +0.5.
    const native = pinhole(K.fx, K.fy, K.cx + 0.5, K.cy + 0.5, img.width, img.height);
    const size = opts.size === undefined ? native : fitSize(img.width, img.height, opts.size);
    const intr = resizeIntrinsics(native, size.w, size.h);
    camera ??= intr;
    const resized = intr.w !== native.w || intr.h !== native.h;
    const d2 = resized ? resizeDepthMedian(depth, native.w, native.h, intr.w, intr.h) : depth;
    samplePoints(d2, intr, c2wCv, points);
    let filePath: string;
    if (resized) {
      const rgb = resizeArea(toRgb8(img), img.width, img.height, 3, intr.w, intr.h);
      filePath = `images/${stem}.png`;
      writeRgb8(join(out, filePath), intr.w, intr.h, rgb);
    } else {
      filePath = copyInto(colorPath, out, `images/${file}`);
    }
    const maps: Record<string, string> = {};
    if (!opts.noDepth) maps.depth_file_path = writeMap(out, `depth/${stem}.png`, intr.w, intr.h, d2);
    frames.push({ filePath, c2w, split: rgbdSplit(k, every), maps });
  }
  if (camera === null) throw new SceneError(src, 'frames', 'no frames');
  const extra: Record<string, unknown> = {};
  const box = robustBox(points);
  if (box) extra.aabb = box;
  writeTransforms(out, transformsJson(camera, BACKGROUND_OBJECT_CLASSES, frames, extra));
  opts.onProgress?.(kept.length, kept.length, 'done');
  const notes = [
    'no per-view masks: the scene has images, depth and poses only. Run `clift segment2d --method graph` ' +
      '(or bring masks) before training.',
  ];
  if (!box) notes.push('too few depth readings for a scene box: training will find one from the cameras');
  return { frames: frames.length, dir: out, notes };
}

/** An image as 8-bit RGB, 3 values a pixel (alpha dropped, grey expanded, 16-bit reduced). */
function toRgb8(img: Image): Uint8Array {
  const n = img.width * img.height;
  const c = img.channels;
  const div = img.depth === 16 ? 257 : 1;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.round(img.data[i * c + Math.min(k, c - 1)]! / div);
  }
  return out;
}

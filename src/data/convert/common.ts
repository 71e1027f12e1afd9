/** Shared pieces of the scene converters: class sets, pose flips, map writers and frame assembly. */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { ProgressFn } from '../../core/progress.ts';
import { SceneError } from '../errors.ts';
import { type Image, readImage, writeGray16 } from '../png.ts';
import { readPose } from '../read-scene.ts';
import { type Intrinsics, type SemanticClass, type Split, VOID_LABEL } from '../scene.ts';
import { intrinsicsToJson, matrixToJson } from '../write-scene.ts';

/** Options every converter accepts. */
export interface ConvertOptions {
  onProgress?: ProgressFn;
}

/** What a converter wrote: the frame count, the scene folder and notes for the user. */
export interface ConvertResult {
  frames: number;
  dir: string;
  notes: string[];
}

/** The reduced-ScanNet classes 1..21 with their thing flags (id 0 is void and is not listed). */
export const REDUCED_SCANNET_CLASSES: SemanticClass[] = [
  'wall',
  'floor',
  'cabinet',
  'bed',
  'chair',
  'sofa',
  'table',
  'door',
  'window',
  'counter',
  'shelves',
  'curtain',
  'ceiling',
  'refrigerator',
  'television',
  'person',
  'toilet',
  'sink',
  'lamp',
  'bag',
  'otherprop',
].map((name, i) => ({ id: i + 1, name, thing: [4, 5, 6, 14, 15, 16, 17, 18, 20].includes(i + 1) }));

/** The two-class set: background (stuff) and object (thing). */
export const BACKGROUND_OBJECT_CLASSES: SemanticClass[] = [
  { id: 0, name: 'background', thing: false },
  { id: 1, name: 'object', thing: true },
];

/** A folder that must exist, or a SceneError naming it. */
export function requireDir(path: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new SceneError(path, what, 'folder not found');
  }
}

/** A file that must exist, or a SceneError naming it. */
export function requireFile(path: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new SceneError(path, what, 'file not found');
}

/** Whether a folder exists. */
export function hasDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Stems of the files in `dir` with one of `exts`, sorted numerically when all are numbers, else by name. */
export function listStems(dir: string, exts: string[]): { stem: string; file: string }[] {
  const out = readdirSync(dir)
    .filter((f) => exts.includes(extname(f).toLowerCase()))
    .map((f) => ({ stem: f.slice(0, f.length - extname(f).length), file: f }));
  const numeric = out.every((e) => /^\d+$/.test(e.stem));
  out.sort((a, b) =>
    numeric ? Number(a.stem) - Number(b.stem) : a.stem < b.stem ? -1 : a.stem > b.stem ? 1 : 0,
  );
  return out;
}

/** Parses a whitespace-separated text matrix with at least rows×cols finite numbers. */
export function readTextMatrix(path: string, field: string, rows: number, cols: number): Float64Array {
  requireFile(path, field);
  const tokens = readFileSync(path, 'utf8')
    .trim()
    .split(/[\s,]+/)
    .filter((t) => t.length > 0);
  if (tokens.length < rows * cols) {
    throw new SceneError(path, field, `expected a ${rows}×${cols} matrix, found ${tokens.length} numbers`);
  }
  const m = new Float64Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) {
    const v = Number(tokens[i]);
    if (!Number.isFinite(v)) {
      throw new SceneError(
        path,
        field,
        `entry [${Math.floor(i / cols)}][${i % cols}] is "${tokens[i]}", not a finite number`,
      );
    }
    m[i] = v;
  }
  return m;
}

/** OpenCV camera-to-world (x right, y down, z forward) → OpenGL (x right, y up, −z forward): c2w · diag(1,−1,−1,1). */
export function openCvToOpenGl(c2w: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(c2w);
  for (let r = 0; r < 4; r++) {
    out[r * 4 + 1] = -c2w[r * 4 + 1]!;
    out[r * 4 + 2] = -c2w[r * 4 + 2]!;
  }
  return out;
}

/** Checks a converted pose is finite and rigid; errors name the source file. */
export function checkPose(file: string, field: string, c2w: Float64Array): Float64Array {
  return readPose(file, field, matrixToJson(c2w));
}

/** Decodes an image, or a SceneError naming it. */
export function loadImage(path: string, field: string): Image {
  requireFile(path, field);
  try {
    return readImage(path);
  } catch (e) {
    throw new SceneError(path, field, `cannot decode image (${(e as Error).message})`);
  }
}

/** Loads a frame's colour image, refusing one whose size differs from `first` (the scene's first image, if any). */
export function loadColor(path: string, first: { width: number; height: number } | null): Image {
  const img = loadImage(path, 'color');
  if (first && (img.width !== first.width || img.height !== first.height)) {
    throw new SceneError(
      path,
      'color',
      `image is ${img.width}×${img.height}, the first is ${first.width}×${first.height}`,
    );
  }
  return img;
}

/** A single-channel map at the expected size, as plain numbers; errors name the file. */
export function checkMapShape(
  path: string,
  field: string,
  width: number,
  height: number,
  channels: number,
  gotW: number,
  gotH: number,
): void {
  if (gotW !== width || gotH !== height) {
    throw new SceneError(path, field, `map is ${gotW}×${gotH} but the image is ${width}×${height}`);
  }
  if (channels !== 1) throw new SceneError(path, field, `must be single-channel, has ${channels} channels`);
}

/** Loads a single-channel PNG map of the given size. */
export function loadMap(path: string, field: string, width: number, height: number): ArrayLike<number> {
  const img = loadImage(path, field);
  checkMapShape(path, field, width, height, img.channels, img.width, img.height);
  return img.data;
}

/** Instance ids as uint16 (0 = none); non-integer, negative or too large ids are refused. */
export function toInstanceIds(
  path: string,
  field: string,
  src: ArrayLike<number>,
  width: number,
): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= 65535) {
      throw new SceneError(
        path,
        field,
        `pixel ${i % width},${Math.floor(i / width)} holds instance id ${v}, not an integer in 0..65534`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** Class ids as uint16, with `voidIds` mapped to VOID_LABEL and ids outside `known` refused. */
export function toSemanticIds(
  path: string,
  field: string,
  src: ArrayLike<number>,
  width: number,
  known: ReadonlySet<number>,
  voidIds: ReadonlySet<number>,
): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (voidIds.has(v)) out[i] = VOID_LABEL;
    else if (known.has(v)) out[i] = v;
    else {
      throw new SceneError(
        path,
        field,
        `pixel ${i % width},${Math.floor(i / width)} holds class id ${v}, which is not a known class`,
      );
    }
  }
  return out;
}

/** Copies a file into the scene folder, creating folders. */
export function copyInto(src: string, outDir: string, rel: string): string {
  const dst = join(outDir, rel);
  mkdirSync(dirname(dst), { recursive: true });
  copyFileSync(src, dst);
  return rel;
}

/** Writes a uint16 map into the scene folder and returns its relative path. */
export function writeMap(
  outDir: string,
  rel: string,
  width: number,
  height: number,
  data: Uint16Array,
): string {
  writeGray16(join(outDir, rel), width, height, data);
  return rel;
}

/** One frame of the output transforms.json. */
export interface OutFrame {
  filePath: string;
  c2w: Float64Array;
  split: Split;
  maps: Record<string, string>;
  intrinsics?: Intrinsics;
}

/** The transforms.json object of a converted scene. */
export function transformsJson(
  camera: Intrinsics,
  classes: SemanticClass[],
  frames: OutFrame[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const shared = intrinsicsToJson(camera);
  return {
    ...shared,
    depth_unit_scale_factor: 0.001,
    ...extra,
    semantic_classes: classes,
    frames: frames.map((f) => {
      const frame: Record<string, unknown> = {
        file_path: f.filePath,
        transform_matrix: matrixToJson(f.c2w),
        split: f.split,
        ...f.maps,
      };
      if (f.intrinsics) {
        const own = intrinsicsToJson(f.intrinsics);
        if (JSON.stringify(own) !== JSON.stringify(shared)) Object.assign(frame, own);
      }
      return frame;
    }),
  };
}

/** A pinhole camera. */
export function pinhole(fx: number, fy: number, cx: number, cy: number, w: number, h: number): Intrinsics {
  return { model: 'PINHOLE', fx, fy, cx, cy, w, h, k1: 0, k2: 0, p1: 0, p2: 0 };
}

/** Refuses converting a folder onto itself and removes a stale transforms.json from the output folder. */
export function checkOutDir(inDir: string, outDir: string): void {
  if (resolve(inDir) === resolve(outDir)) {
    throw new SceneError(outDir, '--out', 'the output folder must differ from the input folder');
  }
  // transforms.json is written last, so a conversion that fails midway never leaves a readable scene.
  rmSync(join(outDir, 'transforms.json'), { force: true });
}

/** Rotation matrix (row-major 3×3) of a quaternion given as w, x, y, z (normalised first). */
export function quaternionToMatrix(q: readonly number[]): number[] {
  const n = Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!);
  const [w, x, y, z] = [q[0]! / n, q[1]! / n, q[2]! / n, q[3]! / n];
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}

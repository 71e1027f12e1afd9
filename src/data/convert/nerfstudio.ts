/** Converts a nerfstudio / instant-ngp transforms.json capture (no segmentations, any lens model) to a clift scene. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { SceneError } from '../errors.ts';
import { readPose } from '../read-scene.ts';
import type { Intrinsics, Split } from '../scene.ts';
import { writeTransforms } from '../write-scene.ts';
import {
  BACKGROUND_OBJECT_CLASSES,
  type ConvertOptions,
  type ConvertResult,
  checkOutDir,
  copyInto,
  loadImage,
  loadMap,
  type OutFrame,
  pinhole,
  requireDir,
  requireFile,
  transformsJson,
  writeMap,
} from './common.ts';
import { checkMaskOptions, importMasks, type MaskOptions, NO_MASKS_NOTE } from './masks.ts';

/** Options of the nerfstudio converter: optional folders of per-view masks named by image stem. */
export interface NerfstudioOptions extends ConvertOptions, MaskOptions {}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(file: string, field: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new SceneError(file, field, 'must be a finite number');
  return v;
}

/** Intrinsics from nerfstudio keys (fl_x…) or instant-ngp's camera_angle_x/y, falling back to `base`. */
function cameraOf(
  file: string,
  where: string,
  obj: Json,
  base: Partial<Intrinsics>,
  w: number,
  h: number,
): Intrinsics {
  const angleX = num(file, `${where}camera_angle_x`, obj.camera_angle_x);
  const angleY = num(file, `${where}camera_angle_y`, obj.camera_angle_y);
  const width = num(file, `${where}w`, obj.w) ?? base.w ?? w;
  const height = num(file, `${where}h`, obj.h) ?? base.h ?? h;
  let fx =
    num(file, `${where}fl_x`, obj.fl_x) ??
    (angleX !== undefined ? (0.5 * width) / Math.tan(angleX / 2) : base.fx);
  let fy =
    num(file, `${where}fl_y`, obj.fl_y) ??
    (angleY !== undefined ? (0.5 * height) / Math.tan(angleY / 2) : base.fy);
  if (fx === undefined && fy !== undefined) fx = fy;
  if (fy === undefined && fx !== undefined) fy = fx;
  if (fx === undefined || fy === undefined || !(fx > 0) || !(fy > 0)) {
    throw new SceneError(file, `${where}fl_x`, 'no usable focal length (fl_x / fl_y / camera_angle_x)');
  }
  const cx = num(file, `${where}cx`, obj.cx) ?? base.cx ?? width / 2;
  const cy = num(file, `${where}cy`, obj.cy) ?? base.cy ?? height / 2;
  return { ...pinhole(fx, fy, cx, cy, width, height), ...lensOf(file, where, obj, base) };
}

/** nerfstudio's distortion keys: k1–k4 radial (θ-polynomial for a fisheye), p1 p2 tangential. */
const LENS_KEYS = ['k1', 'k2', 'k3', 'k4', 'p1', 'p2'] as const;

/**
 * The lens of nerfstudio's `camera_model` and coefficients (each falling back to `base`): OPENCV_FISHEYE as is;
 * a perspective camera (OPENCV, PINHOLE or none named) becomes PINHOLE, OPENCV, or FULL_OPENCV when k3 is set.
 */
function lensOf(file: string, where: string, obj: Json, base: Partial<Intrinsics>): Partial<Intrinsics> {
  const c = Object.fromEntries(
    LENS_KEYS.map((k) => [k, num(file, `${where}${k}`, obj[k]) ?? base[k] ?? 0]),
  ) as Record<(typeof LENS_KEYS)[number], number>;
  const declared = obj.camera_model ?? (base.model === 'OPENCV_FISHEYE' ? 'OPENCV_FISHEYE' : undefined);
  if (declared === 'OPENCV_FISHEYE') {
    for (const k of ['p1', 'p2'] as const)
      if (c[k] !== 0) throw new SceneError(file, `${where}${k}`, 'OPENCV_FISHEYE has no tangential terms');
    return { model: 'OPENCV_FISHEYE', k1: c.k1, k2: c.k2, k3: c.k3, k4: c.k4, p1: 0, p2: 0 };
  }
  if (
    declared !== undefined &&
    declared !== 'OPENCV' &&
    declared !== 'PINHOLE' &&
    declared !== 'SIMPLE_PINHOLE'
  ) {
    throw new SceneError(
      file,
      `${where}camera_model`,
      `${JSON.stringify(declared)} is not supported (clift reads PINHOLE, SIMPLE_PINHOLE, OPENCV and OPENCV_FISHEYE)`,
    );
  }
  if (c.k4 !== 0)
    throw new SceneError(file, `${where}k4`, 'a perspective camera with a radial r⁸ term is not supported');
  if (c.k3 !== 0)
    return { model: 'FULL_OPENCV', k1: c.k1, k2: c.k2, p1: c.p1, p2: c.p2, k3: c.k3, k4: 0, k5: 0, k6: 0 };
  const distorted = c.k1 !== 0 || c.k2 !== 0 || c.p1 !== 0 || c.p2 !== 0;
  return { model: distorted ? 'OPENCV' : 'PINHOLE', k1: c.k1, k2: c.k2, p1: c.p1, p2: c.p2 };
}

/** Resolves a frame's image path; NeRF-synthetic style paths may omit the extension. */
function imagePath(root: string, rel: string): string {
  const p = join(root, rel);
  if (existsSync(p)) return p;
  for (const ext of ['.png', '.jpg', '.jpeg', '.JPG', '.PNG']) if (existsSync(p + ext)) return p + ext;
  return p;
}

/** Splits named by nerfstudio's optional train_filenames / val_filenames / test_filenames lists, by image path. */
function listedSplits(file: string, root: string, json: Json): Map<string, Split> {
  const out = new Map<string, Split>();
  for (const split of ['train', 'val', 'test'] as const) {
    const list = json[`${split}_filenames`];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
      throw new SceneError(file, `${split}_filenames`, 'must be a list of image paths');
    }
    for (const name of list) out.set(resolve(root, name), split);
  }
  return out;
}

/** Converts a nerfstudio / instant-ngp capture in `inDir` into a clift scene folder `outDir`. */
export async function convertNerfstudio(
  inDir: string,
  outDir: string,
  opts: NerfstudioOptions = {},
): Promise<ConvertResult> {
  const src = resolve(inDir);
  const out = resolve(outDir);
  checkOutDir(src, out);
  requireDir(src, 'capture folder');
  const file = join(src, 'transforms.json');
  requireFile(file, 'transforms.json');
  checkMaskOptions(opts);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SceneError(file, 'transforms.json', `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json) || !Array.isArray(json.frames) || json.frames.length === 0) {
    throw new SceneError(file, 'frames', 'must be a non-empty array');
  }
  const list = json.frames;
  const listed = listedSplits(file, src, json);
  const notes: string[] = [];
  const stems = new Set<string>();
  const frames: OutFrame[] = [];
  let shared: Intrinsics | null = null;
  for (const [k, f] of list.entries()) {
    const where = `frames[${k}].`;
    opts.onProgress?.(k, list.length, `frame ${k}`);
    if (!isObject(f)) throw new SceneError(file, `frames[${k}]`, 'must be an object');
    if (typeof f.file_path !== 'string' || f.file_path.length === 0) {
      throw new SceneError(file, `${where}file_path`, 'missing: every frame needs an RGB image');
    }
    const imgPath = imagePath(src, f.file_path);
    const img = loadImage(imgPath, `${where}file_path`);
    const top = cameraOf(file, '', json, {}, img.width, img.height);
    const intr = cameraOf(file, where, f, top, img.width, img.height);
    if (img.width !== intr.w || img.height !== intr.h) {
      throw new SceneError(
        imgPath,
        `${where}file_path`,
        `image is ${img.width}×${img.height} but the camera is ${intr.w}×${intr.h}`,
      );
    }
    shared ??= intr;
    // Both formats already store OpenGL camera-to-world matrices, clift's convention.
    const c2w = readPose(file, `${where}transform_matrix`, f.transform_matrix);
    const ext = extname(imgPath);
    const stem = basename(imgPath, ext);
    if (stems.has(stem)) throw new SceneError(file, `${where}file_path`, `duplicate image name "${stem}"`);
    stems.add(stem);
    // nerfstudio names held-out images in top-level lists; a per-frame "split" key is honoured otherwise.
    const split: Split =
      listed.get(resolve(imgPath)) ??
      listed.get(resolve(src, f.file_path)) ??
      (f.split === 'val' || f.split === 'test' ? f.split : 'train');
    const maps: Record<string, string> = {};
    if (typeof f.depth_file_path === 'string') {
      const p = join(src, f.depth_file_path);
      const depth = loadMap(p, `${where}depth_file_path`, intr.w, intr.h);
      maps.depth_file_path = writeMap(out, `depth/${stem}.png`, intr.w, intr.h, Uint16Array.from(depth));
    }
    importMasks(opts, out, stem, intr.w, intr.h, maps);
    const filePath = copyInto(imgPath, out, `images/${stem}${ext}`);
    frames.push({ filePath, c2w, split, maps, intrinsics: intr });
  }
  if (opts.masks === undefined) notes.push(NO_MASKS_NOTE);
  const extra: Json = {};
  const scale = json.depth_unit_scale_factor ?? json.integer_depth_scale;
  if (typeof scale === 'number' && scale > 0) extra.depth_unit_scale_factor = scale;
  if (shared === null) throw new SceneError(file, 'frames', 'no frames');
  writeTransforms(out, transformsJson(shared, BACKGROUND_OBJECT_CLASSES, frames, extra));
  opts.onProgress?.(list.length, list.length, 'done');
  return { frames: frames.length, dir: out, notes };
}

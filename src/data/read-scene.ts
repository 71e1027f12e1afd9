/** Reads and validates a scene folder's transforms.json; refuses bad input with a SceneError. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { SceneError } from './errors.ts';
import {
  CAMERA_MODELS,
  DISTORTION_KEYS,
  type Frame,
  type Intrinsics,
  isCameraModel,
  MAP_KEYS,
  MODEL_COEFFICIENTS,
  type Scene,
  type SemanticClass,
  type Split,
} from './scene.ts';

const CAMERA_KEYS = ['fl_x', 'fl_y', 'cx', 'cy', 'w', 'h'] as const;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Fills the distortion coefficients of `intr.model` from `obj` (else from `base` when its model has the same key);
 * a missing one, or a non-zero one the model does not use, is refused.
 */
function readCoefficients(
  file: string,
  where: string,
  obj: Json,
  base: Intrinsics | null,
  intr: Intrinsics,
): void {
  const used = MODEL_COEFFICIENTS[intr.model];
  for (const key of DISTORTION_KEYS) {
    const v = obj[key];
    if (v !== undefined && !finiteNumber(v))
      throw new SceneError(file, `${where}${key}`, `must be a finite number, got ${JSON.stringify(v)}`);
    if (used.includes(key)) {
      const inherited = base && MODEL_COEFFICIENTS[base.model].includes(key) ? (base[key] ?? 0) : undefined;
      const value = v ?? inherited;
      if (value === undefined) {
        throw new SceneError(
          file,
          `${where}${key}`,
          `missing: camera_model "${intr.model}" needs ${used.join(', ')}`,
        );
      }
      intr[key] = value;
    } else if (v !== undefined && v !== 0) {
      throw new SceneError(
        file,
        `${where}${key}`,
        `is ${v}, but camera_model "${intr.model}" has no ${key} (it uses ${used.length > 0 ? used.join(', ') : 'no distortion coefficients'})`,
      );
    }
  }
}

/** Reads intrinsics from `obj`, falling back to `base` key by key; errors name `file` and the field. */
export function readIntrinsics(file: string, where: string, obj: Json, base: Intrinsics | null): Intrinsics {
  const get = (key: string, fallback: number | undefined): number => {
    const v = obj[key];
    if (v === undefined) {
      if (fallback === undefined) throw new SceneError(file, `${where}${key}`, 'missing camera value');
      return fallback;
    }
    if (!finiteNumber(v))
      throw new SceneError(file, `${where}${key}`, `must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  };
  const model = obj.camera_model ?? base?.model ?? 'PINHOLE';
  if (!isCameraModel(model)) {
    throw new SceneError(
      file,
      `${where}camera_model`,
      `must be one of ${CAMERA_MODELS.map((m) => `"${m}"`).join(', ')}, got ${JSON.stringify(model)}`,
    );
  }
  const intr: Intrinsics = {
    model,
    fx: get('fl_x', base?.fx),
    fy: get('fl_y', base?.fy),
    cx: get('cx', base?.cx),
    cy: get('cy', base?.cy),
    w: get('w', base?.w),
    h: get('h', base?.h),
    k1: 0,
    k2: 0,
    p1: 0,
    p2: 0,
  };
  readCoefficients(file, where, obj, base, intr);
  if (!Number.isInteger(intr.w) || intr.w <= 0)
    throw new SceneError(file, `${where}w`, 'must be a positive integer');
  if (!Number.isInteger(intr.h) || intr.h <= 0)
    throw new SceneError(file, `${where}h`, 'must be a positive integer');
  if (intr.fx <= 0) throw new SceneError(file, `${where}fl_x`, 'must be positive');
  if (intr.fy <= 0) throw new SceneError(file, `${where}fl_y`, 'must be positive');
  // A principal point more than an image size outside the image is a unit or convention mistake, not a crop.
  if (intr.cx < -intr.w || intr.cx > 2 * intr.w)
    throw new SceneError(file, `${where}cx`, `${intr.cx} lies far outside the image (w ${intr.w})`);
  if (intr.cy < -intr.h || intr.cy > 2 * intr.h)
    throw new SceneError(file, `${where}cy`, `${intr.cy} lies far outside the image (h ${intr.h})`);
  return intr;
}

/**
 * Largest deviation of RᵀR from the identity a pose may have: float32 round-off is ~1e-7, while a pose scaled by
 * 1.004 (a scale hidden in the rotation) deviates by 0.008 and must be refused.
 */
export const ROTATION_TOLERANCE = 2e-3;

/** Reads a camera-to-world matrix, checking it is finite, rigid (orthonormal rotation, det +1) and affine. */
export function readPose(file: string, field: string, v: unknown): Float64Array {
  if (!Array.isArray(v) || v.length !== 4 || !v.every((r) => Array.isArray(r) && r.length === 4)) {
    throw new SceneError(file, field, 'must be a 4×4 array of numbers');
  }
  const m = new Float64Array(16);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const x = (v[r] as unknown[])[c];
      if (!finiteNumber(x)) throw new SceneError(file, field, `entry [${r}][${c}] is not a finite number`);
      m[r * 4 + c] = x;
    }
  }
  const tol = 1e-3;
  if (
    Math.abs(m[12]!) > tol ||
    Math.abs(m[13]!) > tol ||
    Math.abs(m[14]!) > tol ||
    Math.abs(m[15]! - 1) > tol
  ) {
    throw new SceneError(file, field, 'last row must be [0, 0, 0, 1]');
  }
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let dot = 0;
      for (let k = 0; k < 3; k++) dot += m[k * 4 + i]! * m[k * 4 + j]!;
      if (Math.abs(dot - (i === j ? 1 : 0)) > ROTATION_TOLERANCE) {
        throw new SceneError(
          file,
          field,
          'rotation part is not orthonormal (non-rigid or non-invertible pose)',
        );
      }
    }
  }
  const det =
    m[0]! * (m[5]! * m[10]! - m[6]! * m[9]!) -
    m[1]! * (m[4]! * m[10]! - m[6]! * m[8]!) +
    m[2]! * (m[4]! * m[9]! - m[5]! * m[8]!);
  if (det < 0)
    throw new SceneError(file, field, 'rotation part has determinant −1 (a reflection, not a pose)');
  return m;
}

function readClasses(file: string, v: unknown): SemanticClass[] {
  if (v === undefined) {
    return [
      { id: 0, name: 'background', thing: false },
      { id: 1, name: 'object', thing: true },
    ];
  }
  if (!Array.isArray(v) || v.length === 0)
    throw new SceneError(file, 'semantic_classes', 'must be a non-empty array');
  const seen = new Set<number>();
  return v.map((c, i) => {
    const field = `semantic_classes[${i}]`;
    if (!isObject(c)) throw new SceneError(file, field, 'must be an object {id, name, thing}');
    if (!Number.isInteger(c.id) || (c.id as number) < 0 || (c.id as number) >= 65535) {
      throw new SceneError(file, `${field}.id`, 'must be an integer in 0..65534');
    }
    if (typeof c.name !== 'string') throw new SceneError(file, `${field}.name`, 'must be a string');
    if (typeof c.thing !== 'boolean') throw new SceneError(file, `${field}.thing`, 'must be true or false');
    if (seen.has(c.id as number)) throw new SceneError(file, `${field}.id`, `duplicate class id ${c.id}`);
    seen.add(c.id as number);
    return { id: c.id as number, name: c.name, thing: c.thing };
  });
}

/** Options for readScene. */
export interface ReadSceneOptions {
  /** Check that every referenced file exists (default true). */
  checkFiles?: boolean;
}

/** Reads `<dir>/transforms.json` into a Scene, or throws a SceneError naming the file and field. */
export function readScene(dir: string, options: ReadSceneOptions = {}): Scene {
  const checkFiles = options.checkFiles ?? true;
  const root = resolve(dir);
  const file = join(root, 'transforms.json');
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new SceneError(root, 'scene folder', 'does not exist or is not a folder');
  }
  if (!existsSync(file)) throw new SceneError(file, 'transforms.json', 'file not found');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SceneError(file, 'transforms.json', `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json)) throw new SceneError(file, 'transforms.json', 'top level must be an object');
  const classes = readClasses(file, json.semantic_classes);
  const depthScale = json.depth_unit_scale_factor ?? 0.001;
  if (!finiteNumber(depthScale) || depthScale <= 0) {
    throw new SceneError(file, 'depth_unit_scale_factor', 'must be a positive number');
  }
  let aabb: Scene['aabb'] = null;
  if (json.aabb !== undefined) {
    const a = json.aabb;
    if (
      !Array.isArray(a) ||
      a.length !== 2 ||
      !a.every((p) => Array.isArray(p) && p.length === 3 && p.every(finiteNumber))
    ) {
      throw new SceneError(file, 'aabb', 'must be [[xmin, ymin, zmin], [xmax, ymax, zmax]]');
    }
    aabb = [a[0] as [number, number, number], a[1] as [number, number, number]];
    if (aabb[0].some((v, i) => v >= aabb![1][i]!))
      throw new SceneError(file, 'aabb', 'min must be below max');
  }
  const hasSharedCamera = CAMERA_KEYS.some((k) => json[k] !== undefined);
  const shared = hasSharedCamera ? readIntrinsics(file, '', json, null) : null;
  if (!Array.isArray(json.frames) || json.frames.length === 0) {
    throw new SceneError(file, 'frames', 'must be a non-empty array');
  }
  const stems = new Set<string>();
  const frames: Frame[] = json.frames.map((f, index): Frame => {
    const where = `frames[${index}]`;
    if (!isObject(f)) throw new SceneError(file, where, 'must be an object');
    if (typeof f.file_path !== 'string' || f.file_path.length === 0) {
      throw new SceneError(file, `${where}.file_path`, 'missing: every frame needs an RGB image');
    }
    const overrides =
      CAMERA_KEYS.some((k) => f[k] !== undefined) || DISTORTION_KEYS.some((k) => f[k] !== undefined);
    const intrinsics =
      overrides || f.camera_model !== undefined || !shared
        ? readIntrinsics(file, `${where}.`, f, shared)
        : shared;
    const c2w = readPose(file, `${where}.transform_matrix`, f.transform_matrix);
    const split = (f.split ?? 'train') as Split;
    if (split !== 'train' && split !== 'val' && split !== 'test') {
      throw new SceneError(
        file,
        `${where}.split`,
        `must be "train", "val" or "test", got ${JSON.stringify(f.split)}`,
      );
    }
    const stem = basename(f.file_path, extname(f.file_path));
    if (stems.has(stem)) throw new SceneError(file, `${where}.file_path`, `duplicate frame stem "${stem}"`);
    stems.add(stem);
    const maps: Frame['maps'] = {};
    for (const key of MAP_KEYS) {
      const p = f[key];
      if (p === undefined || p === null) continue;
      if (typeof p !== 'string') throw new SceneError(file, `${where}.${key}`, 'must be a path string');
      maps[key] = p;
    }
    if (checkFiles) {
      for (const [key, p] of [['file_path', f.file_path] as const, ...Object.entries(maps)]) {
        const abs = join(root, p);
        if (!existsSync(abs)) throw new SceneError(abs, `${where}.${key}`, 'file not found');
      }
    }
    return { index, stem, filePath: f.file_path, c2w, split, intrinsics, maps, raw: f };
  });
  return { dir: root, transformsPath: file, classes, depthScale, aabb, frames, raw: json };
}

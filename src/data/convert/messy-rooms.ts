/** Converts the Messy Rooms release (color/, metadata.json, semantic|instance|detic_* .npy) to a clift scene. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SceneError } from '../errors.ts';
import { type NpyArray, readNpy } from '../npy.ts';
import { writeTransforms } from '../write-scene.ts';
import {
  BACKGROUND_OBJECT_CLASSES,
  type ConvertOptions,
  type ConvertResult,
  checkOutDir,
  checkPose,
  copyInto,
  hasDir,
  listStems,
  loadColor,
  loadMap,
  type OutFrame,
  pinhole,
  quaternionToMatrix,
  requireDir,
  requireFile,
  toInstanceIds,
  toSemanticIds,
  transformsJson,
  writeMap,
} from './common.ts';

const KNOWN = new Set([0, 1]);
const NO_VOID = new Set<number>();

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numberList(file: string, field: string, v: unknown, n: number): number[] {
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new SceneError(file, field, `must be a list of ${n} finite numbers`);
  }
  return v as number[];
}

function readMetadata(file: string): { K: number[]; positions: unknown[]; quaternions: unknown[] } {
  requireFile(file, 'metadata.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SceneError(file, 'metadata.json', `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json) || !isObject(json.camera))
    throw new SceneError(file, 'camera', 'missing camera object');
  const cam = json.camera;
  const Kraw = cam.K;
  if (!Array.isArray(Kraw) || Kraw.length !== 3)
    throw new SceneError(file, 'camera.K', 'must be a 3×3 matrix');
  const K = Kraw.flatMap((row, r) => numberList(file, `camera.K[${r}]`, row, 3));
  const positions = cam.positions ?? json.positions;
  const quaternions = cam.quaternions ?? json.quaternions;
  if (!Array.isArray(positions))
    throw new SceneError(file, 'camera.positions', 'must be a list of [x, y, z]');
  if (!Array.isArray(quaternions))
    throw new SceneError(file, 'camera.quaternions', 'must be a list of [w, x, y, z]');
  return { K, positions, quaternions };
}

/** A 2D (H, W) or (H, W, 1) .npy map, checked against the image size. */
function loadNpyMap(path: string, field: string, width: number, height: number): NpyArray {
  requireFile(path, field);
  const arr = readNpy(path);
  const s = arr.shape;
  const ok = (s.length === 2 || (s.length === 3 && s[2] === 1)) && s[0] === height && s[1] === width;
  if (!ok) {
    throw new SceneError(
      path,
      field,
      `shape (${s.join(', ')}) does not match the image (${height}, ${width})`,
    );
  }
  return arr;
}

/** Converts one Messy Rooms scene in `inDir` into a clift scene folder `outDir`. */
export async function convertMessyRooms(
  inDir: string,
  outDir: string,
  opts: ConvertOptions = {},
): Promise<ConvertResult> {
  const src = resolve(inDir);
  const out = resolve(outDir);
  checkOutDir(src, out);
  requireDir(src, 'scene folder');
  const colorDir = join(src, 'color');
  requireDir(colorDir, 'color');
  const metaFile = join(src, 'metadata.json');
  const meta = readMetadata(metaFile);
  // Frames are the sorted colour images; the i-th sorted frame uses the i-th camera entry.
  const colors = listStems(colorDir, ['.png', '.jpg', '.jpeg']);
  if (colors.length === 0) throw new SceneError(colorDir, 'color', 'no .png images');
  if (meta.positions.length < colors.length || meta.quaternions.length < colors.length) {
    const missing = colors[Math.min(meta.positions.length, meta.quaternions.length)]!;
    throw new SceneError(
      metaFile,
      'camera.positions',
      `${colors.length} color frames but only ${meta.positions.length} positions and ${meta.quaternions.length} quaternions (frame "${missing.stem}" has no pose)`,
    );
  }
  const has = {
    semantic: hasDir(join(src, 'detic_semantic')),
    instance: hasDir(join(src, 'detic_instance')),
    confidence: hasDir(join(src, 'detic_probabilities')),
    gtSemantic: hasDir(join(src, 'semantic')),
    gtInstance: hasDir(join(src, 'instance')),
    depth: hasDir(join(src, 'depth')),
  };
  const notes: string[] = [];
  if (!has.instance) notes.push('no detic_instance/ folder: the scene has no 2D instance masks to train on');
  // Test = the last 20 % of the sorted frames, as the release's loader and evaluation do.
  const firstTest = Math.floor(0.8 * colors.length);

  let width = 0;
  let height = 0;
  const frames: OutFrame[] = [];
  for (const [k, { stem, file }] of colors.entries()) {
    opts.onProgress?.(k, colors.length, stem);
    const colorPath = join(colorDir, file);
    const img = loadColor(colorPath, k === 0 ? null : { width, height });
    width = img.width;
    height = img.height;
    const t = numberList(metaFile, `camera.positions[${k}]`, meta.positions[k], 3);
    const q = numberList(metaFile, `camera.quaternions[${k}]`, meta.quaternions[k], 4);
    if (Math.hypot(...q) < 1e-9)
      throw new SceneError(metaFile, `camera.quaternions[${k}]`, 'zero quaternion');
    // The quaternion and position describe the camera in OpenGL axes (x right, y up, looking down −z),
    // which are clift's OpenGL axes: the release's loader right-multiplies [R|t] by diag(1,−1,−1,1) only to
    // reach OpenCV axes, so clift uses [R|t] unchanged.
    const R = quaternionToMatrix(q);
    const c2w = new Float64Array([
      R[0]!,
      R[1]!,
      R[2]!,
      t[0]!,
      R[3]!,
      R[4]!,
      R[5]!,
      t[1]!,
      R[6]!,
      R[7]!,
      R[8]!,
      t[2]!,
      0,
      0,
      0,
      1,
    ]);
    checkPose(metaFile, `camera.quaternions[${k}]`, c2w);
    const maps: Record<string, string> = {};
    const label = (folder: string, key: string, semantic: boolean, rel: string): Uint16Array => {
      const p = join(src, folder, `${stem}.npy`);
      const { data } = loadNpyMap(p, folder, width, height);
      const ids = semantic
        ? toSemanticIds(p, folder, data, width, KNOWN, NO_VOID)
        : toInstanceIds(p, folder, data, width);
      maps[key] = writeMap(out, rel, width, height, ids);
      return ids;
    };
    if (has.instance) label('detic_instance', 'instance_file_path', false, `segments/instance/${stem}.png`);
    const segSemantic = has.semantic
      ? label('detic_semantic', 'semantic_file_path', true, `segments/semantic/${stem}.png`)
      : null;
    if (has.confidence) {
      const p = join(src, 'detic_probabilities', `${stem}.npy`);
      const { data } = loadNpyMap(p, 'detic_probabilities', width, height);
      const conf = new Uint16Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (!Number.isFinite(v)) {
          throw new SceneError(
            p,
            'detic_probabilities',
            `pixel ${i % width},${Math.floor(i / width)} is not finite`,
          );
        }
        // As the release's training loader does, background pixels are fully trusted.
        conf[i] =
          segSemantic && segSemantic[i] === 0 ? 65535 : Math.round(Math.min(1, Math.max(0, v)) * 65535);
      }
      maps.confidence_file_path = writeMap(out, `segments/confidence/${stem}.png`, width, height, conf);
    }
    if (has.gtInstance) label('instance', 'gt_instance_file_path', false, `gt/instance/${stem}.png`);
    if (has.gtSemantic) label('semantic', 'gt_semantic_file_path', true, `gt/semantic/${stem}.png`);
    if (has.depth && existsSync(join(src, 'depth', `${stem}.png`))) {
      const p = join(src, 'depth', `${stem}.png`);
      maps.depth_file_path = writeMap(
        out,
        `depth/${stem}.png`,
        width,
        height,
        Uint16Array.from(loadMap(p, 'depth', width, height)),
      );
    }
    const filePath = copyInto(colorPath, out, `images/${file}`);
    frames.push({ filePath, c2w, split: k >= firstTest ? 'test' : 'train', maps });
  }
  // K is normalised by the image size with some negative entries: scale rows 0 and 1 by W and H and take
  // absolute values. The normalised principal point is in continuous image coordinates (the image spans [0, 1],
  // pixel u covers [u, u + 1)), which is the scene format's convention, so it is used as is — the release's
  // loader casts rays through integer pixel indices instead, half a pixel off the rendered geometry.
  const fx = Math.abs(meta.K[0]! * width);
  const fy = Math.abs(meta.K[4]! * height);
  const cx = Math.abs(meta.K[2]! * width);
  const cy = Math.abs(meta.K[5]! * height);
  if (!(fx > 0) || !(fy > 0)) throw new SceneError(metaFile, 'camera.K', 'focal lengths must be non-zero');
  writeTransforms(
    out,
    transformsJson(pinhole(fx, fy, cx, cy, width, height), BACKGROUND_OBJECT_CLASSES, frames),
  );
  opts.onProgress?.(colors.length, colors.length, 'done');
  return { frames: frames.length, dir: out, notes };
}

/** Converts Panoptic Lifting's processed scenes (color/, pose/, intrinsic/, m2f_*, rs_*) to a clift scene. */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { SceneError } from '../errors.ts';
import type { Split } from '../scene.ts';
import { writeTransforms } from '../write-scene.ts';
import {
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
  openCvToOpenGl,
  pinhole,
  REDUCED_SCANNET_CLASSES,
  readTextMatrix,
  requireDir,
  requireFile,
  toInstanceIds,
  toSemanticIds,
  transformsJson,
  writeMap,
} from './common.ts';

const KNOWN = new Set(REDUCED_SCANNET_CLASSES.map((c) => c.id));
/** Reduced-ScanNet id 0 is void: it becomes 65535 in the clift maps. */
const VOID_IDS = new Set([0]);

function readSplits(path: string): Map<string, Split> {
  const out = new Map<string, Split>();
  if (!existsSync(path)) return out;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SceneError(path, 'splits.json', `not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SceneError(path, 'splits.json', 'must be an object {"train": [...], "test": [...]}');
  }
  for (const [key, list] of Object.entries(json)) {
    if (key !== 'train' && key !== 'val' && key !== 'test') continue;
    if (!Array.isArray(list)) throw new SceneError(path, key, 'must be a list of frame names');
    for (const stem of list) out.set(String(stem), key);
  }
  return out;
}

/** Converts one of Panoptic Lifting's processed scenes in `inDir` into a clift scene folder `outDir`. */
export async function convertPanopticLifting(
  inDir: string,
  outDir: string,
  opts: ConvertOptions = {},
): Promise<ConvertResult> {
  const src = resolve(inDir);
  const out = resolve(outDir);
  checkOutDir(src, out);
  requireDir(src, 'scene folder');
  const colorDir = join(src, 'color');
  const poseDir = join(src, 'pose');
  requireDir(colorDir, 'color');
  requireDir(poseDir, 'pose');
  const intrFile = join(src, 'intrinsic', 'intrinsic_color.txt');
  requireFile(intrFile, 'intrinsic');
  // K is the top-left 3×3 of a 4×4 text matrix, in pixels at the colour images' native size.
  const K = readTextMatrix(intrFile, 'intrinsic_color', 4, 4);
  const fx = K[0]!;
  const fy = K[5]!;
  if (!(fx > 0) || !(fy > 0))
    throw new SceneError(intrFile, 'intrinsic_color', 'focal lengths must be positive');

  const colors = listStems(colorDir, ['.jpg', '.jpeg', '.png']);
  if (colors.length === 0) throw new SceneError(colorDir, 'color', 'no .jpg or .png images');
  const splits = readSplits(join(src, 'splits.json'));
  const notes: string[] = [];
  if (splits.size === 0) notes.push('no splits.json: every frame is marked "train"');
  const optional = {
    semantic: hasDir(join(src, 'm2f_semantics')),
    instance: hasDir(join(src, 'm2f_instance')),
    gtSemantic: hasDir(join(src, 'rs_semantics')),
    gtInstance: hasDir(join(src, 'rs_instance')),
    depth: hasDir(join(src, 'depth')),
  };
  if (!optional.instance)
    notes.push('no m2f_instance/ folder: the scene has no 2D instance masks to train on');
  if (!optional.semantic) notes.push('no m2f_semantics/ folder: the scene has no 2D semantic maps');

  // Every frame must have a pose; check the whole list before writing anything.
  for (const { stem } of colors) {
    const p = join(poseDir, `${stem}.txt`);
    if (!existsSync(p)) throw new SceneError(p, 'pose', `color frame "${stem}" has no pose file`);
  }

  let width = 0;
  let height = 0;
  const frames: OutFrame[] = [];
  for (const [k, { stem, file }] of colors.entries()) {
    opts.onProgress?.(k, colors.length, stem);
    const colorPath = join(colorDir, file);
    const img = loadColor(colorPath, k === 0 ? null : { width, height });
    width = img.width;
    height = img.height;
    const posePath = join(poseDir, `${stem}.txt`);
    // The pose files hold OpenCV camera-to-world matrices; clift wants OpenGL axes.
    const c2wCv = readTextMatrix(posePath, 'pose', 4, 4);
    const c2w = checkPose(posePath, 'pose', openCvToOpenGl(c2wCv));
    const maps: Record<string, string> = {};
    const label = (folder: string, key: string, semantic: boolean, rel: string): void => {
      const p = join(src, folder, `${stem}.png`);
      const data = loadMap(p, folder, width, height);
      const ids = semantic
        ? toSemanticIds(p, folder, data, width, KNOWN, VOID_IDS)
        : toInstanceIds(p, folder, data, width);
      maps[key] = writeMap(out, rel, width, height, ids);
    };
    if (optional.instance)
      label('m2f_instance', 'instance_file_path', false, `segments/instance/${stem}.png`);
    if (optional.semantic)
      label('m2f_semantics', 'semantic_file_path', true, `segments/semantic/${stem}.png`);
    if (optional.gtInstance) label('rs_instance', 'gt_instance_file_path', false, `gt/instance/${stem}.png`);
    if (optional.gtSemantic) label('rs_semantics', 'gt_semantic_file_path', true, `gt/semantic/${stem}.png`);
    if (optional.depth) {
      const p = join(src, 'depth', `${stem}.png`);
      const data = loadMap(p, 'depth', width, height);
      maps.depth_file_path = writeMap(out, `depth/${stem}.png`, width, height, Uint16Array.from(data));
    }
    const filePath = copyInto(colorPath, out, `images/${stem}${extname(file).toLowerCase()}`);
    frames.push({ filePath, c2w, split: splits.get(stem) ?? 'train', maps });
  }
  // The source casts rays through integer pixel indices (no half-pixel offset), while clift casts them
  // through pixel centres (u + 0.5, v + 0.5); shifting the principal point by +0.5 keeps every ray identical.
  const camera = pinhole(fx, fy, K[2]! + 0.5, K[6]! + 0.5, width, height);
  writeTransforms(out, transformsJson(camera, REDUCED_SCANNET_CLASSES, frames));
  opts.onProgress?.(colors.length, colors.length, 'done');
  return { frames: frames.length, dir: out, notes };
}

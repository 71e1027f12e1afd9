/** The views of a run: prediction id maps paired with the scene's photos, 2D segments and ground truth. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SceneError } from '../data/errors.ts';
import { readInstances, readRgb } from '../data/maps.ts';
import { readImage } from '../data/png.ts';
import type { Frame, Scene } from '../data/scene.ts';
import { iouTable } from '../eval/baselines/matching.ts';
import type { SegmentMatch, ViewCamera, ViewInfo, ViewKind, ViewObject } from './api-types.ts';

/** Where one view's images come from. */
export interface ViewSource {
  stem: string;
  width: number;
  height: number;
  /** prediction/instance/<stem>.png */
  instancePath: string;
  /** prediction/rgb/<stem>.png, when the prediction holds a render. */
  renderPath: string | null;
  /** The scene frame of the same stem, when there is a scene and it has one. */
  frame: Frame | null;
}

/** One view's pixels: the photo (or render) and the id maps over it. */
export interface ViewMaps {
  width: number;
  height: number;
  photo: Uint8Array;
  clift: Uint16Array;
  segmenter: Uint16Array | null;
  gt: Uint16Array | null;
}

/** Grey shown where a view has neither photo nor render. */
const NO_PHOTO = 96;

/** Reads a single-channel id PNG, checking its size when it is known; errors name the file and field. */
function readIdPng(path: string, field: string, size: { w: number; h: number } | null): Uint16Array {
  let img: ReturnType<typeof readImage>;
  try {
    img = readImage(path);
  } catch (e) {
    throw new SceneError(path, field, `cannot decode image (${(e as Error).message})`);
  }
  if (img.channels !== 1)
    throw new SceneError(path, field, `must be single-channel, has ${img.channels} channels`);
  if (size && (img.width !== size.w || img.height !== size.h)) {
    throw new SceneError(
      path,
      field,
      `image is ${img.width}×${img.height} but the view is ${size.w}×${size.h}`,
    );
  }
  return img.data instanceof Uint16Array ? img.data : Uint16Array.from(img.data);
}

/** The width and height of an image file. */
function imageSize(path: string, field: string): { w: number; h: number } {
  try {
    const img = readImage(path);
    return { w: img.width, h: img.height };
  } catch (e) {
    throw new SceneError(path, field, `cannot decode image (${(e as Error).message})`);
  }
}

/** The views of a prediction folder (one per prediction/instance/*.png), in scene frame order, then by name. */
export function listViews(predDir: string, scene: Scene | null): ViewSource[] {
  const dir = join(predDir, 'instance');
  if (!existsSync(dir)) return [];
  const frames = new Map(scene?.frames.map((f) => [f.stem, f]) ?? []);
  const stems = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .map((f) => basename(f, '.png'));
  const order = (stem: string): number => frames.get(stem)?.index ?? Number.MAX_SAFE_INTEGER;
  stems.sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  return stems.map((stem): ViewSource => {
    const frame = frames.get(stem) ?? null;
    const instancePath = join(dir, `${stem}.png`);
    const render = join(predDir, 'rgb', `${stem}.png`);
    const size = frame
      ? { w: frame.intrinsics.w, h: frame.intrinsics.h }
      : imageSize(instancePath, 'prediction instance map');
    return {
      stem,
      width: size.w,
      height: size.h,
      instancePath,
      renderPath: existsSync(render) ? render : null,
      frame,
    };
  });
}

/** The RGB of a render PNG (alpha dropped, grey expanded, 16-bit reduced). */
function readRender(path: string, w: number, h: number): Uint8Array {
  const img = readImage(path);
  if (img.width !== w || img.height !== h) {
    throw new SceneError(
      path,
      'prediction render',
      `image is ${img.width}×${img.height} but the view is ${w}×${h}`,
    );
  }
  const out = new Uint8Array(w * h * 3);
  const c = img.channels;
  const shift = img.depth === 16 ? 8 : 0;
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < 3; k++) out[i * 3 + k] = img.data[i * c + (c >= 3 ? k : 0)]! >> shift;
  }
  return out;
}

/** Loads one view's photo and id maps. */
export function readViewMaps(view: ViewSource, scene: Scene | null): ViewMaps {
  const { width: w, height: h, frame } = view;
  const clift = readIdPng(view.instancePath, 'prediction instance map', { w, h });
  const withScene = frame && scene ? { frame, scene } : null;
  const segmenter =
    withScene && frame?.maps.instance_file_path
      ? readInstances(withScene.scene, withScene.frame, 'instance_file_path')
      : null;
  const gt =
    withScene && frame?.maps.gt_instance_file_path
      ? readInstances(withScene.scene, withScene.frame, 'gt_instance_file_path')
      : null;
  let photo: Uint8Array;
  if (withScene && existsSync(join(withScene.scene.dir, withScene.frame.filePath))) {
    photo = readRgb(withScene.scene, withScene.frame);
  } else if (view.renderPath) {
    photo = readRender(view.renderPath, w, h);
  } else {
    photo = new Uint8Array(w * h * 3).fill(NO_PHOTO);
  }
  return { width: w, height: h, photo, clift, segmenter, gt };
}

/** The image kinds a view can be drawn as. */
export function viewKinds(maps: ViewMaps): ViewKind[] {
  const kinds: ViewKind[] = ['rgb', 'clift'];
  if (maps.segmenter) kinds.push('segmenter');
  if (maps.gt) kinds.push('gt');
  return kinds;
}

/** For each id > 0 of `ids`, the id > 0 of `other` it overlaps most (smallest id on ties) with its IoU. */
export function bestMatches(ids: Uint16Array, other: Uint16Array): Map<number, SegmentMatch> {
  const t = iouTable(ids, other);
  const out = new Map<number, SegmentMatch>();
  const C = t.cols.length;
  t.rows.forEach((id, r) => {
    // Columns ascend by id and only a strictly larger overlap wins, so ties go to the smallest id.
    let best = -1;
    let most = 0;
    for (let c = 0; c < C; c++) {
      if (t.inter[r * C + c]! > most) {
        most = t.inter[r * C + c]!;
        best = c;
      }
    }
    if (best >= 0) out.set(id, { id: t.cols[best]!, iou: t.iou[r * C + best]! });
  });
  return out;
}

/** The clift objects a view shows, with their pixel counts and best-overlapping 2D segment and GT id. */
export function viewObjects(maps: ViewMaps): ViewObject[] {
  const pixels = new Map<number, number>();
  for (const id of maps.clift) if (id > 0) pixels.set(id, (pixels.get(id) ?? 0) + 1);
  const seg = maps.segmenter ? bestMatches(maps.clift, maps.segmenter) : new Map<number, SegmentMatch>();
  const gt = maps.gt ? bestMatches(maps.clift, maps.gt) : new Map<number, SegmentMatch>();
  return [...pixels]
    .sort((a, b) => a[0] - b[0])
    .map(([id, count]) => ({ id, pixels: count, segmenter: seg.get(id) ?? null, gt: gt.get(id) ?? null }));
}

/** The camera of a scene frame in the form the page uses. */
export function viewCamera(frame: Frame): ViewCamera {
  const { h, fy } = frame.intrinsics;
  return { c2w: Array.from(frame.c2w), fovY: (2 * Math.atan(h / (2 * fy)) * 180) / Math.PI };
}

/** The JSON description of a view. */
export function viewInfo(view: ViewSource, maps: ViewMaps): ViewInfo {
  return {
    stem: view.stem,
    width: view.width,
    height: view.height,
    split: view.frame?.split ?? null,
    kinds: viewKinds(maps),
    objects: viewObjects(maps),
    camera: view.frame ? viewCamera(view.frame) : null,
  };
}

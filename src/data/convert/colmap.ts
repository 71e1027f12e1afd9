/**
 * Converts a COLMAP sparse model (cameras, images, points3D; text or binary) and its images to a clift scene:
 * world-to-camera OpenCV poses become camera-to-world OpenGL ones, every camera keeps its lens model, and the
 * scene box comes from the 3D points.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { SceneError } from '../errors.ts';
import { percentileBox } from '../percentile-box.ts';
import type { Intrinsics } from '../scene.ts';
import { writeTransforms } from '../write-scene.ts';
import { readCamerasBinary, readImagesBinary, readPointsBinary } from './colmap-binary.ts';
import { type ColmapModel, checkReferences, colmapCameraToWorld, colmapIntrinsics } from './colmap-model.ts';
import { readCamerasText, readImagesText, readPointsText } from './colmap-text.ts';
import {
  BACKGROUND_OBJECT_CLASSES,
  type ConvertOptions,
  type ConvertResult,
  checkOutDir,
  copyInto,
  loadImage,
  type OutFrame,
  requireDir,
  transformsJson,
} from './common.ts';
import { checkMaskOptions, importMasks, type MaskOptions, NO_MASKS_NOTE } from './masks.ts';

/** Options of the COLMAP converter: the image folder (default: found beside the model) and mask folders. */
export interface ColmapOptions extends ConvertOptions, MaskOptions {
  /** Folder the images' NAMEs are relative to. */
  images?: string;
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

/**
 * Reads the sparse model in `dir`: binary when cameras.bin and images.bin are there (COLMAP's own preference),
 * else text; points3D of the same format is optional. A folder with neither is refused, naming the files.
 */
export function readColmapModel(dir: string): ColmapModel {
  const bin = (n: string) => join(dir, `${n}.bin`);
  const txt = (n: string) => join(dir, `${n}.txt`);
  let model: ColmapModel;
  if (isFile(bin('cameras')) && isFile(bin('images'))) {
    const pointsFile = isFile(bin('points3D')) ? bin('points3D') : null;
    model = {
      format: 'binary',
      cameras: readCamerasBinary(bin('cameras')),
      images: readImagesBinary(bin('images')),
      points: pointsFile ? readPointsBinary(pointsFile) : new Float64Array(0),
      pointsFile,
    };
  } else if (isFile(txt('cameras')) && isFile(txt('images'))) {
    const pointsFile = isFile(txt('points3D')) ? txt('points3D') : null;
    model = {
      format: 'text',
      cameras: readCamerasText(txt('cameras')),
      images: readImagesText(txt('images')),
      points: pointsFile ? readPointsText(pointsFile) : new Float64Array(0),
      pointsFile,
    };
  } else {
    throw new SceneError(
      dir,
      'COLMAP model',
      'found neither cameras.bin + images.bin (+ points3D.bin) nor cameras.txt + images.txt (+ points3D.txt); ' +
        'COLMAP writes them to sparse/0 of its project',
    );
  }
  if (model.images.length === 0) throw new SceneError(dir, 'COLMAP model', 'the images file lists no images');
  checkReferences(model);
  return model;
}

/** The first `images` folder in the model folder or up to three levels above it (COLMAP: project/images). */
export function defaultImagesDir(modelDir: string): string | null {
  let dir = modelDir;
  for (let up = 0; up <= 3; up++) {
    const candidate = join(dir, 'images');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    dir = dirname(dir);
  }
  return null;
}

/** Fraction of the points left out at each end of each axis, and the padding added to the kept extent. */
const BOX_TAIL = 0.01;
const BOX_PAD = 0.05;

/** The box of the 1st–99th percentiles of the points on each axis, padded by 5 % of its extent; null without points. */
export function pointsBox(points: Float64Array): [[number, number, number], [number, number, number]] | null {
  return percentileBox(points, { low: BOX_TAIL, high: 1 - BOX_TAIL, pad: BOX_PAD, minPad: 1e-6 });
}

/** A frame's stem: the image NAME without extension, folders joined by "_" (so sub-folder images stay apart). */
function stemOf(name: string): string {
  return name.slice(0, name.length - extname(name).length).replace(/[\\/]+/g, '_');
}

/** Converts the COLMAP sparse model in `inDir` (and its images) into a clift scene folder `outDir`. */
export async function convertColmap(
  inDir: string,
  outDir: string,
  opts: ColmapOptions = {},
): Promise<ConvertResult> {
  const src = resolve(inDir);
  const out = resolve(outDir);
  checkOutDir(src, out);
  requireDir(src, 'COLMAP model folder');
  checkMaskOptions(opts);
  const imagesDir = opts.images !== undefined ? resolve(opts.images) : defaultImagesDir(src);
  if (imagesDir === null) {
    throw new SceneError(
      src,
      '--images',
      'no images/ folder in or up to three levels above it; name it with --images',
    );
  }
  requireDir(imagesDir, '--images');
  const model = readColmapModel(src);
  const notes: string[] = [];
  const images = [...model.images].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const intrinsics = new Map<number, Intrinsics>();
  const stems = new Set<string>();
  const frames: OutFrame[] = [];
  for (const [k, image] of images.entries()) {
    opts.onProgress?.(k, images.length, image.name);
    const cam = model.cameras.get(image.cameraId)!;
    const intr = intrinsics.get(cam.id) ?? colmapIntrinsics(cam);
    intrinsics.set(cam.id, intr);
    const stem = stemOf(image.name);
    if (stems.has(stem))
      throw new SceneError(
        image.file,
        image.where,
        `two images share the stem "${stem}" (from "${image.name}")`,
      );
    stems.add(stem);
    const imgPath = join(imagesDir, image.name);
    const img = loadImage(imgPath, `image ${image.id}`);
    if (img.width !== intr.w || img.height !== intr.h) {
      throw new SceneError(
        imgPath,
        `image ${image.id}`,
        `image is ${img.width}×${img.height} but its camera ${cam.id} (${cam.file}) is ${intr.w}×${intr.h}`,
      );
    }
    const maps: Record<string, string> = {};
    importMasks(opts, out, stem, intr.w, intr.h, maps);
    const filePath = copyInto(imgPath, out, `images/${stem}${extname(image.name).toLowerCase()}`);
    frames.push({ filePath, c2w: colmapCameraToWorld(image), split: 'train', maps, intrinsics: intr });
  }
  notes.push('COLMAP models have no train/test split: every frame is marked "train"');
  if (opts.masks === undefined) notes.push(NO_MASKS_NOTE);
  const aabb = pointsBox(model.points);
  if (aabb === null) notes.push('no 3D points (points3D): clift will take the scene box from the cameras');
  const json = transformsJson(
    frames[0]!.intrinsics!,
    BACKGROUND_OBJECT_CLASSES,
    frames,
    aabb ? { aabb } : {},
  );
  writeTransforms(out, json);
  opts.onProgress?.(images.length, images.length, 'done');
  return { frames: frames.length, dir: out, notes };
}

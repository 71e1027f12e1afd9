/** The prediction folder: `instance/<stem>.png` (uint16, ids consistent across views) and `semantic/<stem>.png`. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SceneError } from '../data/errors.ts';
import { readImage, writeGray16, writeRgb8 } from '../data/png.ts';
import type { Frame } from '../data/scene.ts';

/** One frame's predicted labels (and optional RGB render). */
export interface FramePrediction {
  instance: Uint16Array;
  semantic: Uint16Array;
  rgb?: Uint8Array;
}

/** Writes one frame's prediction into `dir`. */
export function writePrediction(dir: string, frame: Frame, pred: FramePrediction): void {
  const { w, h } = frame.intrinsics;
  writeGray16(join(dir, 'instance', `${frame.stem}.png`), w, h, pred.instance);
  writeGray16(join(dir, 'semantic', `${frame.stem}.png`), w, h, pred.semantic);
  if (pred.rgb) writeRgb8(join(dir, 'rgb', `${frame.stem}.png`), w, h, pred.rgb);
}

function readLabelMap(path: string, frame: Frame, what: string): Uint16Array {
  if (!existsSync(path)) throw new SceneError(path, what, `missing prediction for frame "${frame.stem}"`);
  const img = readImage(path);
  const { w, h } = frame.intrinsics;
  if (img.width !== w || img.height !== h) {
    throw new SceneError(
      path,
      what,
      `image is ${img.width}×${img.height} but frame "${frame.stem}" is ${w}×${h}`,
    );
  }
  if (img.channels !== 1) throw new SceneError(path, what, `must be single-channel, has ${img.channels}`);
  return img.data instanceof Uint16Array ? img.data : Uint16Array.from(img.data);
}

/** Reads one frame's prediction from `dir` (rgb only if present). */
export function readPrediction(dir: string, frame: Frame): FramePrediction {
  const instance = readLabelMap(join(dir, 'instance', `${frame.stem}.png`), frame, 'instance');
  const semantic = readLabelMap(join(dir, 'semantic', `${frame.stem}.png`), frame, 'semantic');
  const rgbPath = join(dir, 'rgb', `${frame.stem}.png`);
  if (!existsSync(rgbPath)) return { instance, semantic };
  const img = readImage(rgbPath);
  if (img.width !== frame.intrinsics.w || img.height !== frame.intrinsics.h || img.channels < 3) {
    throw new SceneError(rgbPath, 'rgb', `must be a ${frame.intrinsics.w}×${frame.intrinsics.h} RGB image`);
  }
  const rgb = new Uint8Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let k = 0; k < 3; k++)
      rgb[i * 3 + k] = img.data[i * img.channels + k]! >> (img.depth === 16 ? 8 : 0);
  }
  return { instance, semantic, rgb };
}

/**
 * A folder of per-object binary masks: `IN/<view stem>/<k>.png` or `IN/<view stem>/<k>_<class>.png` (k a
 * non-negative integer; a pixel is inside where any colour channel is non-zero), and optionally
 * `IN/<view stem>/scores.json` mapping mask file names to scores (default 1). Names starting with a dot are skipped.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadImage, requireDir } from '../convert/common.ts';
import { SceneError } from '../errors.ts';
import { asNumber, asObject, readJsonFile } from './json.ts';
import { maskPixels, type SourceMask } from './merge.ts';
import { type FrameSize, sizeError } from './segmentation.ts';
import type { MaskSource } from './source.ts';

/** The side file of a view folder with per-mask scores. */
export const SCORES_FILE = 'scores.json';

const MASK_NAME = /^(\d+)(?:_(.+))?\.png$/i;

/** A binary mask PNG as a row-major mask (1 where any colour channel is non-zero). */
function readMaskPng(path: string, frame: FrameSize): Uint8Array {
  const img = loadImage(path, 'binary mask');
  if (img.width !== frame.w || img.height !== frame.h)
    throw sizeError(path, 'binary mask', img.width, img.height, frame);
  const colours = img.channels >= 3 ? 3 : 1;
  const mask = new Uint8Array(frame.w * frame.h);
  for (let i = 0; i < mask.length; i++) {
    for (let c = 0; c < colours; c++) if (img.data[i * img.channels + c]! !== 0) mask[i] = 1;
  }
  return mask;
}

/** Reads the masks of one view folder. */
function readViewFolder(dir: string, frame: FrameSize): SourceMask[] {
  const names = readdirSync(dir).filter((f) => f !== SCORES_FILE && !f.startsWith('.'));
  const scoresPath = join(dir, SCORES_FILE);
  const scores = existsSync(scoresPath) ? asObject(readJsonFile(scoresPath), scoresPath, 'top level') : {};
  const entries = names.map((f) => {
    const m = MASK_NAME.exec(f);
    if (!m) throw new SceneError(join(dir, f), 'binary mask', 'file name must be <k>.png or <k>_<class>.png');
    return { f, k: Number(m[1]), cls: m[2] };
  });
  for (const key of Object.keys(scores)) {
    if (!names.includes(key))
      throw new SceneError(scoresPath, `"${key}"`, 'no mask file of that name in the folder');
  }
  entries.sort((a, b) => a.k - b.k || (a.f < b.f ? -1 : 1));
  return entries.map(({ f, cls }) => ({
    pixels: maskPixels(readMaskPng(join(dir, f), frame)),
    score: scores[f] === undefined ? 1 : asNumber(scores[f], scoresPath, `"${f}"`),
    label: cls === undefined ? {} : { name: cls },
  }));
}

/** Opens a folder of per-view folders of binary mask PNGs. */
export function openBinary(dir: string): MaskSource {
  requireDir(dir, 'binary mask folder');
  const views = readdirSync(dir)
    .filter((f) => !f.startsWith('.') && statSync(join(dir, f)).isDirectory())
    .sort();
  return {
    names: views,
    uncovered: 'background',
    read(name, frame) {
      const folder = join(dir, name);
      return { file: folder, masks: readViewFolder(folder, frame) };
    },
  };
}

/**
 * SAM automatic-mask-generator output: one JSON file per view, `<view stem>.json`, holding the generator's list
 * of masks, each with `segmentation` (RLE, compressed or not, or an h × w array of booleans), `predicted_iou` and
 * `stability_score` (`area`, `bbox` and the rest are not needed). A mask's score is predicted_iou ·
 * stability_score. SAM has no classes: every mask is of the class map's "*" entry (default: the first thing class).
 */
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { requireDir } from '../convert/common.ts';
import { asArray, asNumber, asObject, readJsonFile } from './json.ts';
import { maskPixels, type SourceMask } from './merge.ts';
import { decodeSegmentation, type FrameSize } from './segmentation.ts';
import { fileStem, type MaskSource } from './source.ts';

/** A SAM mask's score: predicted IoU times stability score. */
export function samScore(predictedIou: number, stabilityScore: number): number {
  return predictedIou * stabilityScore;
}

/** Opens a folder of SAM outputs, one `<stem>.json` per view. */
export function openSam(dir: string): MaskSource {
  requireDir(dir, 'SAM output folder');
  const files = readdirSync(dir)
    .filter((f) => extname(f).toLowerCase() === '.json')
    .sort();
  return {
    names: files.map(fileStem),
    uncovered: 'background',
    read(name, frame) {
      const file = join(dir, files.find((f) => fileStem(f) === name)!);
      return { file, masks: readSamFile(file, frame) };
    },
  };
}

/** Decodes one SAM JSON file into masks at the frame's size. */
export function readSamFile(file: string, frame: FrameSize): SourceMask[] {
  return asArray(readJsonFile(file), file, 'top level').map((entry, k) => {
    const o = asObject(entry, file, `[${k}]`);
    const iou = asNumber(o.predicted_iou, file, `[${k}].predicted_iou`);
    const stability = asNumber(o.stability_score, file, `[${k}].stability_score`);
    const mask = decodeSegmentation(o.segmentation, file, `[${k}].segmentation`, frame, 'binary');
    return { pixels: maskPixels(mask), score: samScore(iou, stability), label: {} };
  });
}

/** Per-view masks from folders of PNGs named by image stem (`--masks`, `--semantic-masks`), for captures without them. */
import { join, resolve } from 'node:path';
import { SceneError } from '../errors.ts';
import { loadMap, requireDir, toInstanceIds, toSemanticIds, writeMap } from './common.ts';

/** Folders of per-view masks, each PNG named by its image's stem. */
export interface MaskOptions {
  /** Folder of instance-mask PNGs (<stem>.png, 0 = no instance). */
  masks?: string;
  /** Folder of semantic-mask PNGs (<stem>.png, 0 = background, 1 = object); needs `masks`. */
  semanticMasks?: string;
}

/** The note of a converted capture that got no masks. */
export const NO_MASKS_NOTE =
  'no per-view masks: the scene has images and poses only. Add 2D instance masks (one PNG per image, ' +
  'named by image stem) with --masks DIR, or run a 2D segmenter on the scene, before training.';

/** Refuses mask folders that do not exist, and --semantic-masks without --masks. */
export function checkMaskOptions(opts: MaskOptions): void {
  if (opts.masks !== undefined) requireDir(resolve(opts.masks), '--masks');
  if (opts.semanticMasks !== undefined) {
    requireDir(resolve(opts.semanticMasks), '--semantic-masks');
    if (opts.masks === undefined)
      throw new SceneError(resolve(opts.semanticMasks), '--semantic-masks', 'needs --masks too');
  }
}

/**
 * Writes the instance and semantic maps of the view `stem` (w × h) from the mask folders into the scene folder
 * `out` and adds their paths to `maps`; without --semantic-masks every instance pixel is an object, the rest
 * background. Does nothing without --masks.
 */
export function importMasks(
  opts: MaskOptions,
  out: string,
  stem: string,
  w: number,
  h: number,
  maps: Record<string, string>,
): void {
  if (opts.masks === undefined) return;
  const p = join(resolve(opts.masks), `${stem}.png`);
  const inst = toInstanceIds(p, '--masks', loadMap(p, '--masks', w, h), w);
  maps.instance_file_path = writeMap(out, `segments/instance/${stem}.png`, w, h, inst);
  let sem: Uint16Array;
  if (opts.semanticMasks !== undefined) {
    const sp = join(resolve(opts.semanticMasks), `${stem}.png`);
    const raw = loadMap(sp, '--semantic-masks', w, h);
    sem = toSemanticIds(sp, '--semantic-masks', raw, w, new Set([0, 1]), new Set([255, 65535]));
  } else {
    sem = inst.map((v) => (v > 0 ? 1 : 0));
  }
  maps.semantic_file_path = writeMap(out, `segments/semantic/${stem}.png`, w, h, sem);
}

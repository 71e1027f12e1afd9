/**
 * One view's predicted masks, and merging them into the scene's non-overlapping maps: the higher-scored mask
 * wins each pixel, thing masks get instance ids 1, 2, … in order of score, stuff masks only set the class.
 */
import { SceneError } from '../errors.ts';
import type { SemanticClass } from '../scene.ts';
import type { SourceClass } from './class-map.ts';

/** One mask as a segmenter predicted it: its pixels (row-major indices), score and class. */
export interface SourceMask {
  pixels: Int32Array;
  score: number;
  label: SourceClass;
}

/** A mask with its scene class resolved. */
export interface ClassedMask {
  pixels: Int32Array;
  score: number;
  cls: SemanticClass;
}

/** The segmenter maps of one view, as the scene stores them. */
export interface SegmenterMaps {
  /** Instance ids, 0 = no instance. */
  instance: Uint16Array;
  /** Class ids (65535 = void). */
  semantic: Uint16Array;
  /** Per-pixel confidence in [0, 1]. */
  confidence: Float32Array;
}

/** What merging did with a view's masks. */
export interface MergeCounts {
  instances: number;
  stuff: number;
  /** Masks every pixel of which a higher-scored mask already took. */
  hidden: number;
}

/** The pixel indices (row-major) of a mask's non-zero entries. */
export function maskPixels(mask: ArrayLike<number>): Int32Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i] !== 0) out[k++] = i;
  return out;
}

/**
 * Merges a view's masks into one map: sorted by score (ties keep input order), each paints the pixels no
 * higher-scored mask took; confidence is the winning mask's score clamped to [0, 1]; uncovered pixels get class
 * `uncovered` and `uncoveredConfidence`.
 */
export function mergeMasks(
  masks: readonly ClassedMask[],
  n: number,
  uncovered: number,
  uncoveredConfidence: number,
  file: string,
): { maps: SegmenterMaps; counts: MergeCounts } {
  const instance = new Uint16Array(n);
  const semantic = new Uint16Array(n).fill(uncovered);
  const confidence = new Float32Array(n).fill(uncoveredConfidence);
  const taken = new Uint8Array(n);
  const order = masks.map((_, k) => k).sort((a, b) => masks[b]!.score - masks[a]!.score || a - b);
  const counts: MergeCounts = { instances: 0, stuff: 0, hidden: 0 };
  for (const k of order) {
    const m = masks[k]!;
    const free = m.pixels.filter((p) => taken[p] === 0);
    if (free.length === 0) {
      counts.hidden++;
      continue;
    }
    let id = 0;
    if (m.cls.thing) {
      if (counts.instances === 65535)
        throw new SceneError(file, 'masks', 'more than 65535 instances in one view');
      id = ++counts.instances;
    } else counts.stuff++;
    const conf = Math.min(1, Math.max(0, m.score));
    for (const p of free) {
      taken[p] = 1;
      instance[p] = id;
      semantic[p] = m.cls.id;
      confidence[p] = conf;
    }
  }
  return { maps: { instance, semantic, confidence }, counts };
}

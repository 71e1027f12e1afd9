/** Label maps of one frame as the metrics see them: semantic class and instance id per pixel. */
import { VOID_LABEL } from '../data/scene.ts';

/** Predicted and ground-truth labels of one frame (same length). */
export interface LabelPair {
  predSemantic: Uint16Array;
  predInstance: Uint16Array;
  gtSemantic: Uint16Array;
  gtInstance: Uint16Array;
}

/** Counts of pixels per class among pixels whose ground truth is not void. */
export function classCounts(frames: LabelPair[]): { pred: Float64Array; gt: Float64Array; total: number } {
  const pred = new Float64Array(65536);
  const gt = new Float64Array(65536);
  let total = 0;
  for (const f of frames) {
    for (let i = 0; i < f.gtSemantic.length; i++) {
      const g = f.gtSemantic[i]!;
      if (g === VOID_LABEL) continue;
      gt[g]!++;
      pred[f.predSemantic[i]!]!++;
      total++;
    }
  }
  return { pred, gt, total };
}

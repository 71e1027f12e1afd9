/** Mean IoU of semantic classes from one confusion matrix over all pooled non-void pixels. */
import { VOID_LABEL } from '../data/scene.ts';
import { classCounts, type LabelPair } from './labels.ts';

/** Per-class IoU (NaN where undefined or ignored) and their NaN-skipping mean, as fractions. */
export interface MiouResult {
  miou: number;
  perClass: Map<number, number>;
}

/** mIoU over `classIds`; a class below `robust` share in both prediction and ground truth is ignored. */
export function meanIou(frames: LabelPair[], classIds: number[], robust = 0.005): MiouResult {
  const { pred, gt, total } = classCounts(frames);
  const diag = new Float64Array(65536);
  for (const f of frames) {
    for (let i = 0; i < f.gtSemantic.length; i++) {
      const g = f.gtSemantic[i]!;
      if (g !== VOID_LABEL && g === f.predSemantic[i]) diag[g]!++;
    }
  }
  const perClass = new Map<number, number>();
  let sum = 0;
  let n = 0;
  for (const c of classIds) {
    const union = gt[c]! + pred[c]! - diag[c]!;
    const ignored = total === 0 || (gt[c]! / total < robust && pred[c]! / total < robust);
    const iou = ignored || union === 0 ? Number.NaN : diag[c]! / union;
    perClass.set(c, iou);
    if (!Number.isNaN(iou)) {
      sum += iou;
      n++;
    }
  }
  return { miou: n === 0 ? Number.NaN : sum / n, perClass };
}

/**
 * Panoptic quality over a set of frames pooled as one image (PQ^scene): segments are (class, id) pairs over all
 * pooled pixels, so predicted thing ids score only when consistent across views.
 */
import { VOID_LABEL } from '../data/scene.ts';
import { classCounts, type LabelPair } from './labels.ts';

/** Which classes are things and which are stuff; classes in neither become void. */
export interface ClassKinds {
  things: ReadonlySet<number>;
  stuff: ReadonlySet<number>;
}

/** Per-class panoptic statistics. */
export interface ClassPq {
  classId: number;
  thing: boolean;
  pq: number;
  sq: number;
  rq: number;
  tp: number;
  fp: number;
  fn: number;
  iouSum: number;
}

/** PQ, SQ and RQ (fractions in [0, 1]; NaN when no class remains) with their per-class parts. */
export interface PqResult {
  pq: number;
  sq: number;
  rq: number;
  perClass: ClassPq[];
}

/** Options of the PQ computation. */
export interface PqOptions {
  /** Classes whose pixel share is above 0 but below this, in prediction or ground truth, are dropped. */
  robust?: number;
}

const VOID_SEGMENT = 0;

/** Dense numbering of (class, id) segments; index 0 is the void segment. */
class SegmentTable {
  readonly index = new Map<number, number>();
  readonly classOf: number[] = [-1];
  readonly area: number[] = [0];

  id(cls: number, inst: number): number {
    const key = cls * 65536 + inst;
    let s = this.index.get(key);
    if (s === undefined) {
      s = this.classOf.length;
      this.index.set(key, s);
      this.classOf.push(cls);
      this.area.push(0);
    }
    return s;
  }
}

/** The classes kept for scoring: present on either side, thing or stuff, and not below the robust share. */
export function keptClasses(frames: LabelPair[], kinds: ClassKinds, robust: number): Set<number> {
  const { pred, gt, total } = classCounts(frames);
  const kept = new Set<number>();
  for (const c of [...kinds.things, ...kinds.stuff]) {
    const p = pred[c]!;
    const g = gt[c]!;
    if (p === 0 && g === 0) continue;
    if (total > 0 && ((p > 0 && p / total < robust) || (g > 0 && g / total < robust))) continue;
    kept.add(c);
  }
  return kept;
}

/** PQ^scene of frames pooled into one image, ground-truth void pixels dropped. */
export function panopticQuality(frames: LabelPair[], kinds: ClassKinds, options: PqOptions = {}): PqResult {
  const robust = options.robust ?? 0.005;
  const kept = keptClasses(frames, kinds, robust);
  const predSegs = new SegmentTable();
  const gtSegs = new SegmentTable();
  const inter = new Map<number, number>();
  const stride = 1 << 24;
  for (const f of frames) {
    let lastKey = -1;
    let lastCount = 0;
    for (let i = 0; i < f.gtSemantic.length; i++) {
      const gc = f.gtSemantic[i]!;
      if (gc === VOID_LABEL) continue;
      const pc = f.predSemantic[i]!;
      const ps = kept.has(pc) ? predSegs.id(pc, kinds.things.has(pc) ? f.predInstance[i]! : 0) : VOID_SEGMENT;
      const gs = kept.has(gc) ? gtSegs.id(gc, kinds.things.has(gc) ? f.gtInstance[i]! : 0) : VOID_SEGMENT;
      predSegs.area[ps]!++;
      gtSegs.area[gs]!++;
      const key = ps * stride + gs;
      if (key === lastKey) {
        lastCount++;
      } else {
        if (lastKey >= 0) inter.set(lastKey, (inter.get(lastKey) ?? 0) + lastCount);
        lastKey = key;
        lastCount = 1;
      }
    }
    if (lastKey >= 0) inter.set(lastKey, (inter.get(lastKey) ?? 0) + lastCount);
  }

  const nPred = predSegs.classOf.length;
  const nGt = gtSegs.classOf.length;
  const predVoidOverlap = new Float64Array(nPred); // |pred ∩ GT void|
  const gtVoidOverlap = new Float64Array(nGt); // |pred void ∩ gt|
  for (const [key, n] of inter) {
    const ps = Math.floor(key / stride);
    const gs = key % stride;
    if (gs === VOID_SEGMENT) predVoidOverlap[ps] = n;
    if (ps === VOID_SEGMENT) gtVoidOverlap[gs] = n;
  }

  const stats = new Map<number, ClassPq>();
  for (const c of [...kept].sort((a, b) => a - b)) {
    stats.set(c, {
      classId: c,
      thing: kinds.things.has(c),
      pq: 0,
      sq: 0,
      rq: 0,
      tp: 0,
      fp: 0,
      fn: 0,
      iouSum: 0,
    });
  }
  const predMatched = new Uint8Array(nPred);
  const gtMatched = new Uint8Array(nGt);
  for (const [key, n] of inter) {
    const ps = Math.floor(key / stride);
    const gs = key % stride;
    if (ps === VOID_SEGMENT || gs === VOID_SEGMENT) continue;
    const cls = predSegs.classOf[ps]!;
    if (cls !== gtSegs.classOf[gs]) continue;
    const union = predSegs.area[ps]! - predVoidOverlap[ps]! + gtSegs.area[gs]! - gtVoidOverlap[gs]! - n;
    const iou = n / union;
    if (iou > 0.5) {
      const s = stats.get(cls)!;
      s.tp++;
      s.iouSum += iou;
      predMatched[ps] = 1;
      gtMatched[gs] = 1;
    }
  }
  for (let gs = 1; gs < nGt; gs++) {
    if (gtMatched[gs] || gtVoidOverlap[gs]! / gtSegs.area[gs]! > 0.5) continue;
    stats.get(gtSegs.classOf[gs]!)!.fn++;
  }
  for (let ps = 1; ps < nPred; ps++) {
    if (predMatched[ps] || predVoidOverlap[ps]! / predSegs.area[ps]! > 0.5) continue;
    stats.get(predSegs.classOf[ps]!)!.fp++;
  }
  const perClass = [...stats.values()];
  for (const s of perClass) {
    const denom = s.tp + 0.5 * s.fp + 0.5 * s.fn;
    s.pq = denom > 0 ? s.iouSum / denom : 0;
    s.rq = denom > 0 ? s.tp / denom : 0;
    s.sq = s.tp > 0 ? s.iouSum / s.tp : 0;
  }
  const mean = (k: 'pq' | 'sq' | 'rq') =>
    perClass.length === 0 ? Number.NaN : perClass.reduce((a, s) => a + s[k], 0) / perClass.length;
  return { pq: mean('pq'), sq: mean('sq'), rq: mean('rq'), perClass };
}

/** Mean of PQ^scene computed on each frame alone (the per-frame robust filter included). */
export function perFramePanopticQuality(
  frames: LabelPair[],
  kinds: ClassKinds,
  options: PqOptions = {},
): number {
  const values = frames.map((f) => panopticQuality([f], kinds, options).pq).filter((v) => !Number.isNaN(v));
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Per-frame PQ as used for model selection: every (frame, class) entry of per-frame PQ averaged together, with
 * all thing classes merged into the first thing class on both sides when `mergeThings` is set.
 */
export function framewisePqEntries(
  frames: LabelPair[],
  kinds: ClassKinds,
  options: PqOptions & { mergeThings?: boolean } = {},
): number {
  let sum = 0;
  let count = 0;
  const firstThing = Math.min(...kinds.things);
  const merge = (sem: Uint16Array): Uint16Array =>
    sem.map((c) => (kinds.things.has(c) ? firstThing : c)) as Uint16Array;
  const mergedKinds: ClassKinds = options.mergeThings
    ? { things: new Set(kinds.things.size > 0 ? [firstThing] : []), stuff: kinds.stuff }
    : kinds;
  for (const f of frames) {
    const frame = options.mergeThings
      ? { ...f, predSemantic: merge(f.predSemantic), gtSemantic: merge(f.gtSemantic) }
      : f;
    for (const s of panopticQuality([frame], mergedKinds, options).perClass) {
      sum += s.pq;
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

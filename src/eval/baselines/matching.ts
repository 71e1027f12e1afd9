/** Matching the segments of two label maps by IoU with the Hungarian algorithm (munkres). */
import { munkres } from 'munkres';

/** IoU of every (row id, column id) pair of two label maps; 0 is no segment and never listed. */
export interface IouTable {
  /** Distinct non-zero ids of the first map, ascending. */
  rows: number[];
  /** Distinct non-zero ids of the second map, ascending. */
  cols: number[];
  /** Row-major rows.length × cols.length IoU values. */
  iou: Float64Array;
  /** Row-major rows.length × cols.length overlap pixel counts. */
  inter: Float64Array;
}

/** Pixel IoU of every segment of `a` with every segment of `b` (maps of the same size). */
export function iouTable(a: Uint16Array, b: Uint16Array): IouTable {
  if (a.length !== b.length) throw new Error(`label maps differ in size (${a.length} vs ${b.length})`);
  const areaA = new Map<number, number>();
  const areaB = new Map<number, number>();
  const inter = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== 0) areaA.set(x, (areaA.get(x) ?? 0) + 1);
    if (y !== 0) areaB.set(y, (areaB.get(y) ?? 0) + 1);
    if (x !== 0 && y !== 0) {
      const key = x * 65536 + y;
      inter.set(key, (inter.get(key) ?? 0) + 1);
    }
  }
  const rows = [...areaA.keys()].sort((p, q) => p - q);
  const cols = [...areaB.keys()].sort((p, q) => p - q);
  const rowIndex = new Map(rows.map((id, r) => [id, r]));
  const colIndex = new Map(cols.map((id, c) => [id, c]));
  const iou = new Float64Array(rows.length * cols.length);
  const overlap = new Float64Array(rows.length * cols.length);
  for (const [key, n] of inter) {
    const x = Math.floor(key / 65536);
    const y = key % 65536;
    const k = rowIndex.get(x)! * cols.length + colIndex.get(y)!;
    iou[k] = n / (areaA.get(x)! + areaB.get(y)! - n);
    overlap[k] = n;
  }
  return { rows, cols, iou, inter: overlap };
}

/**
 * One-to-one pairs [row, col] that maximise the total IoU over pairs with IoU ≥ minIou; pairs below
 * minIou are never returned.
 */
export function hungarianPairs(
  iou: ArrayLike<number>,
  nRows: number,
  nCols: number,
  minIou: number,
): [number, number][] {
  // Only rows and columns with at least one admissible entry take part (keeps the problem small).
  const ok = (r: number, c: number): boolean => iou[r * nCols + c]! >= minIou && iou[r * nCols + c]! > 0;
  const liveRows: number[] = [];
  const liveCols = new Set<number>();
  for (let r = 0; r < nRows; r++) {
    let any = false;
    for (let c = 0; c < nCols; c++) {
      if (ok(r, c)) {
        any = true;
        liveCols.add(c);
      }
    }
    if (any) liveRows.push(r);
  }
  if (liveRows.length === 0) return [];
  const cols = [...liveCols].sort((p, q) => p - q);
  const cost = liveRows.map((r) => cols.map((c) => (ok(r, c) ? -iou[r * nCols + c]! : 0)));
  const pairs: [number, number][] = [];
  for (const [i, j] of munkres(cost)) {
    const r = liveRows[i]!;
    const c = cols[j]!;
    if (ok(r, c)) pairs.push([r, c]);
  }
  return pairs.sort((p, q) => p[0] - q[0]);
}

/**
 * Matches the segments of `current` to those of `reference` by IoU (Hungarian, IoU ≥ minIou, and
 * `compatible` when given); returns current id → reference id for the matched segments.
 */
export function matchSegments(
  current: Uint16Array,
  reference: Uint16Array,
  minIou: number,
  compatible?: (currentId: number, referenceId: number) => boolean,
): Map<number, number> {
  const table = iouTable(current, reference);
  if (compatible) {
    table.rows.forEach((a, r) => {
      table.cols.forEach((b, c) => {
        if (!compatible(a, b)) table.iou[r * table.cols.length + c] = 0;
      });
    });
  }
  const out = new Map<number, number>();
  for (const [r, c] of hungarianPairs(table.iou, table.rows.length, table.cols.length, minIou)) {
    out.set(table.rows[r]!, table.cols[c]!);
  }
  return out;
}

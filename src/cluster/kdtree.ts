/** A static kd-tree over n points in d dimensions: exact k-nearest, nearest and radius queries. */
import type { PointArray } from './types.ts';

const DEFAULT_LEAF_SIZE = 16;

/** Squared Euclidean distance between row i of a and row j of b (both d wide), summed in dimension order. */
export function distSq(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  const ai = i * d;
  const bj = j * d;
  for (let t = 0; t < d; t++) {
    const diff = a[ai + t]! - b[bj + t]!;
    s += diff * diff;
  }
  return s;
}

/** distSq for float64 rows; a separate function so that hot loops see one array type. */
export function distSq64(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  const ai = i * d;
  const bj = j * d;
  for (let t = 0; t < d; t++) {
    const diff = a[ai + t]! - b[bj + t]!;
    s += diff * diff;
  }
  return s;
}

/**
 * A balanced kd-tree (median splits on the widest box side). Points are copied in tree order: tree position p
 * holds original point `index[p]`. Node c covers positions [start[c], end[c]); leaves have left[c] = -1.
 */
export class KdTree {
  readonly n: number;
  readonly d: number;
  /** Coordinates in tree order, n × d. */
  readonly data: Float64Array;
  /** Original index of the point at each tree position. */
  readonly index: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Bounding boxes, nodeCount × d each. */
  readonly boxMin: Float64Array;
  readonly boxMax: Float64Array;
  readonly nodeCount: number;
  /** Tree positions found by the last radiusQuery. */
  hits: Int32Array = new Int32Array(64);
  private stack: Int32Array;
  private query: Float64Array;

  constructor(points: PointArray, n: number, d: number, leafSize = DEFAULT_LEAF_SIZE) {
    this.n = n;
    this.d = d;
    const leaf = Math.max(1, Math.floor(leafSize));
    const cap = Math.ceil((4 * Math.max(n, 1)) / leaf) + 1;
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.left = new Int32Array(cap).fill(-1);
    this.right = new Int32Array(cap).fill(-1);
    this.boxMin = new Float64Array(cap * d);
    this.boxMax = new Float64Array(cap * d);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;

    let count = 0;
    const todo: number[] = [];
    if (n > 0) {
      this.start[0] = 0;
      this.end[0] = n;
      count = 1;
      todo.push(0);
    }
    while (todo.length > 0) {
      const c = todo.pop()!;
      const s = this.start[c]!;
      const e = this.end[c]!;
      this.fitBox(c, points, perm, s, e);
      if (e - s <= leaf) continue;
      let dim = 0;
      let widest = -1;
      for (let t = 0; t < d; t++) {
        const w = this.boxMax[c * d + t]! - this.boxMin[c * d + t]!;
        if (w > widest) {
          widest = w;
          dim = t;
        }
      }
      if (widest <= 0) continue; // all points identical: keep as one leaf
      const mid = (s + e) >> 1;
      selectNth(perm, s, e, mid, points, d, dim);
      const l = count++;
      const r = count++;
      this.left[c] = l;
      this.right[c] = r;
      this.start[l] = s;
      this.end[l] = mid;
      this.start[r] = mid;
      this.end[r] = e;
      todo.push(r, l);
    }
    this.nodeCount = count;
    this.index = perm;
    this.data = new Float64Array(n * d);
    for (let p = 0; p < n; p++) {
      const o = perm[p]! * d;
      for (let t = 0; t < d; t++) this.data[p * d + t] = points[o + t]!;
    }
    this.stack = new Int32Array(Math.max(64, 2 * count));
    this.query = new Float64Array(d);
  }

  /** Squared distance from row qi of q to the box of node c, or a value above `bound` once it is exceeded. */
  boxDistSq(c: number, q: Float64Array, qi: number, bound: number): number {
    const d = this.d;
    const o = c * d;
    const qo = qi * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = q[qo + t]!;
      const lo = this.boxMin[o + t]!;
      if (v < lo) {
        const g = lo - v;
        s += g * g;
      } else {
        const hi = this.boxMax[o + t]!;
        if (v > hi) {
          const g = v - hi;
          s += g * g;
        }
      }
      if (s > bound) return s;
    }
    return s;
  }

  /** Squared distance from every point to its k-th nearest point, counting itself (k ≥ 1), by original index. */
  kthNeighbourDistSq(k: number): Float64Array {
    const n = this.n;
    const kk = Math.min(Math.max(1, Math.floor(k)), n);
    const out = new Float64Array(n);
    const best = new Float64Array(kk);
    const data = this.data;
    const d = this.d;
    const stack = this.stack;
    for (let p = 0; p < n; p++) {
      best.fill(Number.POSITIVE_INFINITY);
      let worst = Number.POSITIVE_INFINITY;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const c = stack[--top]!;
        if (this.boxDistSq(c, data, p, worst) > worst) continue;
        const l = this.left[c]!;
        if (l < 0) {
          for (let j = this.start[c]!, e = this.end[c]!; j < e; j++) {
            const ds = distSq64(data, p, data, j, d);
            if (ds < worst) {
              let m = kk - 1;
              while (m > 0 && best[m - 1]! > ds) {
                best[m] = best[m - 1]!;
                m--;
              }
              best[m] = ds;
              worst = best[kk - 1]!;
            }
          }
          continue;
        }
        const r = this.right[c]!;
        if (this.boxDistSq(l, data, p, 0) <= this.boxDistSq(r, data, p, 0)) {
          stack[top++] = r;
          stack[top++] = l;
        } else {
          stack[top++] = l;
          stack[top++] = r;
        }
      }
      out[this.index[p]!] = best[kk - 1]!;
    }
    return out;
  }

  /** Tree position of the point nearest to row qi of q (ties: lowest original index); -1 if the tree is empty. */
  nearest(points: ArrayLike<number>, row: number): number {
    if (this.n === 0) return -1;
    const q = this.loadQuery(points, row);
    const qi = 0;
    const data = this.data;
    const d = this.d;
    const stack = this.stack;
    let bestD = Number.POSITIVE_INFINITY;
    let bestP = -1;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const c = stack[--top]!;
      if (this.boxDistSq(c, q, qi, bestD) > bestD) continue;
      const l = this.left[c]!;
      if (l < 0) {
        for (let j = this.start[c]!, e = this.end[c]!; j < e; j++) {
          const ds = distSq64(q, qi, data, j, d);
          if (ds < bestD || (ds === bestD && this.index[j]! < this.index[bestP]!)) {
            bestD = ds;
            bestP = j;
          }
        }
        continue;
      }
      const r = this.right[c]!;
      if (this.boxDistSq(l, q, qi, 0) <= this.boxDistSq(r, q, qi, 0)) {
        stack[top++] = r;
        stack[top++] = l;
      } else {
        stack[top++] = l;
        stack[top++] = r;
      }
    }
    return bestP;
  }

  /** Finds tree positions within squared radius r2 (inclusive) of row qi of q into `hits`; returns their count. */
  radiusQuery(points: ArrayLike<number>, row: number, r2: number): number {
    const q = this.loadQuery(points, row);
    const qi = 0;
    const data = this.data;
    const d = this.d;
    const stack = this.stack;
    let count = 0;
    let top = 0;
    if (this.n > 0) stack[top++] = 0;
    while (top > 0) {
      const c = stack[--top]!;
      if (this.boxDistSq(c, q, qi, r2) > r2) continue;
      const l = this.left[c]!;
      if (l >= 0) {
        stack[top++] = this.right[c]!;
        stack[top++] = l;
        continue;
      }
      for (let j = this.start[c]!, e = this.end[c]!; j < e; j++) {
        if (distSq64(q, qi, data, j, d) <= r2) {
          if (count === this.hits.length) {
            const grown = new Int32Array(this.hits.length * 2);
            grown.set(this.hits);
            this.hits = grown;
          }
          this.hits[count++] = j;
        }
      }
    }
    return count;
  }

  /** Counts points within squared radius r2 (inclusive) of row qi of q, stopping early once `limit` is reached. */
  countInRadius(points: ArrayLike<number>, row: number, r2: number, limit: number): number {
    const q = this.loadQuery(points, row);
    const qi = 0;
    const data = this.data;
    const d = this.d;
    const stack = this.stack;
    let count = 0;
    let top = 0;
    if (this.n > 0) stack[top++] = 0;
    while (top > 0) {
      const c = stack[--top]!;
      if (this.boxDistSq(c, q, qi, r2) > r2) continue;
      const l = this.left[c]!;
      if (l >= 0) {
        stack[top++] = this.right[c]!;
        stack[top++] = l;
        continue;
      }
      for (let j = this.start[c]!, e = this.end[c]!; j < e; j++) {
        if (distSq64(q, qi, data, j, d) <= r2 && ++count >= limit) return count;
      }
    }
    return count;
  }

  /** Copies row `row` of points into the query buffer. */
  private loadQuery(points: ArrayLike<number>, row: number): Float64Array {
    const q = this.query;
    const o = row * this.d;
    for (let t = 0; t < this.d; t++) q[t] = points[o + t]!;
    return q;
  }

  private fitBox(c: number, points: PointArray, perm: Int32Array, s: number, e: number): void {
    const d = this.d;
    const o = c * d;
    for (let t = 0; t < d; t++) {
      this.boxMin[o + t] = Number.POSITIVE_INFINITY;
      this.boxMax[o + t] = Number.NEGATIVE_INFINITY;
    }
    for (let j = s; j < e; j++) {
      const po = perm[j]! * d;
      for (let t = 0; t < d; t++) {
        const v = points[po + t]!;
        if (v < this.boxMin[o + t]!) this.boxMin[o + t] = v;
        if (v > this.boxMax[o + t]!) this.boxMax[o + t] = v;
      }
    }
  }
}

/** Reorders perm[s..e) so that perm[k] holds the point whose coordinate `dim` ranks k-th (quickselect). */
function selectNth(
  perm: Int32Array,
  s: number,
  e: number,
  k: number,
  pts: PointArray,
  d: number,
  dim: number,
): void {
  let lo = s;
  let hi = e - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const a = pts[perm[lo]! * d + dim]!;
    const b = pts[perm[mid]! * d + dim]!;
    const c = pts[perm[hi]! * d + dim]!;
    const pivot = a < b ? (b < c ? b : Math.max(a, c)) : a < c ? a : Math.max(b, c);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (pts[perm[i]! * d + dim]! < pivot) i++;
      while (pts[perm[j]! * d + dim]! > pivot) j--;
      if (i <= j) {
        const t = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

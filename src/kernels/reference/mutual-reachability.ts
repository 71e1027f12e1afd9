/**
 * Reference HDBSCAN all-pairs kernels: core distances and Prim's minimum spanning tree of the mutual-reachability
 * graph, where the squared weight of edge (i, j) is max(core²ᵢ, core²ⱼ, ‖xᵢ − xⱼ‖²). Edges are ranked by
 * (weight, lower index, higher index); this strict total order makes the tree unique.
 */
import type { Num } from './types.ts';

/** Tree edges as parallel arrays: edge e joins lo[e] < hi[e] with squared weight w2[e]. */
export interface EdgeList {
  lo: Int32Array;
  hi: Int32Array;
  w2: Float64Array;
}

/** Whether edge (w, i, j) ranks strictly before edge (w', i', j') (endpoints in any order). */
export function edgeBefore(w: number, i: number, j: number, w2: number, i2: number, j2: number): boolean {
  if (w !== w2) return w < w2;
  const lo = Math.min(i, j);
  const lo2 = Math.min(i2, j2);
  if (lo !== lo2) return lo < lo2;
  return Math.max(i, j) < Math.max(i2, j2);
}

/** Squared core distance of every point (its k-th nearest, counting itself), by comparing all pairs (O(n²·d)). */
export function coreDistancesSqRef(points: Num, n: number, d: number, minSamples: number): Float64Array {
  const k = Math.min(Math.max(1, Math.floor(minSamples)), n);
  if (k <= 1) return new Float64Array(n);
  const x = points instanceof Float64Array ? points : Float64Array.from(points.subarray(0, n * d));
  // Row i of `best` holds the k smallest squared distances from point i seen so far, ascending.
  const best = new Float64Array(n * k).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) best[i * k] = 0; // the point itself
  const insert = (i: number, ds: number): void => {
    const o = i * k;
    let m = k - 1;
    while (m > 0 && best[o + m - 1]! > ds) {
      best[o + m] = best[o + m - 1]!;
      m--;
    }
    best[o + m] = ds;
  };
  for (let i = 0; i < n; i++) {
    const io = i * d;
    for (let j = i + 1; j < n; j++) {
      const jo = j * d;
      let ds = 0;
      for (let t = 0; t < d; t++) {
        const g = x[io + t]! - x[jo + t]!;
        ds += g * g;
      }
      if (ds < best[i * k + k - 1]!) insert(i, ds);
      if (ds < best[j * k + k - 1]!) insert(j, ds);
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = best[i * k + k - 1]!;
  return out;
}

/** Exact MST of the mutual-reachability graph by Prim's algorithm over all pairs (O(n²·d) time, O(n) memory). */
export function mutualReachabilityMstRef(points: Num, n: number, d: number, coreSq: Float64Array): EdgeList {
  const m = Math.max(0, n - 1);
  const out: EdgeList = { lo: new Int32Array(m), hi: new Int32Array(m), w2: new Float64Array(m) };
  if (n < 2) return out;
  const x = points instanceof Float64Array ? points : Float64Array.from(points.subarray(0, n * d));
  // Vertices outside the tree, kept compact; for each, its best known edge into the tree.
  const rest = new Int32Array(n - 1);
  for (let i = 1; i < n; i++) rest[i - 1] = i;
  let restCount = n - 1;
  const bestW = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const bestSrc = new Int32Array(n).fill(-1);
  let cur = 0;
  for (let e = 0; e < m; e++) {
    const cCore = coreSq[cur]!;
    const co = cur * d;
    let pick = -1;
    let pickR = -1;
    let pickW = Number.POSITIVE_INFINITY;
    let pickSrc = -1;
    for (let r = 0; r < restCount; r++) {
      const j = rest[r]!;
      const jo = j * d;
      let w = 0;
      for (let t = 0; t < d; t++) {
        const g = x[co + t]! - x[jo + t]!;
        w += g * g;
      }
      if (cCore > w) w = cCore;
      const jCore = coreSq[j]!;
      if (jCore > w) w = jCore;
      let bw = bestW[j]!;
      if (w < bw || (w === bw && edgeBefore(w, cur, j, bw, bestSrc[j]!, j))) {
        bestW[j] = w;
        bestSrc[j] = cur;
        bw = w;
      }
      if (pick < 0 || bw < pickW || (bw === pickW && edgeBefore(bw, bestSrc[j]!, j, pickW, pickSrc, pick))) {
        pick = j;
        pickR = r;
        pickW = bw;
        pickSrc = bestSrc[j]!;
      }
    }
    const src = bestSrc[pick]!;
    out.lo[e] = Math.min(src, pick);
    out.hi[e] = Math.max(src, pick);
    out.w2[e] = pickW;
    rest[pickR] = rest[--restCount]!;
    cur = pick;
  }
  return out;
}

/**
 * Minimum spanning trees of the mutual-reachability graph, where the squared weight of edge (i, j) is
 * max(core²ᵢ, core²ⱼ, ‖xᵢ − xⱼ‖²). Edges are ranked by (weight, lower index, higher index); this strict total order
 * makes the tree unique, so every MST algorithm here returns the same edges even when weights tie.
 */
import type { PointArray } from './types.ts';

/** Tree edges as parallel arrays: edge e joins lo[e] < hi[e] with squared weight w2[e]. */
export interface SpanningTree {
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

/** A copy of the tree with its edges in ascending edge order. */
export function sortEdges(tree: SpanningTree): SpanningTree {
  const m = tree.w2.length;
  const order = new Int32Array(m);
  for (let e = 0; e < m; e++) order[e] = e;
  const { lo, hi, w2 } = tree;
  order.sort((x, y) => {
    if (w2[x] !== w2[y]) return w2[x]! < w2[y]! ? -1 : 1;
    if (lo[x] !== lo[y]) return lo[x]! - lo[y]!;
    return hi[x]! - hi[y]!;
  });
  const out: SpanningTree = { lo: new Int32Array(m), hi: new Int32Array(m), w2: new Float64Array(m) };
  for (let e = 0; e < m; e++) {
    const s = order[e]!;
    out.lo[e] = lo[s]!;
    out.hi[e] = hi[s]!;
    out.w2[e] = w2[s]!;
  }
  return out;
}

/** Exact MST of the mutual-reachability graph by Prim's algorithm over all pairs (O(n²·d) time, O(n) memory). */
export function primMst(points: PointArray, n: number, d: number, coreSq: Float64Array): SpanningTree {
  const m = Math.max(0, n - 1);
  const out: SpanningTree = { lo: new Int32Array(m), hi: new Int32Array(m), w2: new Float64Array(m) };
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

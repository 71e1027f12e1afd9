/**
 * Minimum spanning trees of the mutual-reachability graph, where the squared weight of edge (i, j) is
 * max(core²ᵢ, core²ⱼ, ‖xᵢ − xⱼ‖²). Edges are ranked by (weight, lower index, higher index); this strict total order
 * makes the tree unique, so every MST algorithm here returns the same edges even when weights tie.
 */
import type { Backend } from '../kernels/backend.ts';
import { mutualReachabilityMstRef } from '../kernels/reference/mutual-reachability.ts';
import type { PointArray } from './types.ts';

/** Tree edges as parallel arrays: edge e joins lo[e] < hi[e] with squared weight w2[e]. */
export interface SpanningTree {
  lo: Int32Array;
  hi: Int32Array;
  w2: Float64Array;
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

/**
 * Exact MST of the mutual-reachability graph by Prim's algorithm over all pairs (O(n²·d) time): on the backend for
 * float32 points, by the reference for float64 ones. Both give the same edges, bit for bit.
 */
export function primMst(
  points: PointArray,
  n: number,
  d: number,
  coreSq: Float64Array,
  backend: Backend,
): SpanningTree {
  if (points instanceof Float64Array) return mutualReachabilityMstRef(points, n, d, coreSq);
  const m = Math.max(0, n - 1);
  const out: SpanningTree = { lo: new Int32Array(m), hi: new Int32Array(m), w2: new Float64Array(m) };
  backend.mutualReachabilityMst({ points, n, d, coreSq, ...out });
  return out;
}

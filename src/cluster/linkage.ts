/** The single-linkage merge tree obtained by adding MST edges in ascending order. */
import type { SpanningTree } from './mst.ts';

/**
 * Merge i joins nodes left[i] and right[i] at distance dist[i] into node n + i holding size[i] points; nodes
 * 0..n-1 are the points themselves, so the root is node 2n − 2.
 */
export interface Linkage {
  n: number;
  left: Int32Array;
  right: Int32Array;
  dist: Float64Array;
  size: Int32Array;
}

/** Single-linkage tree of n points from their MST with edges already in ascending edge order. */
export function singleLinkage(sorted: SpanningTree, n: number): Linkage {
  const m = sorted.w2.length;
  const link: Linkage = {
    n,
    left: new Int32Array(m),
    right: new Int32Array(m),
    dist: new Float64Array(m),
    size: new Int32Array(m),
  };
  const total = n + m;
  const parent = new Int32Array(total);
  const size = new Int32Array(total).fill(1);
  for (let i = 0; i < total; i++) parent[i] = i;
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[x] !== r) {
      const next = parent[x]!;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  for (let e = 0; e < m; e++) {
    const a = find(sorted.lo[e]!);
    const b = find(sorted.hi[e]!);
    const node = n + e;
    link.left[e] = a;
    link.right[e] = b;
    link.dist[e] = Math.sqrt(sorted.w2[e]!);
    size[node] = size[a]! + size[b]!;
    link.size[e] = size[node]!;
    parent[a] = node;
    parent[b] = node;
  }
  return link;
}

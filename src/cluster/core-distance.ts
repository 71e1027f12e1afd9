/** HDBSCAN core distances: how far each point is from its minSamples-th nearest point, counting itself. */
import type { KdTree } from './kdtree.ts';
import type { PointArray } from './types.ts';

/** Squared core distance of every point, by comparing all pairs (O(n²·d)). */
export function coreDistancesSqBrute(
  points: PointArray,
  n: number,
  d: number,
  minSamples: number,
): Float64Array {
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

/** Squared core distance of every point (by original index), from exact kd-tree neighbour queries. */
export function coreDistancesSqTree(tree: KdTree, minSamples: number): Float64Array {
  if (minSamples <= 1) return new Float64Array(tree.n);
  return tree.kthNeighbourDistSq(minSamples);
}

/** HDBSCAN core distances: how far each point is from its minSamples-th nearest point, counting itself. */
import type { Backend } from '../kernels/backend.ts';
import { coreDistancesSqRef } from '../kernels/reference/mutual-reachability.ts';
import type { KdTree } from './kdtree.ts';
import type { PointArray } from './types.ts';

/** Squared core distance of every point over all pairs (O(n²·d)): on the backend for float32 points. */
export function coreDistancesSqBrute(
  points: PointArray,
  n: number,
  d: number,
  minSamples: number,
  backend: Backend,
): Float64Array {
  if (points instanceof Float64Array) return coreDistancesSqRef(points, n, d, minSamples);
  const out = new Float64Array(n);
  backend.coreDistancesSq({ points, n, d, k: Math.min(Math.max(1, Math.floor(minSamples)), n), out });
  return out;
}

/** Squared core distance of every point (by original index), from exact kd-tree neighbour queries. */
export function coreDistancesSqTree(tree: KdTree, minSamples: number): Float64Array {
  if (minSamples <= 1) return new Float64Array(tree.n);
  return tree.kthNeighbourDistSq(minSamples);
}

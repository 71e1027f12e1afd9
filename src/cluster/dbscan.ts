/** DBSCAN: clusters are connected regions of core points (≥ minSamples points within eps) plus their borders. */
import type { ProgressFn } from '../core/progress.ts';
import { KdTree } from './kdtree.ts';
import { type ClusterResult, checkPoints, type DbscanParams, type PointArray } from './types.ts';

/**
 * Clusters n points with DBSCAN. Clusters are grown depth-first from unlabelled core points in index order; a
 * border point reachable from several clusters joins the first to reach it. Non-core points reached by no
 * cluster are noise (-1).
 */
export function dbscan(
  points: PointArray,
  n: number,
  d: number,
  params: Omit<DbscanParams, 'method'>,
  onProgress?: ProgressFn,
): ClusterResult {
  checkPoints(points, n, d);
  const { eps, minSamples } = params;
  if (!(eps > 0) || !Number.isFinite(eps)) throw new RangeError(`eps must be a positive number, got ${eps}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new RangeError(`minSamples must be a positive integer, got ${minSamples}`);
  }
  const labels = new Int32Array(n).fill(-1);
  if (n === 0) return { labels, nClusters: 0 };
  const tree = new KdTree(points, n, d);
  const { data, index } = tree;
  const r2 = eps * eps;
  // Work in tree positions for locality; map back at the end.
  const isCore = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    isCore[p] = tree.countInRadius(data, p, r2, minSamples) >= minSamples ? 1 : 0;
  }
  onProgress?.(1, 2, 'core points');
  const posOf = new Int32Array(n);
  for (let p = 0; p < n; p++) posOf[index[p]!] = p;
  const labelAt = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let nClusters = 0;
  for (let i = 0; i < n; i++) {
    const start = posOf[i]!;
    if (labelAt[start]! >= 0 || !isCore[start]) continue;
    const id = nClusters++;
    labelAt[start] = id;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top]!;
      const count = tree.radiusQuery(data, p, r2);
      const hits = tree.hits;
      for (let h = 0; h < count; h++) {
        const q = hits[h]!;
        if (labelAt[q]! >= 0) continue;
        labelAt[q] = id;
        if (isCore[q]) stack[top++] = q;
      }
    }
  }
  for (let p = 0; p < n; p++) labels[index[p]!] = labelAt[p]!;
  onProgress?.(2, 2, 'done');
  return { labels, nClusters };
}

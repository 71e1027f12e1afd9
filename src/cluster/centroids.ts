/** Cluster centroids and nearest-centroid assignment (how every pixel gets an instance id). */
import { KdTree } from './kdtree.ts';
import type { ClusterResult, PointArray } from './types.ts';

/** Above this many centroids assignNearest uses a kd-tree instead of scanning all centroids. */
const TREE_MIN_CENTROIDS = 32;

/**
 * Per-cluster mean of the points weighted by membership probability (weight 1 without probabilities), as
 * nClusters × d rows. A cluster whose weights are all zero gets its plain mean.
 */
export function weightedCentroids(
  points: PointArray,
  n: number,
  d: number,
  result: ClusterResult,
): Float32Array {
  const k = result.nClusters;
  const sum = new Float64Array(k * d);
  const plain = new Float64Array(k * d);
  const weight = new Float64Array(k);
  const count = new Float64Array(k);
  const { labels, probabilities } = result;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (c < 0) continue;
    const w = probabilities ? probabilities[i]! : 1;
    weight[c] = weight[c]! + w;
    count[c] = count[c]! + 1;
    for (let t = 0; t < d; t++) {
      const v = points[i * d + t]!;
      sum[c * d + t] = sum[c * d + t]! + w * v;
      plain[c * d + t] = plain[c * d + t]! + v;
    }
  }
  const out = new Float32Array(k * d);
  for (let c = 0; c < k; c++) {
    const useWeights = weight[c]! > 0;
    const denom = useWeights ? weight[c]! : count[c]!;
    for (let t = 0; t < d; t++) {
      out[c * d + t] = denom > 0 ? (useWeights ? sum[c * d + t]! : plain[c * d + t]!) / denom : Number.NaN;
    }
  }
  return out;
}

/** Index of the nearest of k centroids (k × d rows) for each of n points; ties go to the lower index; -1 if k = 0. */
export function assignNearest(
  points: PointArray,
  n: number,
  d: number,
  centroids: PointArray,
  k: number,
): Int32Array {
  const out = new Int32Array(n).fill(-1);
  if (k === 0) return out;
  if (k > TREE_MIN_CENTROIDS) {
    const tree = new KdTree(centroids, k, d);
    for (let i = 0; i < n; i++) out[i] = tree.index[tree.nearest(points, i)]!;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const g = points[i * d + t]! - centroids[c * d + t]!;
        s += g * g;
        if (s >= bestD) break;
      }
      if (s < bestD) {
        bestD = s;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

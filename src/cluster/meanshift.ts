/** MeanShift with a flat kernel: seeds climb to the mean of the points within bandwidth until they settle. */
import type { ProgressFn } from '../core/progress.ts';
import { distSq, KdTree } from './kdtree.ts';
import { type ClusterResult, checkPoints, type MeanShiftParams, type PointArray } from './types.ts';

/** Rounds half to even, like the usual numerical libraries do. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Seed positions (rows of d): the centres of grid bins of size binSize holding at least minBinFreq points, in
 * order of first appearance; all points if binning yields one bin per point.
 */
export function binSeeds(
  points: PointArray,
  n: number,
  d: number,
  binSize: number,
  minBinFreq: number,
): Float64Array {
  if (binSize === 0) return Float64Array.from(points.subarray(0, n * d));
  const counts = new Map<string, { count: number; cell: Float64Array }>();
  const cell = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) cell[t] = roundHalfEven(points[i * d + t]! / binSize);
    const key = cell.join(',');
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { count: 1, cell: Float64Array.from(cell) });
  }
  const kept = [...counts.values()].filter((e) => e.count >= minBinFreq);
  if (kept.length === n) return Float64Array.from(points.subarray(0, n * d));
  const seeds = new Float64Array(kept.length * d);
  kept.forEach((e, s) => {
    for (let t = 0; t < d; t++) seeds[s * d + t] = Math.fround(e.cell[t]! * Math.fround(binSize));
  });
  return seeds;
}

/** Clusters n points with MeanShift; modes closer than bandwidth to a stronger mode are dropped. */
export function meanShift(
  points: PointArray,
  n: number,
  d: number,
  params: Omit<MeanShiftParams, 'method'>,
  onProgress?: ProgressFn,
): ClusterResult {
  checkPoints(points, n, d);
  const { bandwidth } = params;
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) {
    throw new RangeError(`bandwidth must be a positive number, got ${bandwidth}`);
  }
  const minBinFreq = params.minBinFreq ?? 1;
  const maxIter = params.maxIter ?? 300;
  const clusterAll = params.clusterAll ?? true;
  if (!Number.isInteger(minBinFreq) || minBinFreq < 1) {
    throw new RangeError(`minBinFreq must be a positive integer, got ${minBinFreq}`);
  }
  if (!Number.isInteger(maxIter) || maxIter < 0) {
    throw new RangeError(`maxIter must be a non-negative integer, got ${maxIter}`);
  }
  if (n === 0) return { labels: new Int32Array(0), nClusters: 0, centers: new Float32Array(0) };

  const tree = new KdTree(points, n, d);
  const seeds = params.binSeeding
    ? binSeeds(points, n, d, bandwidth, minBinFreq)
    : Float64Array.from(points.subarray(0, n * d));
  const nSeeds = seeds.length / d;
  const r2 = bandwidth * bandwidth;
  const stop = 1e-3 * bandwidth;
  // Each seed's final mean and the number of points within bandwidth of it, keyed by the mean's exact value.
  const modes = new Map<string, { mean: Float64Array; intensity: number }>();
  const mean = new Float64Array(d);
  const next = new Float64Array(d);
  for (let s = 0; s < nSeeds; s++) {
    for (let t = 0; t < d; t++) mean[t] = seeds[s * d + t]!;
    let within = 0;
    for (let iter = 0; ; iter++) {
      const count = tree.radiusQuery(mean, 0, r2);
      within = count;
      if (count === 0) break;
      next.fill(0);
      const { hits, data } = tree;
      for (let h = 0; h < count; h++) {
        const o = hits[h]! * d;
        for (let t = 0; t < d; t++) next[t] = next[t]! + data[o + t]!;
      }
      let shift = 0;
      for (let t = 0; t < d; t++) {
        const v = next[t]! / count;
        shift += (v - mean[t]!) ** 2;
        mean[t] = v;
      }
      if (Math.sqrt(shift) <= stop || iter === maxIter) break;
    }
    if (within > 0) modes.set(mean.join(','), { mean: Float64Array.from(mean), intensity: within });
    if ((s & 63) === 63) onProgress?.(s + 1, nSeeds, 'mean shift');
  }
  if (modes.size === 0) {
    throw new Error(`no point lies within bandwidth ${bandwidth} of any seed; try a larger bandwidth`);
  }

  // Strongest first (ties: larger coordinates first); drop modes within bandwidth of a kept stronger one.
  const sorted = [...modes.values()].sort((a, b) => {
    if (a.intensity !== b.intensity) return b.intensity - a.intensity;
    for (let t = 0; t < d; t++) if (a.mean[t] !== b.mean[t]) return b.mean[t]! - a.mean[t]!;
    return 0;
  });
  const m = sorted.length;
  const byStrength = new Float64Array(m * d);
  for (let i = 0; i < m; i++) byStrength.set(sorted[i]!.mean, i * d);
  const modeTree = new KdTree(byStrength, m, d);
  const removed = new Uint8Array(m);
  const keptIdx: number[] = [];
  for (let i = 0; i < m; i++) {
    if (removed[i]) continue;
    keptIdx.push(i);
    const count = modeTree.radiusQuery(byStrength, i, r2);
    for (let h = 0; h < count; h++) {
      const j = modeTree.index[modeTree.hits[h]!]!;
      if (j > i) removed[j] = 1;
    }
  }
  const k = keptIdx.length;
  const kept = new Float64Array(k * d);
  for (let c = 0; c < k; c++) kept.set(byStrength.subarray(keptIdx[c]! * d, keptIdx[c]! * d + d), c * d);

  // Each point takes its nearest mode; with clusterAll off, only if that mode is within bandwidth.
  const centerTree = new KdTree(kept, k, d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = centerTree.index[centerTree.nearest(points, i)]!;
    labels[i] = clusterAll || distSq(points, i, kept, c, d) <= r2 ? c : -1;
  }
  onProgress?.(nSeeds, nSeeds, 'done');
  return { labels, nClusters: k, centers: Float32Array.from(kept) };
}

/**
 * Per-class instance centroids (appendix B.3): rendered embeddings grouped by predicted thing class, outliers
 * beyond 3σ dropped, each dimension rescaled to [0, 1], clustered, and cluster centroids kept in that space.
 */

import {
  cluster,
  hdbscanFromLinkage,
  hdbscanLinkage,
  type Linkage,
  resolveHdbscanPath,
  weightedCentroids,
} from '../cluster/index.ts';
import type { ClusterParams } from '../cluster/types.ts';
import type { ProgressFn } from '../core/progress.ts';
import type { Rng } from '../core/rng.ts';

/** One thing class's centroids, in the class's rescaled embedding space. */
export interface ClassCentroids {
  classId: number;
  /** Per-dimension minimum and range of the rescaling: x' = (x − min) / range. */
  min: number[];
  range: number[];
  /** k × d centroids (rescaled space). */
  centroids: number[][];
  /** Instance id of centroid j is firstId + j. */
  firstId: number;
  /** Points of this class that were clustered, and how many clusters came out before any fallback. */
  points: number;
  clusters: number;
}

/**
 * HDBSCAN trees already built, by class and min_samples: the tree does not depend on the minimum cluster size, so
 * a sweep over sizes builds it once per class (only where a class is fitted on all its points, so no random subset
 * differs between the candidates).
 */
export type LinkageCache = Map<string, Linkage>;

/** The most points a class's clustering is fitted on (a random subset beyond this). */
export const MAX_FIT_POINTS = 300000;
/** The cap above 8 dimensions, where HDBSCAN takes its all-pairs path (the reference's cap). */
export const MAX_FIT_POINTS_HIGH_DIM = 50000;

/** How many points of d-dimensional embeddings a class's clustering is fitted on at most. */
export function maxFitPoints(d: number): number {
  return resolveHdbscanPath('auto', MAX_FIT_POINTS, d) === 'exact' ? MAX_FIT_POINTS_HIGH_DIM : MAX_FIT_POINTS;
}

/** Embeddings grouped by predicted class: n×d rows. */
export interface EmbeddingSample {
  embedding: Float32Array;
  dim: number;
  semantic: Uint16Array;
}

/** Rescaling of points within 3σ on every dimension (min and range per dimension) and the kept indices. */
export function robustRescale(
  points: Float32Array,
  n: number,
  d: number,
): { min: number[]; range: number[]; kept: number[] } {
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k]! += points[i * d + k]! / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) sd[k]! += (points[i * d + k]! - mean[k]!) ** 2 / n;
  for (let k = 0; k < d; k++) sd[k] = Math.sqrt(sd[k]!);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let k = 0; k < d && ok; k++)
      if (Math.abs(points[i * d + k]! - mean[k]!) > 3 * sd[k]! + 1e-12) ok = false;
    if (ok) kept.push(i);
  }
  const min = Array.from({ length: d }, () => Number.POSITIVE_INFINITY);
  const max = Array.from({ length: d }, () => Number.NEGATIVE_INFINITY);
  for (const i of kept) {
    for (let k = 0; k < d; k++) {
      min[k] = Math.min(min[k]!, points[i * d + k]!);
      max[k] = Math.max(max[k]!, points[i * d + k]!);
    }
  }
  const range = min.map((m, k) => (Number.isFinite(m) && max[k]! > m ? max[k]! - m : 1));
  return { min: min.map((m) => (Number.isFinite(m) ? m : 0)), range, kept };
}

/**
 * Clusters the embeddings of each thing class. A class with too few points for the clustering, or where it
 * finds no cluster, gets a single centroid at its mean (one instance), so no predicted class is left without ids.
 */
export function extractCentroids(
  sample: EmbeddingSample,
  thingClasses: number[],
  params: ClusterParams,
  rng: Rng,
  onProgress?: ProgressFn,
  trees?: LinkageCache,
): ClassCentroids[] {
  const { dim: d } = sample;
  const out: ClassCentroids[] = [];
  let nextId = 1;
  thingClasses.forEach((classId, ci) => {
    const idx: number[] = [];
    for (let i = 0; i < sample.semantic.length; i++) if (sample.semantic[i] === classId) idx.push(i);
    if (idx.length === 0) return;
    const pts = new Float32Array(idx.length * d);
    idx.forEach((i, j) => {
      pts.set(sample.embedding.subarray(i * d, (i + 1) * d), j * d);
    });
    const { min, range, kept } = robustRescale(pts, idx.length, d);
    let fit = kept;
    const cap = maxFitPoints(d);
    if (fit.length > cap) {
      const shuffled = Int32Array.from(fit);
      rng.shuffle(shuffled);
      fit = Array.from(shuffled.subarray(0, cap));
    }
    const scaled = new Float32Array(fit.length * d);
    fit.forEach((i, j) => {
      for (let k = 0; k < d; k++) scaled[j * d + k] = (pts[i * d + k]! - min[k]!) / range[k]!;
    });
    const minSize =
      params.method === 'hdbscan'
        ? params.minClusterSize
        : params.method === 'dbscan'
          ? params.minSamples
          : 1;
    let centroids: number[][] = [];
    let clusters = 0;
    if (fit.length >= Math.max(2, minSize)) {
      const whole = fit.length === kept.length;
      const result =
        params.method === 'hdbscan' && trees && whole
          ? hdbscanFromLinkage(cachedTree(trees, classId, scaled, d, params), params)
          : cluster(scaled, fit.length, d, params);
      clusters = result.nClusters;
      const c = weightedCentroids(scaled, fit.length, d, result);
      for (let j = 0; j < result.nClusters; j++) centroids.push(Array.from(c.subarray(j * d, (j + 1) * d)));
    }
    if (centroids.length === 0 && fit.length > 0) {
      const mean = new Array<number>(d).fill(0);
      for (let j = 0; j < fit.length; j++)
        for (let k = 0; k < d; k++) mean[k]! += scaled[j * d + k]! / fit.length;
      centroids = [mean];
    }
    out.push({ classId, min, range, centroids, firstId: nextId, points: idx.length, clusters });
    nextId += centroids.length;
    onProgress?.(ci + 1, thingClasses.length, `class ${classId}`);
  });
  return out;
}

function cachedTree(
  trees: LinkageCache,
  classId: number,
  points: Float32Array,
  d: number,
  params: Extract<ClusterParams, { method: 'hdbscan' }>,
): Linkage {
  const minSamples = params.minSamples ?? params.minClusterSize;
  const key = `${classId}:${minSamples}:${params.path ?? 'auto'}`;
  let link = trees.get(key);
  if (!link) {
    link = hdbscanLinkage(points, points.length / d, d, minSamples, params.path);
    trees.set(key, link);
  }
  return link;
}

/**
 * Instance id per pixel: thing pixels take the nearest centroid of their predicted class; stuff pixels, and
 * pixels of a class that has no centroids, get 0.
 */
export function assignInstances(
  embedding: Float32Array,
  dim: number,
  semantic: Uint16Array,
  centroids: ClassCentroids[],
): Uint16Array {
  const byClass = new Map(centroids.map((c) => [c.classId, c]));
  const out = new Uint16Array(semantic.length);
  const x = new Float64Array(dim);
  for (let i = 0; i < semantic.length; i++) {
    const c = byClass.get(semantic[i]!);
    if (!c || c.centroids.length === 0) continue;
    for (let k = 0; k < dim; k++) x[k] = (embedding[i * dim + k]! - c.min[k]!) / c.range[k]!;
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    c.centroids.forEach((m, j) => {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (x[k]! - m[k]!) ** 2;
      if (s < bestD) {
        bestD = s;
        best = j;
      }
    });
    out[i] = c.firstId + best;
  }
  return out;
}

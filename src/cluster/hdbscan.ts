/** HDBSCAN: density-based hierarchical clustering with excess-of-mass selection (Euclidean metric). */
import type { ProgressFn } from '../core/progress.ts';
import { compute } from '../fields/compute.ts';
import { clusterStability, condenseTree } from './condensed-tree.ts';
import { coreDistancesSqBrute, coreDistancesSqTree } from './core-distance.ts';
import { selectEom } from './eom.ts';
import { KdTree } from './kdtree.ts';
import { type Linkage, singleLinkage } from './linkage.ts';
import { primMst, type SpanningTree, sortEdges } from './mst.ts';
import { boruvkaMst } from './mst-boruvka.ts';
import {
  type ClusterResult,
  checkPoints,
  type HdbscanParams,
  type HdbscanPath,
  type PointArray,
} from './types.ts';

/** Up to this many points 'auto' uses the exact all-pairs path. */
const AUTO_EXACT_MAX_POINTS = 1000;
/** Above this dimension 'auto' uses the exact path: kd-trees barely prune there (measured at 16-D). */
const AUTO_TREE_MAX_DIM = 8;

/** The MST path 'auto' resolves to for n points in d dimensions. */
export function resolveHdbscanPath(path: HdbscanPath, n: number, d: number): 'exact' | 'knn' {
  if (path !== 'auto') return path;
  return n <= AUTO_EXACT_MAX_POINTS || d > AUTO_TREE_MAX_DIM ? 'exact' : 'knn';
}

/** Clusters n points of dimension d with HDBSCAN; noise gets label -1. */
export function hdbscan(
  points: PointArray,
  n: number,
  d: number,
  params: Omit<HdbscanParams, 'method'>,
  onProgress?: ProgressFn,
): ClusterResult {
  checkPoints(points, n, d);
  checkMinClusterSize(params.minClusterSize);
  const minSamples = params.minSamples ?? params.minClusterSize;
  checkMinSamples(minSamples);
  if (n < 2) return { labels: new Int32Array(n).fill(-1), nClusters: 0, probabilities: new Float32Array(n) };
  const link = buildLinkage(points, n, d, minSamples, params.path ?? 'auto', onProgress);
  onProgress?.(2, 3, 'cluster tree');
  const result = hdbscanFromLinkage(link, params);
  onProgress?.(3, 3, 'done');
  return result;
}

function checkMinSamples(minSamples: number): void {
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new RangeError(`minSamples must be a positive integer, got ${minSamples}`);
  }
}

function checkMinClusterSize(minClusterSize: number): void {
  if (!Number.isInteger(minClusterSize) || minClusterSize < 2) {
    throw new RangeError(`minClusterSize must be an integer ≥ 2, got ${minClusterSize}`);
  }
}

/**
 * The single-linkage tree of the mutual-reachability distances of n ≥ 2 points: the part of HDBSCAN that depends
 * on min_samples but not on the minimum cluster size, so one tree serves every candidate size.
 */
export function hdbscanLinkage(
  points: PointArray,
  n: number,
  d: number,
  requestedMinSamples: number,
  pathChoice: HdbscanPath = 'auto',
  onProgress?: ProgressFn,
): Linkage {
  checkPoints(points, n, d);
  checkMinSamples(requestedMinSamples);
  if (n < 2) throw new RangeError(`HDBSCAN's tree needs at least 2 points, got ${n}`);
  return buildLinkage(points, n, d, requestedMinSamples, pathChoice, onProgress);
}

/** hdbscanLinkage without its argument checks, for callers that made them. */
function buildLinkage(
  points: PointArray,
  n: number,
  d: number,
  requestedMinSamples: number,
  pathChoice: HdbscanPath,
  onProgress?: ProgressFn,
): Linkage {
  const minSamples = Math.max(1, Math.min(n - 1, requestedMinSamples));
  const path = resolveHdbscanPath(pathChoice, n, d);
  onProgress?.(0, 3, 'core distances');
  let mst: SpanningTree;
  if (path === 'exact') {
    const backend = compute();
    const coreSq = coreDistancesSqBrute(points, n, d, minSamples, backend);
    onProgress?.(1, 3, 'spanning tree');
    mst = primMst(points, n, d, coreSq, backend);
  } else {
    const tree = new KdTree(points, n, d);
    const coreSq = coreDistancesSqTree(tree, minSamples);
    onProgress?.(1, 3, 'spanning tree');
    mst = boruvkaMst(tree, coreSq);
  }
  return singleLinkage(sortEdges(mst), n);
}

/** HDBSCAN's clusters from a tree of hdbscanLinkage: condensed at the minimum cluster size, excess of mass. */
export function hdbscanFromLinkage(
  link: Linkage,
  params: Pick<HdbscanParams, 'minClusterSize' | 'allowSingleCluster'>,
): ClusterResult {
  checkMinClusterSize(params.minClusterSize);
  const condensed = condenseTree(link, params.minClusterSize);
  return selectEom(condensed, clusterStability(condensed), params.allowSingleCluster ?? false);
}

/** The common interface of clift's clustering methods (HDBSCAN, DBSCAN, MeanShift). */

/** Points are n rows of d values, row-major. */
export type PointArray = Float32Array | Float64Array;

/** The outcome of clustering n points. */
export interface ClusterResult {
  /** Cluster id per point, 0..nClusters-1; -1 marks noise (or a MeanShift orphan). */
  labels: Int32Array;
  /** Number of clusters found. */
  nClusters: number;
  /** HDBSCAN membership strength per point in [0, 1] (0 for noise). */
  probabilities?: Float32Array;
  /** MeanShift modes, nClusters × d row-major; label i belongs to mode i. */
  centers?: Float32Array;
}

/** How HDBSCAN builds its minimum spanning tree: both give the same result; 'auto' picks by size and dimension. */
export type HdbscanPath = 'exact' | 'knn' | 'auto';

/** HDBSCAN parameters (Euclidean metric, excess-of-mass cluster selection). */
export interface HdbscanParams {
  method: 'hdbscan';
  /** Smallest group that counts as a cluster (≥ 2). */
  minClusterSize: number;
  /** Neighbourhood size for the core distance, counting the point itself; defaults to minClusterSize. */
  minSamples?: number;
  /** Whether the root of the tree may be selected as the only cluster. */
  allowSingleCluster?: boolean;
  /** 'exact': dense Prim over all pairs; 'knn': kd-tree neighbours and kd-tree Borůvka. */
  path?: HdbscanPath;
}

/** DBSCAN parameters. */
export interface DbscanParams {
  method: 'dbscan';
  /** Neighbourhood radius (a neighbour at exactly eps counts). */
  eps: number;
  /** Points within eps, counting the point itself, needed for a core point. */
  minSamples: number;
}

/** MeanShift parameters (flat kernel). */
export interface MeanShiftParams {
  method: 'meanshift';
  /** Kernel radius. */
  bandwidth: number;
  /** Seed from grid bins of size bandwidth instead of from every point (default false). */
  binSeeding?: boolean;
  /** With bin seeding, the fewest points a bin needs to become a seed (default 1). */
  minBinFreq?: number;
  /** Give every point its nearest mode (default true); when false, points farther than bandwidth get -1. */
  clusterAll?: boolean;
  /** Iteration limit per seed (default 300). */
  maxIter?: number;
}

/** Parameters of any clustering method, told apart by `method`. */
export type ClusterParams = HdbscanParams | DbscanParams | MeanShiftParams;

/** Throws unless n and d are valid sizes and points holds at least n rows of d finite values. */
export function checkPoints(points: PointArray, n: number, d: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`d must be a positive integer, got ${d}`);
  if (points.length < n * d)
    throw new RangeError(`points holds ${points.length} values, need n·d = ${n * d}`);
  for (let i = 0; i < n * d; i++) {
    if (!Number.isFinite(points[i]!))
      throw new RangeError(`point ${Math.floor(i / d)} has a non-finite value`);
  }
}

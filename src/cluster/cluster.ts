/** One entry point for all clustering methods. */
import type { ProgressFn } from '../core/progress.ts';
import { dbscan } from './dbscan.ts';
import { hdbscan } from './hdbscan.ts';
import { meanShift } from './meanshift.ts';
import type { ClusterParams, ClusterResult, PointArray } from './types.ts';

/** Clusters n points of dimension d (row-major) with the method named in params. */
export function cluster(
  points: PointArray,
  n: number,
  d: number,
  params: ClusterParams,
  onProgress?: ProgressFn,
): ClusterResult {
  switch (params.method) {
    case 'hdbscan':
      return hdbscan(points, n, d, params, onProgress);
    case 'dbscan':
      return dbscan(points, n, d, params, onProgress);
    case 'meanshift':
      return meanShift(points, n, d, params, onProgress);
  }
}

/** Public API of the clustering module. */
export { adjustedRandIndex } from './ari.ts';
export { assignNearest, weightedCentroids } from './centroids.ts';
export { cluster } from './cluster.ts';
export { dbscan } from './dbscan.ts';
export { hdbscan, hdbscanFromLinkage, hdbscanLinkage, resolveHdbscanPath } from './hdbscan.ts';
export type { Linkage } from './linkage.ts';
export { meanShift } from './meanshift.ts';
export type {
  ClusterParams,
  ClusterResult,
  DbscanParams,
  HdbscanParams,
  HdbscanPath,
  MeanShiftParams,
  PointArray,
} from './types.ts';

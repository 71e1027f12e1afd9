/**
 * Chooses the clustering parameter (min cluster size, eps or bandwidth) by the best per-frame PQ against the 2D
 * segmenter's own labels on some training views, all thing classes merged (appendix B.3, which scores a tenth of
 * them); no ground truth is used.
 */
import type { ClusterParams } from '../cluster/types.ts';
import type { Rng } from '../core/rng.ts';
import type { LabelPair } from '../eval/labels.ts';
import { type ClassKinds, framewisePqEntries } from '../eval/panoptic-quality.ts';
import {
  assignInstances,
  type ClassCentroids,
  type EmbeddingSample,
  extractCentroids,
  type LinkageCache,
} from './class-centroids.ts';

/** A view rendered for selection, with the segmenter's labels at the same resolution. */
export interface SelectionView {
  embedding: Float32Array;
  semantic: Uint16Array;
  segmenterInstance: Uint16Array;
  segmenterSemantic: Uint16Array;
}

/** Candidate parameters for a method, scaled to the number of sampled points. */
export function candidateParams(
  method: ClusterParams['method'],
  points: number,
  dim: number,
): ClusterParams[] {
  if (method === 'hdbscan') {
    const sizes = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.04].map((f) =>
      Math.max(5, Math.round(f * points)),
    );
    // Each size with and without the root as a possible single cluster: where a class's embeddings vary smoothly
    // the root outweighs every split at all sizes, and only the scores can tell whether that class is one object.
    return [...new Set(sizes)].flatMap((minClusterSize) =>
      [true, false].map((allowSingleCluster) => ({
        method,
        minClusterSize,
        minSamples: 1,
        allowSingleCluster,
      })),
    );
  }
  if (method === 'dbscan') {
    return [0.005, 0.01, 0.02, 0.04, 0.08].map((eps) => ({ method, eps, minSamples: 10 }));
  }
  return [2, 4, 6, 9, 13].map((k) => ({
    method,
    bandwidth: (Math.sqrt(dim) / 3.5) * (k / 25),
    binSeeding: true,
    minBinFreq: 10,
    clusterAll: false,
  }));
}

/** Score of one parameter setting on the selection views. */
export function selectionScore(
  sample: EmbeddingSample,
  views: SelectionView[],
  things: number[],
  kinds: ClassKinds,
  params: ClusterParams,
  rng: Rng,
  trees?: LinkageCache,
): number {
  const centroids = extractCentroids(sample, things, params, rng, undefined, trees);
  return centroidScore(centroids, sample.dim, views, kinds);
}

/** Per-frame PQ (things merged) of the ids the centroids give the selection views, against the 2D segmenter. */
export function centroidScore(
  centroids: ClassCentroids[],
  dim: number,
  views: SelectionView[],
  kinds: ClassKinds,
): number {
  const pairs: LabelPair[] = views.map((v) => ({
    predSemantic: v.semantic,
    predInstance: assignInstances(v.embedding, dim, v.semantic, centroids),
    gtSemantic: v.segmenterSemantic,
    gtInstance: v.segmenterInstance,
  }));
  return framewisePqEntries(pairs, kinds, { mergeThings: true });
}

/**
 * The candidate with the best selection score (first on ties), with all scores; HDBSCAN trees built on the way
 * are kept in `trees` (one per class of this sample) for the final clustering.
 */
export function selectParameter(
  sample: EmbeddingSample,
  views: SelectionView[],
  things: number[],
  kinds: ClassKinds,
  candidates: ClusterParams[],
  rng: Rng,
  trees: LinkageCache = new Map(),
): { best: ClusterParams; scores: { params: ClusterParams; pq: number }[] } {
  const scores = candidates.map((params) => ({
    params,
    pq: selectionScore(sample, views, things, kinds, params, rng.fork(JSON.stringify(params)), trees),
  }));
  let best = scores[0]!;
  for (const s of scores) if (s.pq > best.pq || Number.isNaN(best.pq)) best = s;
  return { best: best.params, scores };
}

/** Excess-of-mass cluster selection on a condensed tree, with labels and membership probabilities. */
import type { CondensedTree } from './condensed-tree.ts';
import type { ClusterResult } from './types.ts';

/**
 * Selects the clusters that maximise total stability with no selected cluster inside another, then labels each
 * point with its nearest selected ancestor (else noise) and gives it probability λ_p / (largest λ in that cluster).
 * The root may be selected only with allowSingleCluster; then, as in standard HDBSCAN, a point is labelled only if
 * its λ reaches the largest λ at which anything leaves the root (the rest is noise).
 */
export function selectEom(
  tree: CondensedTree,
  stability: Float64Array,
  allowSingleCluster: boolean,
): ClusterResult {
  const { nPoints: n, nClusters: nc, parent, child, lambda } = tree;
  const clusterParent = new Int32Array(nc).fill(-1);
  const death = new Float64Array(nc);
  for (let i = 0; i < parent.length; i++) {
    const k = parent[i]! - n;
    if (lambda[i]! > death[k]!) death[k] = lambda[i]!;
    if (child[i]! >= n) clusterParent[child[i]! - n] = k;
  }

  // Bottom-up (children have larger ids): a cluster keeps itself unless its children are jointly more stable.
  const stab = Float64Array.from(stability);
  const childSum = new Float64Array(nc);
  const keepsSelf = new Uint8Array(nc);
  const first = allowSingleCluster ? 0 : 1;
  for (let k = nc - 1; k >= first; k--) {
    if (childSum[k]! > stab[k]!) stab[k] = childSum[k]!;
    else keepsSelf[k] = 1;
    const p = clusterParent[k]!;
    if (p >= 0) childSum[p] = childSum[p]! + stab[k]!;
  }
  // Top-down: a cluster is selected if it keeps itself and no ancestor does.
  const coveredAbove = new Uint8Array(nc);
  const selected = new Uint8Array(nc);
  const owner = new Int32Array(nc);
  for (let k = 0; k < nc; k++) {
    const p = clusterParent[k]!;
    if (p >= 0) coveredAbove[k] = coveredAbove[p]! | keepsSelf[p]!;
    selected[k] = keepsSelf[k]! & (coveredAbove[k]! ^ 1);
    owner[k] = selected[k] || p < 0 ? k : owner[p]!;
  }
  const labelOf = new Int32Array(nc).fill(-1);
  let nClusters = 0;
  for (let k = 0; k < nc; k++) if (selected[k]) labelOf[k] = nClusters++;

  const labels = new Int32Array(n).fill(-1);
  const probabilities = new Float32Array(n);
  for (let i = 0; i < child.length; i++) {
    const p = child[i]!;
    if (p >= n) continue;
    const k = owner[parent[i]! - n]!;
    if (!selected[k]) continue;
    const lam = lambda[i]!;
    if (k === 0 && lam < death[0]!) continue;
    labels[p] = labelOf[k]!;
    const maxLam = death[k]!;
    probabilities[p] = maxLam === 0 || !Number.isFinite(lam) ? 1 : Math.min(lam, maxLam) / maxLam;
  }
  return { labels, nClusters, probabilities };
}

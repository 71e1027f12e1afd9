/**
 * The HDBSCAN condensed tree: the single-linkage tree seen from the root down, where a split counts only when both
 * sides hold at least minClusterSize points; smaller sides are points falling out of the cluster at λ = 1/distance.
 */
import type { Linkage } from './linkage.ts';

/**
 * Rows (parent, child, lambda, childSize). Points keep their ids 0..nPoints-1; clusters are numbered from
 * nPoints (the root) upwards in breadth-first order, so every child cluster has a larger id than its parent.
 */
export interface CondensedTree {
  nPoints: number;
  nClusters: number;
  parent: Int32Array;
  child: Int32Array;
  lambda: Float64Array;
  childSize: Int32Array;
}

/** Condenses a single-linkage tree of n ≥ 2 points with the given minimum cluster size. */
export function condenseTree(link: Linkage, minClusterSize: number): CondensedTree {
  const n = link.n;
  const root = 2 * n - 2;
  const cap = 2 * n;
  const parent = new Int32Array(cap);
  const child = new Int32Array(cap);
  const lambda = new Float64Array(cap);
  const childSize = new Int32Array(cap);
  let rows = 0;
  const push = (p: number, c: number, l: number, s: number): void => {
    parent[rows] = p;
    child[rows] = c;
    lambda[rows] = l;
    childSize[rows] = s;
    rows++;
  };
  const sizeOf = (node: number): number => (node < n ? 1 : link.size[node - n]!);
  const leafStack: number[] = [];
  const fallOut = (node: number, cluster: number, l: number): void => {
    leafStack.push(node);
    while (leafStack.length > 0) {
      const x = leafStack.pop()!;
      if (x < n) {
        push(cluster, x, l, 1);
      } else {
        leafStack.push(link.right[x - n]!, link.left[x - n]!);
      }
    }
  };

  const relabel = new Int32Array(root + 1);
  relabel[root] = n;
  let nextLabel = n + 1;
  // Breadth-first over the nodes that are still clusters.
  const queue = new Int32Array(root + 1);
  let head = 0;
  let tail = 0;
  queue[tail++] = root;
  while (head < tail) {
    const node = queue[head++]!;
    if (node < n) continue;
    const row = node - n;
    const l = link.left[row]!;
    const r = link.right[row]!;
    const dist = link.dist[row]!;
    const lam = dist > 0 ? 1 / dist : Number.POSITIVE_INFINITY;
    const ls = sizeOf(l);
    const rs = sizeOf(r);
    const me = relabel[node]!;
    if (ls >= minClusterSize && rs >= minClusterSize) {
      relabel[l] = nextLabel++;
      push(me, relabel[l]!, lam, ls);
      relabel[r] = nextLabel++;
      push(me, relabel[r]!, lam, rs);
      queue[tail++] = l;
      queue[tail++] = r;
    } else if (ls < minClusterSize && rs < minClusterSize) {
      fallOut(l, me, lam);
      fallOut(r, me, lam);
    } else if (ls < minClusterSize) {
      relabel[r] = me;
      fallOut(l, me, lam);
      queue[tail++] = r;
    } else {
      relabel[l] = me;
      fallOut(r, me, lam);
      queue[tail++] = l;
    }
  }
  return {
    nPoints: n,
    nClusters: nextLabel - n,
    parent: parent.slice(0, rows),
    child: child.slice(0, rows),
    lambda: lambda.slice(0, rows),
    childSize: childSize.slice(0, rows),
  };
}

/** Stability of each cluster (index = id − nPoints): Σ over its rows of (λ − λ_birth) · childSize. */
export function clusterStability(tree: CondensedTree): Float64Array {
  const { nPoints, nClusters, parent, child, lambda, childSize } = tree;
  const birth = new Float64Array(nClusters);
  for (let i = 0; i < child.length; i++) if (child[i]! >= nPoints) birth[child[i]! - nPoints] = lambda[i]!;
  const stability = new Float64Array(nClusters);
  for (let i = 0; i < parent.length; i++) {
    const k = parent[i]! - nPoints;
    stability[k] = stability[k]! + (lambda[i]! - birth[k]!) * childSize[i]!;
  }
  return stability;
}

/**
 * Exact MST of the mutual-reachability graph by Borůvka rounds over a kd-tree: each round finds, for every
 * component, its cheapest edge to another component (in the edge order of mst.ts) and adds them all.
 */
import { distSq64, type KdTree } from './kdtree.ts';
import type { SpanningTree } from './mst.ts';
import { UnionFind } from './union-find.ts';

/** Whether edge (w, original i, original j) ranks strictly before (w2, lo2, hi2) where lo2 < hi2. */
function before(w: number, i: number, j: number, w2: number, lo2: number, hi2: number): boolean {
  if (w !== w2) return w < w2;
  const lo = Math.min(i, j);
  if (lo !== lo2) return lo < lo2;
  return Math.max(i, j) < hi2;
}

/** MST of the mutual-reachability graph given squared core distances by original index (kd-tree Borůvka). */
export function boruvkaMst(tree: KdTree, coreSqByIndex: Float64Array): SpanningTree {
  const { n, d, data, index, left, right, start, end, nodeCount } = tree;
  const m = Math.max(0, n - 1);
  const out: SpanningTree = { lo: new Int32Array(m), hi: new Int32Array(m), w2: new Float64Array(m) };
  if (n < 2) return out;

  // Everything below works on tree positions; ties are broken on original indices.
  const core = new Float64Array(n);
  for (let p = 0; p < n; p++) core[p] = coreSqByIndex[index[p]!]!;
  const nodeMinCore = new Float64Array(nodeCount);
  const nodeComp = new Int32Array(nodeCount);
  for (let c = nodeCount - 1; c >= 0; c--) {
    const l = left[c]!;
    if (l >= 0) {
      nodeMinCore[c] = Math.min(nodeMinCore[l]!, nodeMinCore[right[c]!]!);
    } else {
      let v = Number.POSITIVE_INFINITY;
      for (let j = start[c]!; j < end[c]!; j++) if (core[j]! < v) v = core[j]!;
      nodeMinCore[c] = v;
    }
  }

  const uf = new UnionFind(n);
  const comp = new Int32Array(n);
  // Per point: cheapest known edge to another component (target position, or -1) and a lower bound on it.
  const nnTarget = new Int32Array(n).fill(-1);
  const nnW = new Float64Array(n);
  const lowerBound = Float64Array.from(core);
  // Per component representative: best edge found this round.
  const bestW = new Float64Array(n);
  const bestLo = new Int32Array(n);
  const bestHi = new Int32Array(n);
  const bestP = new Int32Array(n);
  const bestQ = new Int32Array(n);
  const stack = new Int32Array(Math.max(64, 2 * nodeCount));
  let edges = 0;

  const offer = (cp: number, w: number, p: number, q: number): void => {
    const ip = index[p]!;
    const iq = index[q]!;
    if (before(w, ip, iq, bestW[cp]!, bestLo[cp]!, bestHi[cp]!)) {
      bestW[cp] = w;
      bestLo[cp] = Math.min(ip, iq);
      bestHi[cp] = Math.max(ip, iq);
      bestP[cp] = p;
      bestQ[cp] = q;
    }
  };

  // Cheapest edge from p to another component that ranks before the component's current best, or -1.
  const query = (p: number): number => {
    const cp = comp[p]!;
    const cCore = core[p]!;
    const ip = index[p]!;
    let w0 = bestW[cp]!;
    let lo0 = bestLo[cp]!;
    let hi0 = bestHi[cp]!;
    let found = -1;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const c = stack[--top]!;
      if (nodeComp[c] === cp) continue;
      if (cCore > w0 || nodeMinCore[c]! > w0) continue;
      if (tree.boxDistSq(c, data, p, w0) > w0) continue;
      const l = left[c]!;
      if (l >= 0) {
        const r = right[c]!;
        if (tree.boxDistSq(l, data, p, w0) <= tree.boxDistSq(r, data, p, w0)) {
          stack[top++] = r;
          stack[top++] = l;
        } else {
          stack[top++] = l;
          stack[top++] = r;
        }
        continue;
      }
      for (let j = start[c]!, e = end[c]!; j < e; j++) {
        if (comp[j] === cp) continue;
        let w = core[j]!;
        if (w > w0) continue;
        if (cCore > w) w = cCore;
        const ds = distSq64(data, p, data, j, d);
        if (ds > w) w = ds;
        if (before(w, ip, index[j]!, w0, lo0, hi0)) {
          w0 = w;
          const ij = index[j]!;
          lo0 = Math.min(ip, ij);
          hi0 = Math.max(ip, ij);
          found = j;
        }
      }
    }
    if (found >= 0) {
      nnTarget[p] = found;
      nnW[p] = w0;
      lowerBound[p] = w0;
    }
    return found;
  };

  while (edges < m) {
    for (let p = 0; p < n; p++) comp[p] = uf.find(p);
    for (let c = nodeCount - 1; c >= 0; c--) {
      const l = left[c]!;
      if (l >= 0) {
        const a = nodeComp[l]!;
        nodeComp[c] = a >= 0 && a === nodeComp[right[c]!] ? a : -1;
      } else {
        let a = comp[start[c]!]!;
        for (let j = start[c]! + 1; j < end[c]! && a >= 0; j++) if (comp[j] !== a) a = -1;
        nodeComp[c] = a;
      }
    }
    for (let p = 0; p < n; p++) {
      if (comp[p] === p) {
        bestW[p] = Number.POSITIVE_INFINITY;
        bestLo[p] = -1;
        bestHi[p] = -1;
        bestP[p] = -1;
      }
    }
    // Cached edges whose target is still in another component remain the cheapest for their point.
    for (let p = 0; p < n; p++) {
      const t = nnTarget[p]!;
      if (t < 0) continue;
      if (comp[t] !== comp[p]) offer(comp[p]!, nnW[p]!, p, t);
      else nnTarget[p] = -1;
    }
    for (let p = 0; p < n; p++) {
      if (nnTarget[p]! >= 0) continue;
      const cp = comp[p]!;
      if (lowerBound[p]! > bestW[cp]!) continue;
      const q = query(p);
      if (q >= 0) offer(cp, nnW[p]!, p, q);
      else if (bestW[cp]! > lowerBound[p]!) lowerBound[p] = bestW[cp]!;
    }
    let added = 0;
    for (let r = 0; r < n; r++) {
      if (comp[r] !== r || bestP[r]! < 0) continue;
      if (uf.union(bestP[r]!, bestQ[r]!)) {
        out.lo[edges] = bestLo[r]!;
        out.hi[edges] = bestHi[r]!;
        out.w2[edges] = bestW[r]!;
        edges++;
        added++;
      }
    }
    if (added === 0) throw new Error('Borůvka round added no edge; the graph is disconnected');
  }
  return out;
}

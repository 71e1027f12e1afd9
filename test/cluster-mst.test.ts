import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreDistancesSqBrute } from '../src/cluster/core-distance.ts';
import { distSq, KdTree } from '../src/cluster/kdtree.ts';
import { singleLinkage } from '../src/cluster/linkage.ts';
import { primMst, type SpanningTree, sortEdges } from '../src/cluster/mst.ts';
import { boruvkaMst } from '../src/cluster/mst-boruvka.ts';
import { UnionFind } from '../src/cluster/union-find.ts';
import { Rng } from '../src/core/rng.ts';
import { TsBackend } from '../src/kernels/index.ts';

const ts = new TsBackend();

/** Kruskal over all pairs with the same (weight, lower index, higher index) order: an independent oracle. */
function kruskal(pts: Float32Array, n: number, d: number, coreSq: Float64Array): SpanningTree {
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      edges.push([Math.max(distSq(pts, i, pts, j, d), coreSq[i]!, coreSq[j]!), i, j]);
    }
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const uf = new UnionFind(n);
  const kept = edges.filter(([, i, j]) => uf.union(i, j));
  return {
    lo: Int32Array.from(kept, (e) => e[1]),
    hi: Int32Array.from(kept, (e) => e[2]),
    w2: Float64Array.from(kept, (e) => e[0]),
  };
}

const cases = [
  { name: 'continuous 3-D', n: 150, d: 3, grid: false, minSamples: 1 },
  { name: 'continuous 3-D, minSamples 6', n: 150, d: 3, grid: false, minSamples: 6 },
  { name: 'integer grid with repeated points', n: 150, d: 2, grid: true, minSamples: 3 },
  { name: 'integer grid, minSamples 1 (zero-length edges)', n: 120, d: 3, grid: true, minSamples: 1 },
  { name: 'continuous 9-D', n: 120, d: 9, grid: false, minSamples: 4 },
];

for (const c of cases) {
  test(`Prim and kd-tree Borůvka return the unique ordered MST (${c.name})`, () => {
    const rng = new Rng(c.name);
    const pts = Float32Array.from({ length: c.n * c.d }, () => (c.grid ? rng.int(5) : rng.normal()));
    const coreSq = coreDistancesSqBrute(pts, c.n, c.d, c.minSamples, ts);
    const expected = kruskal(pts, c.n, c.d, coreSq);
    const prim = sortEdges(primMst(pts, c.n, c.d, coreSq, ts));
    const boruvka = sortEdges(boruvkaMst(new KdTree(pts, c.n, c.d, 4), coreSq));
    assert.deepEqual(prim, expected);
    assert.deepEqual(boruvka, expected);
  });
}

test('single linkage merges in edge order and tracks sizes', () => {
  // Points on a line at 0, 1, 3, 7: gaps 1, 2, 4.
  const pts = Float32Array.from([0, 1, 3, 7]);
  const mst = sortEdges(primMst(pts, 4, 1, new Float64Array(4), ts));
  const link = singleLinkage(mst, 4);
  assert.deepEqual(Array.from(link.left), [0, 4, 5]);
  assert.deepEqual(Array.from(link.right), [1, 2, 3]);
  assert.deepEqual(Array.from(link.dist), [1, 2, 4]);
  assert.deepEqual(Array.from(link.size), [2, 3, 4]);
});

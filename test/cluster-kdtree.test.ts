import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreDistancesSqBrute, coreDistancesSqTree } from '../src/cluster/core-distance.ts';
import { distSq, KdTree } from '../src/cluster/kdtree.ts';
import { Rng } from '../src/core/rng.ts';
import { TsBackend } from '../src/kernels/index.ts';

const ts = new TsBackend();

/** Random points; with `grid`, coordinates are small integers so that distances tie and points repeat. */
function randomPoints(n: number, d: number, seed: string, grid = false): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * d }, () => (grid ? rng.int(4) : rng.normal()));
}

test('kd-tree keeps every point exactly once, with its coordinates', () => {
  const pts = randomPoints(500, 3, 'perm');
  const tree = new KdTree(pts, 500, 3, 8);
  const seen = new Set(tree.index);
  assert.equal(seen.size, 500);
  for (let p = 0; p < 500; p++) {
    for (let t = 0; t < 3; t++) assert.equal(tree.data[p * 3 + t], pts[tree.index[p]! * 3 + t]);
  }
});

for (const [d, grid] of [
  [2, false],
  [3, true],
  [7, false],
] as const) {
  test(`k-th neighbour distances match brute force (d=${d}, ${grid ? 'ties' : 'continuous'})`, () => {
    const n = 400;
    const pts = randomPoints(n, d, `knn${d}`, grid);
    const tree = new KdTree(pts, n, d, 5);
    for (const k of [1, 2, 5, 17]) {
      assert.deepEqual(coreDistancesSqTree(tree, k), coreDistancesSqBrute(pts, n, d, k, ts), `k=${k}`);
    }
  });
}

test('k-th neighbour distance counts the point itself', () => {
  const pts = Float32Array.from([0, 0, 3, 0, 10, 0]);
  const tree = new KdTree(pts, 3, 2);
  assert.deepEqual(Array.from(tree.kthNeighbourDistSq(1)), [0, 0, 0]);
  assert.deepEqual(Array.from(tree.kthNeighbourDistSq(2)), [9, 9, 49]);
  assert.deepEqual(Array.from(coreDistancesSqBrute(pts, 3, 2, 2, ts)), [9, 9, 49]);
});

test('nearest and radius queries match brute force; nearest breaks ties by lower index', () => {
  const n = 300;
  const d = 3;
  const pts = randomPoints(n, d, 'queries', true);
  const tree = new KdTree(pts, n, d, 4);
  const rng = new Rng('q');
  const q = new Float64Array(d);
  for (let trial = 0; trial < 50; trial++) {
    for (let t = 0; t < d; t++) q[t] = rng.int(5) - 0.5 * rng.int(2);
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    const inside: number[] = [];
    for (let i = 0; i < n; i++) {
      const ds = distSq(q, 0, pts, i, d);
      if (ds < bestD) {
        bestD = ds;
        best = i;
      }
      if (ds <= 2) inside.push(i);
    }
    assert.equal(tree.index[tree.nearest(q, 0)], best);
    const count = tree.radiusQuery(q, 0, 2);
    const found = Array.from(tree.hits.subarray(0, count), (p) => tree.index[p]!).sort((a, b) => a - b);
    assert.deepEqual(found, inside);
    assert.equal(tree.countInRadius(q, 0, 2, 1e9), inside.length);
    assert.equal(tree.countInRadius(q, 0, 2, 3), Math.min(3, inside.length));
  }
});

test('identical points and an empty tree are handled', () => {
  const same = new Float32Array(3 * 50).fill(1.5);
  const tree = new KdTree(same, 50, 3, 4);
  assert.equal(tree.kthNeighbourDistSq(10)[7], 0);
  assert.equal(tree.radiusQuery(same, 0, 0), 50);
  const empty = new KdTree(new Float32Array(0), 0, 3);
  assert.equal(empty.nearest(same, 0), -1);
  assert.equal(empty.radiusQuery(same, 0, 1), 0);
});

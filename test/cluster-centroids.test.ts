import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustedRandIndex } from '../src/cluster/ari.ts';
import { assignNearest, weightedCentroids } from '../src/cluster/centroids.ts';
import { Rng } from '../src/core/rng.ts';

test('centroids are probability-weighted means that ignore noise', () => {
  const pts = Float32Array.from([0, 0, 2, 4, 10, 10, 99, 99]);
  const result = {
    labels: Int32Array.from([0, 0, 1, -1]),
    nClusters: 2,
    probabilities: Float32Array.from([1, 0.5, 1, 0]),
  };
  const c = weightedCentroids(pts, 4, 2, result);
  assert.deepEqual(Array.from(c), Array.from(Float32Array.from([2 / 3, 4 / 3, 10, 10])));
});

test('without probabilities, or with all-zero weights, centroids are plain means', () => {
  const pts = Float32Array.from([0, 4, 10, 20]);
  const labels = Int32Array.from([0, 0, 1, 1]);
  assert.deepEqual(Array.from(weightedCentroids(pts, 4, 1, { labels, nClusters: 2 })), [2, 15]);
  const zero = { labels, nClusters: 2, probabilities: Float32Array.from([0, 0, 1, 0]) };
  assert.deepEqual(Array.from(weightedCentroids(pts, 4, 1, zero)), [2, 10]);
});

test('nearest-centroid assignment breaks ties towards the lower index', () => {
  const centroids = Float32Array.from([0, 2, 2]);
  const pts = Float32Array.from([1, 1.9, 3, -5]);
  assert.deepEqual(Array.from(assignNearest(pts, 4, 1, centroids, 3)), [0, 1, 1, 0]);
  assert.deepEqual(Array.from(assignNearest(pts, 4, 1, centroids, 0)), [-1, -1, -1, -1]);
});

test('many centroids (kd-tree search) give the same assignment as a full scan', () => {
  const rng = new Rng('assign');
  const d = 3;
  const k = 80;
  const n = 2000;
  // Integer coordinates make exact ties common.
  const centroids = Float32Array.from({ length: k * d }, () => rng.int(6));
  const pts = Float32Array.from({ length: n * d }, () => rng.int(12) / 2);
  const got = assignNearest(pts, n, d, centroids, k);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (pts[i * d + t]! - centroids[c * d + t]!) ** 2;
      if (s < bestD) {
        bestD = s;
        best = c;
      }
    }
    assert.equal(got[i], best, `point ${i}`);
  }
});

test('adjusted Rand index: hand-computed value, relabelling, noise as a group', () => {
  // Contingency [[2,1,0],[0,1,2]]: Σ C(n_ij,2) = 2, rows 6, columns 3, C(6,2) = 15 → (2 − 1.2)/(4.5 − 1.2).
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) - 0.8 / 3.3) < 1e-12);
  assert.equal(adjustedRandIndex([0, 0, 1, 1, 2], [7, 7, -1, -1, 3]), 1);
  assert.equal(adjustedRandIndex([0, 0, 0], [5, 5, 5]), 1);
  assert.equal(adjustedRandIndex([0, 1, 2], [0, 1, 2]), 1);
  assert.ok(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) < 0);
  assert.throws(() => adjustedRandIndex([0], [0, 1]), RangeError);
});

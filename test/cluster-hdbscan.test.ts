import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustedRandIndex } from '../src/cluster/ari.ts';
import { cluster } from '../src/cluster/cluster.ts';
import { hdbscan, resolveHdbscanPath } from '../src/cluster/hdbscan.ts';
import type { HdbscanPath } from '../src/cluster/types.ts';
import { Rng } from '../src/core/rng.ts';
import { gaussianBlobs } from './helpers/cluster-blobs.ts';

const PATHS: HdbscanPath[] = ['exact', 'knn'];

/** 1-D points from a list of positions. */
const line = (xs: number[]): Float32Array => Float32Array.from(xs);

test('two points: noise by default, one cluster when a single cluster is allowed', () => {
  const pts = line([0, 2]);
  for (const path of PATHS) {
    const plain = hdbscan(pts, 2, 1, { minClusterSize: 2, path });
    assert.deepEqual(Array.from(plain.labels), [-1, -1]);
    assert.equal(plain.nClusters, 0);
    const single = hdbscan(pts, 2, 1, { minClusterSize: 2, allowSingleCluster: true, path });
    assert.deepEqual(Array.from(single.labels), [0, 0]);
    assert.deepEqual(Array.from(single.probabilities!), [1, 1]);
  }
});

test('evenly spaced points never split: all noise, or one cluster if allowed', () => {
  const pts = line([0, 1, 2, 3, 4]);
  for (const path of PATHS) {
    const plain = hdbscan(pts, 5, 1, { minClusterSize: 3, minSamples: 1, path });
    assert.equal(plain.nClusters, 0);
    assert.ok(plain.labels.every((l) => l === -1));
    assert.ok(plain.probabilities!.every((p) => p === 0));
    const single = hdbscan(pts, 5, 1, { minClusterSize: 3, minSamples: 1, allowSingleCluster: true, path });
    assert.equal(single.nClusters, 1);
    assert.deepEqual(Array.from(single.labels), [0, 0, 0, 0, 0]);
  }
});

test('a single cluster excludes a far outlier, which leaves the root first', () => {
  const pts = line([0, 1, 2, 3, 4, 5, 100]);
  const r = hdbscan(pts, 7, 1, { minClusterSize: 3, minSamples: 1, allowSingleCluster: true });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 0, 0, -1]);
});

test('two separated groups: two clusters, and a straggler has probability λ / λmax', () => {
  // Group A: 0 1 2 3 and a straggler at 5 (joins at distance 2 → λ = 0.5; the rest leave at λ = 1).
  // Group B: 100..103, exactly minClusterSize points. The groups join at distance 95.
  const pts = line([0, 1, 2, 3, 5, 100, 101, 102, 103]);
  for (const path of PATHS) {
    for (const allowSingleCluster of [false, true]) {
      const r = hdbscan(pts, 9, 1, { minClusterSize: 4, minSamples: 1, allowSingleCluster, path });
      assert.equal(r.nClusters, 2);
      assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
      assert.deepEqual(Array.from(r.probabilities!), [1, 1, 1, 1, 0.5, 1, 1, 1, 1]);
    }
  }
  // One more point needed per cluster: no split survives, so everything is noise.
  assert.equal(hdbscan(pts, 9, 1, { minClusterSize: 5, minSamples: 1 }).nClusters, 0);
});

test('minSamples counts the point itself when taking the core distance', () => {
  // With minSamples = 2 a point's core distance is the distance to its nearest other point: 1 for 0..4 and 2
  // for the straggler at 6, so the straggler leaves at λ = 1/2 while the rest leave at λ = 1. (Counting
  // neighbours without the point itself would give cores 2,1,1,1,2,3 and probabilities 0.5 for 0, 1/3 for 6.)
  const pts = line([0, 1, 2, 3, 4, 6, 100, 101, 102, 103, 104]);
  for (const path of PATHS) {
    const r = hdbscan(pts, 11, 1, { minClusterSize: 4, minSamples: 2, path });
    assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(r.probabilities!), [1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1]);
  }
});

test('Gaussian blobs with background noise are recovered (ARI ≥ 0.95)', () => {
  for (const [d, seed] of [
    [2, 'hb2'],
    [3, 'hb3'],
    [8, 'hb8'],
  ] as const) {
    const data = gaussianBlobs({
      blobs: 5,
      perBlob: 300,
      d,
      sigma: 0.5,
      box: 10,
      minSeparation: 5,
      noiseFraction: 0.03,
      seed,
    });
    const r = cluster(data.points, data.n, d, { method: 'hdbscan', minClusterSize: 15, minSamples: 5 });
    const ari = adjustedRandIndex(r.labels, data.truth);
    assert.ok(ari >= 0.95, `d=${d}: ARI ${ari}`);
    assert.equal(r.nClusters, 5, `d=${d}`);
  }
});

test('exact and kNN paths give identical labels and probabilities', () => {
  const sets: { name: string; pts: Float32Array; n: number; d: number }[] = [];
  for (const d of [2, 3, 6]) {
    const b = gaussianBlobs({
      blobs: 4,
      perBlob: 150,
      d,
      sigma: 1,
      box: 6,
      minSeparation: 3,
      noiseFraction: 0.1,
      seed: `agree${d}`,
    });
    sets.push({ name: `blobs ${d}-D`, pts: b.points, n: b.n, d });
  }
  const rng = new Rng('grid');
  sets.push({
    name: 'integer grid',
    pts: Float32Array.from({ length: 900 }, () => rng.int(6)),
    n: 300,
    d: 3,
  });
  for (const s of sets) {
    for (const [minClusterSize, minSamples, allowSingleCluster] of [
      [10, 1, false],
      [10, 5, false],
      [40, 10, true],
    ] as const) {
      const params = { minClusterSize, minSamples, allowSingleCluster };
      const exact = hdbscan(s.pts, s.n, s.d, { ...params, path: 'exact' });
      const knn = hdbscan(s.pts, s.n, s.d, { ...params, path: 'knn' });
      const what = `${s.name}, ${JSON.stringify(params)}`;
      assert.deepEqual(knn.labels, exact.labels, what);
      assert.deepEqual(knn.probabilities, exact.probabilities, what);
    }
  }
});

test('results are deterministic and independent of input order up to relabelling', () => {
  const data = gaussianBlobs({
    blobs: 3,
    perBlob: 100,
    d: 3,
    sigma: 0.6,
    box: 8,
    minSeparation: 4,
    seed: 'order',
  });
  const a = hdbscan(data.points, data.n, 3, { minClusterSize: 10 });
  const b = hdbscan(data.points, data.n, 3, { minClusterSize: 10 });
  assert.deepEqual(a, b);
  const perm = new Rng('p').permutation(data.n);
  const shuffled = new Float32Array(data.points.length);
  for (let i = 0; i < data.n; i++) shuffled.set(data.points.subarray(perm[i]! * 3, perm[i]! * 3 + 3), i * 3);
  const c = hdbscan(shuffled, data.n, 3, { minClusterSize: 10 });
  const back = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) back[perm[i]!] = c.labels[i]!;
  assert.equal(adjustedRandIndex(back, a.labels), 1);
});

test('probabilities lie in [0, 1], are 0 exactly for noise and 1 for some point of every cluster', () => {
  const data = gaussianBlobs({
    blobs: 4,
    perBlob: 200,
    d: 3,
    sigma: 0.5,
    box: 10,
    minSeparation: 5,
    noiseFraction: 0.1,
    seed: 'probs',
  });
  const r = hdbscan(data.points, data.n, 3, { minClusterSize: 20, minSamples: 5 });
  const top = new Float32Array(r.nClusters);
  for (let i = 0; i < data.n; i++) {
    const p = r.probabilities![i]!;
    assert.ok(p >= 0 && p <= 1);
    if (r.labels[i]! < 0) assert.equal(p, 0);
    else {
      assert.ok(p > 0);
      top[r.labels[i]!] = Math.max(top[r.labels[i]!]!, p);
    }
  }
  assert.ok(top.every((p) => p === 1));
});

test('tiny inputs and bad parameters', () => {
  assert.deepEqual(hdbscan(new Float32Array(0), 0, 3, { minClusterSize: 5 }).labels, new Int32Array(0));
  assert.deepEqual(Array.from(hdbscan(line([4]), 1, 1, { minClusterSize: 2 }).labels), [-1]);
  assert.throws(() => hdbscan(line([0, 1]), 2, 1, { minClusterSize: 1 }), RangeError);
  assert.throws(() => hdbscan(line([0, 1]), 2, 1, { minClusterSize: 2, minSamples: 0 }), RangeError);
  assert.throws(() => hdbscan(line([0, Number.NaN]), 2, 1, { minClusterSize: 2 }), RangeError);
  assert.throws(() => hdbscan(line([0, 1]), 3, 1, { minClusterSize: 2 }), RangeError);
  // minSamples above n − 1 is clamped, as the reference does.
  const clamped = hdbscan(line([0, 1, 2, 10, 11, 12]), 6, 1, { minClusterSize: 3, minSamples: 50 });
  assert.deepEqual(clamped, hdbscan(line([0, 1, 2, 10, 11, 12]), 6, 1, { minClusterSize: 3, minSamples: 5 }));
});

test("'auto' picks the exact path for small or high-dimensional inputs", () => {
  assert.equal(resolveHdbscanPath('auto', 100, 3), 'exact');
  assert.equal(resolveHdbscanPath('auto', 100_000, 3), 'knn');
  assert.equal(resolveHdbscanPath('auto', 100_000, 16), 'exact');
  assert.equal(resolveHdbscanPath('knn', 10, 3), 'knn');
});

test('every method reports progress that ends at its total', () => {
  const data = gaussianBlobs({
    blobs: 2,
    perBlob: 100,
    d: 2,
    sigma: 0.3,
    box: 5,
    minSeparation: 4,
    seed: 'prog',
  });
  const params = [
    { method: 'hdbscan', minClusterSize: 10 },
    { method: 'dbscan', eps: 0.5, minSamples: 4 },
    { method: 'meanshift', bandwidth: 1, binSeeding: true },
  ] as const;
  for (const p of params) {
    const calls: [number, number][] = [];
    cluster(data.points, data.n, 2, p, (done, total) => calls.push([done, total]));
    assert.ok(calls.length > 0, p.method);
    const [done, total] = calls.at(-1)!;
    assert.equal(done, total, p.method);
    assert.ok(
      calls.every(([d, t], i) => d <= t && (i === 0 || d >= calls[i - 1]![0])),
      p.method,
    );
  }
});

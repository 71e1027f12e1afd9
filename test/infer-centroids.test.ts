import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveHdbscanPath } from '../src/cluster/index.ts';
import { Rng } from '../src/core/rng.ts';
import {
  assignInstances,
  extractCentroids,
  type LinkageCache,
  MAX_FIT_POINTS,
  MAX_FIT_POINTS_HIGH_DIM,
  maxFitPoints,
  robustRescale,
} from '../src/infer/class-centroids.ts';
import { candidateParams, selectParameter } from '../src/infer/select-parameter.ts';

const rng = new Rng('centroids');

/** n points around each centre (d = 3), with their class. */
function blobs(centres: number[][], n: number, sd: number, cls: number) {
  const emb: number[] = [];
  const sem: number[] = [];
  const truth: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < n; i++) {
      emb.push(...c.map((v) => v + sd * rng.normal()));
      sem.push(cls);
      truth.push(k);
    }
  });
  return { emb, sem, truth };
}

test('robust rescale drops points beyond 3σ and maps the rest into [0, 1]', () => {
  const pts = Float32Array.from([...Array.from({ length: 300 }, () => rng.normal()), 1000, 1000, 1000]);
  const r = robustRescale(pts, 101, 3);
  assert.equal(r.kept.length, 100);
  assert.ok(!r.kept.includes(100));
  for (const i of r.kept)
    for (let k = 0; k < 3; k++) {
      const v = (pts[i * 3 + k]! - r.min[k]!) / r.range[k]!;
      assert.ok(v >= 0 && v <= 1 + 1e-6);
    }
});

test('per-class clustering finds the blobs of each thing class and ids stay unique across classes', () => {
  const a = blobs(
    [
      [0, 0, 0],
      [4, 0, 0],
      [0, 4, 0],
    ],
    200,
    0.2,
    1,
  );
  const b = blobs(
    [
      [0, 0, 4],
      [4, 4, 4],
    ],
    200,
    0.2,
    2,
  );
  const stuff = blobs([[9, 9, 9]], 100, 0.2, 0);
  const emb = Float32Array.from([...a.emb, ...b.emb, ...stuff.emb]);
  const sem = Uint16Array.from([...a.sem, ...b.sem, ...stuff.sem]);
  const cents = extractCentroids(
    { embedding: emb, dim: 3, semantic: sem },
    [1, 2],
    { method: 'hdbscan', minClusterSize: 50, minSamples: 1, allowSingleCluster: true },
    rng,
  );
  assert.deepEqual(
    cents.map((c) => [c.classId, c.centroids.length]),
    [
      [1, 3],
      [2, 2],
    ],
  );
  const ids = assignInstances(emb, 3, sem, cents);
  // Every blob maps to one id, different blobs to different ids, stuff to 0.
  const truth = [...a.truth, ...b.truth.map((t) => t + 10)];
  const idOf = new Map<number, Set<number>>();
  truth.forEach((t, i) => {
    if (!idOf.has(t)) idOf.set(t, new Set());
    idOf.get(t)!.add(ids[i]!);
  });
  for (const s of idOf.values()) assert.equal(s.size, 1);
  assert.equal(new Set([...idOf.values()].map((s) => [...s][0])).size, 5);
  for (let i = truth.length; i < ids.length; i++) assert.equal(ids[i], 0);
});

test('a class too small to cluster gets one centroid; a class without centroids gets id 0', () => {
  const emb = Float32Array.from([0, 0, 0, 1, 1, 1, 5, 5, 5]);
  const sem = Uint16Array.from([1, 1, 2]);
  const cents = extractCentroids(
    { embedding: emb, dim: 3, semantic: sem },
    [1],
    { method: 'hdbscan', minClusterSize: 50, minSamples: 1, allowSingleCluster: true },
    rng,
  );
  assert.equal(cents.length, 1);
  assert.equal(cents[0]!.centroids.length, 1);
  assert.equal(cents[0]!.clusters, 0);
  const ids = assignInstances(emb, 3, sem, cents);
  assert.deepEqual([...ids], [1, 1, 0]);
});

test('candidate parameters scale with the number of points', () => {
  const small = candidateParams('hdbscan', 1000, 3).map((p) =>
    p.method === 'hdbscan' ? p.minClusterSize : 0,
  );
  const large = candidateParams('hdbscan', 100000, 3).map((p) =>
    p.method === 'hdbscan' ? p.minClusterSize : 0,
  );
  assert.ok(Math.max(...large) > Math.max(...small));
  assert.ok(candidateParams('meanshift', 1000, 3).every((p) => p.method === 'meanshift' && p.bandwidth > 0));
});

test('high-dimensional embeddings are fitted on fewer points, where HDBSCAN takes its all-pairs path', () => {
  assert.equal(maxFitPoints(3), MAX_FIT_POINTS);
  assert.equal(resolveHdbscanPath('auto', MAX_FIT_POINTS, 3), 'knn');
  assert.equal(maxFitPoints(24), MAX_FIT_POINTS_HIGH_DIM);
  assert.equal(resolveHdbscanPath('auto', MAX_FIT_POINTS, 24), 'exact');
  assert.ok(MAX_FIT_POINTS_HIGH_DIM < MAX_FIT_POINTS);
});

test('a sweep of cluster sizes over one tree cache gives the centroids of fresh clusterings', () => {
  const a = blobs(
    [
      [0, 0, 0],
      [3, 0, 0],
      [0, 3, 0],
      [3, 3, 0.5],
    ],
    150,
    0.6,
    1,
  );
  const b = blobs(
    [
      [0, 0, 4],
      [4, 4, 4],
    ],
    120,
    0.5,
    2,
  );
  const sample = {
    embedding: Float32Array.from([...a.emb, ...b.emb]),
    dim: 3,
    semantic: Uint16Array.from([...a.sem, ...b.sem]),
  };
  const trees: LinkageCache = new Map();
  const counts = new Set<number>();
  for (const minClusterSize of [5, 20, 60, 140, 400]) {
    for (const allowSingleCluster of [true, false]) {
      const params = { method: 'hdbscan' as const, minClusterSize, minSamples: 1, allowSingleCluster };
      const fresh = extractCentroids(sample, [1, 2], params, new Rng('x'));
      const cached = extractCentroids(sample, [1, 2], params, new Rng('x'), undefined, trees);
      assert.deepEqual(cached, fresh);
      counts.add(fresh.reduce((s, c) => s + c.centroids.length, 0));
    }
  }
  // One tree per class, reused by all ten settings, which do not all agree.
  assert.equal(trees.size, 2);
  assert.ok(counts.size >= 3, `instance counts ${[...counts]}`);
});

test('the selection splits a class whose root outweighs its split when the 2D masks show two objects', () => {
  const r = new Rng('root');
  const draw = (k: number) => [3 * k + r.normal(), r.normal(), r.normal()];
  const sampleEmb: number[] = [];
  for (let i = 0; i < 800; i++) sampleEmb.push(...draw(i % 2));
  const sample = { embedding: Float32Array.from(sampleEmb), dim: 3, semantic: new Uint16Array(800).fill(1) };
  const views = Array.from({ length: 4 }, () => {
    const truth = Array.from({ length: 300 }, (_, i) => i % 2);
    return {
      embedding: Float32Array.from(truth.flatMap(draw)),
      semantic: new Uint16Array(300).fill(1),
      segmenterInstance: Uint16Array.from(truth, (t) => t + 1),
      segmenterSemantic: new Uint16Array(300).fill(1),
    };
  });
  const kinds = { things: new Set([1]), stuff: new Set([0]) };
  const candidates = candidateParams('hdbscan', 800, 3);
  assert.ok(candidates.some((p) => p.method === 'hdbscan' && !p.allowSingleCluster));
  const { best, scores } = selectParameter(sample, views, [1], kinds, candidates, new Rng('sel'));
  // With the root allowed, every size finds one cluster here; the selection must see that two score better.
  const single = scores.filter((s) => s.params.method === 'hdbscan' && s.params.allowSingleCluster);
  const cents = (p: (typeof scores)[number]['params']) =>
    extractCentroids(sample, [1], p, new Rng('c'))[0]!.centroids.length;
  assert.ok(single.every((s) => cents(s.params) === 1));
  assert.equal(best.method === 'hdbscan' && best.allowSingleCluster, false);
  assert.equal(cents(best), 2);
});

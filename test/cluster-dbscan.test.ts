import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustedRandIndex } from '../src/cluster/ari.ts';
import { cluster } from '../src/cluster/cluster.ts';
import { dbscan } from '../src/cluster/dbscan.ts';
import { gaussianBlobs } from './helpers/cluster-blobs.ts';

const line = (xs: number[]): Float32Array => Float32Array.from(xs);

test('core points form clusters; an isolated point is noise', () => {
  const r = dbscan(line([0, 0.5, 1, 5, 5.4, 20]), 6, 1, { eps: 0.6, minSamples: 2 });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 1, 1, -1]);
  assert.equal(r.nClusters, 2);
});

test('minSamples counts the point itself; border points join, non-core pairs stay noise', () => {
  // With minSamples 3 only 0.5 has three points (itself, 0 and 1) within eps; 0 and 1 are its border points.
  const r = dbscan(line([0, 0.5, 1, 5, 5.4, 20]), 6, 1, { eps: 0.6, minSamples: 3 });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, -1, -1, -1]);
});

test('a neighbour at exactly eps counts', () => {
  assert.deepEqual(Array.from(dbscan(line([0, 1]), 2, 1, { eps: 1, minSamples: 2 }).labels), [0, 0]);
  assert.deepEqual(Array.from(dbscan(line([0, 1]), 2, 1, { eps: 0.999, minSamples: 2 }).labels), [-1, -1]);
});

test('a border point reachable from two clusters joins the one started first', () => {
  const a = [-1.0, -1.1, -1.2, -1.3];
  const b = [1.0, 1.1, 1.2, 1.3];
  // 0 has only -1, 0 and 1 within eps: a border point of both groups.
  const aFirst = dbscan(line([...a, ...b, 0]), 9, 1, { eps: 1, minSamples: 4 });
  assert.deepEqual(Array.from(aFirst.labels), [0, 0, 0, 0, 1, 1, 1, 1, 0]);
  const bFirst = dbscan(line([...b, ...a, 0]), 9, 1, { eps: 1, minSamples: 4 });
  assert.deepEqual(Array.from(bFirst.labels), [0, 0, 0, 0, 1, 1, 1, 1, 0]);
});

test('Gaussian blobs with background noise are recovered (ARI ≥ 0.95)', () => {
  const data = gaussianBlobs({
    blobs: 5,
    perBlob: 400,
    d: 3,
    sigma: 0.5,
    box: 10,
    minSeparation: 5,
    noiseFraction: 0.03,
    seed: 'db',
  });
  const r = cluster(data.points, data.n, 3, { method: 'dbscan', eps: 0.7, minSamples: 10 });
  const ari = adjustedRandIndex(r.labels, data.truth);
  assert.ok(ari >= 0.95, `ARI ${ari}`);
  assert.equal(r.nClusters, 5);
});

test('bad parameters are rejected', () => {
  assert.throws(() => dbscan(line([0, 1]), 2, 1, { eps: 0, minSamples: 2 }), RangeError);
  assert.throws(() => dbscan(line([0, 1]), 2, 1, { eps: 1, minSamples: 0 }), RangeError);
  assert.deepEqual(dbscan(new Float32Array(0), 0, 2, { eps: 1, minSamples: 1 }).labels, new Int32Array(0));
});

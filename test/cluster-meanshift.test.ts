import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustedRandIndex } from '../src/cluster/ari.ts';
import { cluster } from '../src/cluster/cluster.ts';
import { binSeeds, meanShift } from '../src/cluster/meanshift.ts';
import { gaussianBlobs } from './helpers/cluster-blobs.ts';

test('two triangles: each converges to its mean; equal counts order modes by larger coordinates', () => {
  const pts = Float32Array.from([0, 0, 1, 0, 0, 1, 10, 10, 11, 10, 10, 11]);
  const r = meanShift(pts, 6, 2, { bandwidth: 2 });
  assert.equal(r.nClusters, 2);
  assert.deepEqual(Array.from(r.labels), [1, 1, 1, 0, 0, 0]);
  assert.deepEqual(Array.from(r.centers!), Array.from(Float32Array.from([31 / 3, 31 / 3, 1 / 3, 1 / 3])));
});

test('bin seeding with minBinFreq drops sparse bins; clusterAll decides what orphans get', () => {
  // Two groups of three in one bin each (bin size 2), and an orphan alone in its bin far from both.
  const pts = Float32Array.from([0, 0, 0.5, 0, 0, 0.5, 10, 10, 10.5, 10, 10, 10.5, 5, -3]);
  const params = { bandwidth: 2, binSeeding: true, minBinFreq: 2 };
  const orphans = meanShift(pts, 7, 2, { ...params, clusterAll: false });
  assert.equal(orphans.nClusters, 2);
  assert.deepEqual(Array.from(orphans.labels), [1, 1, 1, 0, 0, 0, -1]);
  const all = meanShift(pts, 7, 2, { ...params, clusterAll: true });
  assert.deepEqual(Array.from(all.labels), [1, 1, 1, 0, 0, 0, 1]);
  // Seeding from every point instead makes the orphan its own mode.
  assert.equal(meanShift(pts, 7, 2, { bandwidth: 2 }).nClusters, 3);
});

test('bins round half to even and keep first-appearance order', () => {
  // Bins of size 1: 2.5 → 2, 0.5 → 0, 1.5 → 2, −0.5 → 0, 2.4 → 2, 3.6 → 4 (counts 3, 2, 1).
  const pts = Float32Array.from([2.5, 0.5, 1.5, -0.5, 2.4, 3.6]);
  assert.deepEqual(Array.from(binSeeds(pts, 6, 1, 1, 1)), [2, 0, 4]);
  assert.deepEqual(Array.from(binSeeds(pts, 6, 1, 1, 2)), [2, 0]);
  assert.deepEqual(Array.from(binSeeds(pts, 6, 1, 1, 3)), [2]);
  // Seeds are bin centres: bin size 0.5 puts 2.4 in bin 5, centred at 2.5.
  assert.deepEqual(Array.from(binSeeds(Float32Array.from([2.4, 2.6, 0]), 3, 1, 0.5, 2)), [2.5]);
  // One bin per point: the points themselves become seeds.
  assert.deepEqual(Array.from(binSeeds(Float32Array.from([0, 5, 9]), 3, 1, 1, 1)), [0, 5, 9]);
});

test('Gaussian blobs are recovered (ARI ≥ 0.95)', () => {
  const data = gaussianBlobs({
    blobs: 5,
    perBlob: 300,
    d: 3,
    sigma: 0.5,
    box: 10,
    minSeparation: 5,
    seed: 'ms',
  });
  const r = cluster(data.points, data.n, 3, {
    method: 'meanshift',
    bandwidth: 2,
    binSeeding: true,
    minBinFreq: 10,
    clusterAll: false,
  });
  const ari = adjustedRandIndex(r.labels, data.truth);
  assert.ok(ari >= 0.95, `ARI ${ari}`);
  assert.equal(r.nClusters, 5);
  // Each mode sits near a true centre.
  for (let k = 0; k < 5; k++) {
    let nearest = Number.POSITIVE_INFINITY;
    for (let b = 0; b < 5; b++) {
      let s = 0;
      for (let t = 0; t < 3; t++) s += (r.centers![k * 3 + t]! - data.centers[b * 3 + t]!) ** 2;
      nearest = Math.min(nearest, Math.sqrt(s));
    }
    assert.ok(nearest < 0.2, `mode ${k} is ${nearest} from the nearest centre`);
  }
});

test('no seed near any point, and bad parameters, are errors', () => {
  const pts = Float32Array.from([0, 10, 20]);
  assert.throws(() => meanShift(pts, 3, 1, { bandwidth: 1, binSeeding: true, minBinFreq: 2 }), /no point/);
  assert.throws(() => meanShift(pts, 3, 1, { bandwidth: 0 }), RangeError);
  assert.throws(() => meanShift(pts, 3, 1, { bandwidth: 1, minBinFreq: 0 }), RangeError);
});

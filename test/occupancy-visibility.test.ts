// Occupancy passes keep only cells that training rays give weight: cells behind surfaces and cells no camera sees
// are dropped, and a capture without depth marches fewer samples a ray with the same render.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { createBackend } from '../src/kernels/index.ts';
import { loadModelState, modelCheckpoint } from '../src/model/checkpoint.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { buildModel, type CliftModel } from '../src/model/model.ts';
import type { Normalization } from '../src/rays/normalize.ts';
import { OccupancyGrid } from '../src/rays/occupancy-grid.ts';
import type { RayBundle } from '../src/rays/ray-bundle.ts';
import { GeometryStage, gatherRays, occupancyUpdateAt } from '../src/train/geometry-stage.ts';
import { buildTraining } from '../src/train/trainer.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

const backend = createBackend({ threads: 2 });

test('markVisible marks the intervals of samples the ray still sees into, and update keeps only marked cells (dilated)', () => {
  const grid = new OccupancyGrid(8, [-1, -1, -1], [1, 1, 1]);
  // One ray along +x through the row of cells j = k = 4; samples at the 8 cell centres. The 4th takes 99.5 % of
  // what is left, so from the 5th on less than 1 % of the light arrives.
  const rays = { origins: Float32Array.from([-1, 0.125, 0.125]), dirs: Float32Array.from([1, 0, 0]) };
  const t = Float32Array.from({ length: 8 }, (_, i) => 0.125 + 0.25 * i);
  const samples = { rayStart: Int32Array.from([0, 8]), t, delta: new Float32Array(8).fill(0.2) };
  const weights = Float32Array.from([0, 0.1, 0.3, 0.597, 0.002, 0.001, 0, 0]);
  const mark = new Uint8Array(grid.bits.length);
  grid.markVisible(rays, samples, weights, 0.01, mark);
  const cell = (i: number, j: number, k: number) => (k * 8 + j) * 8 + i;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => mark[cell(i, 4, 4)]),
    [1, 1, 1, 1, 0, 0, 0, 0],
  );
  assert.equal(
    mark.reduce((s, v) => s + v, 0),
    4,
  );
  const dense = new Float32Array(grid.bits.length).fill(1);
  assert.equal(grid.update(dense, 0.5), 1, 'without marks every dense cell is occupied');
  const share = grid.update(dense, 0.5, mark);
  assert.equal(share, (5 * 9) / 512, 'the four marked cells dilated by one (the box ends at x = −1): 5×3×3');
  assert.equal(grid.bits[cell(4, 5, 3)], 1, 'the dilation around them');
  assert.equal(grid.bits[cell(5, 4, 4)], 0, 'two cells behind the surface');
  assert.equal(grid.bits[cell(0, 0, 0)], 0, 'outside the ray');
});

test('an occupancy pass after training renders empties cells behind the surface and outside every ray', () => {
  const norm: Normalization = {
    center: [0, 0, 0],
    scale: 1,
    box: { min: [-1, -1, -1], max: [1, 1, 1] },
    source: 'aabb',
  };
  const config = parseTrainConfig(
    { grid: { start: 16, end: 16, densityComponents: 2, appearanceComponents: 4, occupancy: 16 } },
    'test',
  );
  const dense = (): CliftModel => {
    const m = buildModel(config, norm, 2, backend);
    // Every density parameter 2: σ = softplus(3 modes · 2 components · 2 · 2 − 10) ≈ 14 everywhere.
    for (const p of m.geometry.field.density.params()) p.data.fill(2);
    return m;
  };
  // 12 × 12 parallel rays from z = 3 straight down, covering x, y ∈ [−0.4, 0.4].
  const n = 144;
  const rays: RayBundle = {
    n,
    origins: new Float32Array(n * 3),
    dirs: new Float32Array(n * 3),
    pixels: Int32Array.from({ length: n }, (_, i) => i),
  };
  for (let i = 0; i < n; i++) {
    rays.origins.set([-0.4 + (0.8 * (i % 12)) / 11, -0.4 + (0.8 * Math.floor(i / 12)) / 11, 3], i * 3);
    rays.dirs.set([0, 0, -1], i * 3);
  }
  const seen = dense().geometry;
  const r = seen.render(rays, { withColor: false, rng: new Rng(1) });
  assert.ok(
    r.opacity.every((o) => o > 0.99),
    'the dense box stops every ray',
  );
  seen.recordVisibility(rays, r);
  const share = seen.updateOccupancy(true);
  const at = (x: number, y: number, z: number) => seen.occupancy.occupied(x, y, z);
  assert.equal(at(0, 0, 0.95), true, 'the top layer the rays hit stays');
  assert.equal(at(0, 0, 0), false, 'the middle, behind the surface, is dropped');
  assert.equal(at(0, 0, -0.95), false, 'so is the bottom');
  assert.equal(at(0.9, 0.9, 0.95), false, 'and the top outside the rays');
  assert.ok(share < 0.05, `occupied share ${share}`);
  const unseen = dense().geometry;
  assert.equal(
    unseen.updateOccupancy(true),
    1,
    'with nothing seen, by density alone: the whole box is occupied',
  );
  seen.recordVisibility(rays, r);
  assert.equal(seen.updateOccupancy(false), 1, 'and so it is when visibility is not asked for');
});

/** PSNR of one render against another (dB). */
function agreement(a: Float32Array, b: Float32Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return -10 * Math.log10(se / a.length);
}

/** Samples a ray and the RGB of a fixed batch of training rays rendered without jitter. */
function probe(m: CliftModel, rays: RayBundle): { samplesPerRay: number; rgb: Float32Array } {
  const r = m.geometry.render(rays, { withColor: true });
  const rgb = new Float32Array(rays.n * 3);
  for (let i = 0; i < rays.n; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = r.out[i * 4 + k]!;
  return { samplesPerRay: r.samples.nSamples / rays.n, rgb };
}

test('the first pass of a depth-seeded run drops the untrained cells no training ray sees into: fewer samples, closer to the render it trained', () => {
  const scene = readScene(writeTinyScene({ frames: 8, size: 32, stepDeg: 45 }));
  const config = parseTrainConfig(
    {
      trainSize: 32,
      batch: 512,
      instanceHidden: 16,
      semanticHidden: 16,
      background: 'none',
      occupancyVisibility: true,
      grid: { start: 24, end: 24, densityComponents: 8, appearanceComponents: 16, occupancy: 24 },
    },
    'test',
  );
  const t = buildTraining(scene, config, undefined, backend);
  const stage = new GeometryStage(t.model.geometry, t.stages.views, config, 1000);
  assert.equal(stage.seededFromDepth, true);
  const rng = new Rng(3);
  // Up to the first occupancy pass (the grid seeded from depth until then).
  for (let it = 0; !occupancyUpdateAt(it, true); it++) {
    for (const h of stage.hooks) h.run(it);
    stage.step(rng, it);
  }
  const ck = modelCheckpoint(t.model);
  const copy = (keepSeen: boolean): CliftModel => {
    const m = buildModel(config, t.model.norm, t.model.classes, backend);
    const tensors = new Map(ck.tensors);
    if (!keepSeen) tensors.delete('occupancy.visible');
    loadModelState(m, { ...ck, tensors }, 'ck');
    return m;
  };
  const [visible, byDensity, old] = [copy(true), copy(true), copy(false)];
  visible.geometry.updateOccupancy(true);
  byDensity.geometry.updateOccupancy(false);
  old.geometry.updateOccupancy(true);
  const bits = visible.geometry.occupancy.bits;
  const densityBits = byDensity.geometry.occupancy.bits;
  for (let c = 0; c < bits.length; c++) if (bits[c]) assert.equal(densityBits[c], 1, `cell ${c}`);
  assert.deepEqual(
    old.geometry.occupancy.bits,
    densityBits,
    'a checkpoint without seen cells: density alone',
  );
  const pool = stage.pool;
  const { rays } = gatherRays(pool.views, t.model.norm, pool.sample(new Rng(9), 2048));
  const before = probe(t.model, rays);
  const carved = probe(visible, rays);
  const dense = probe(byDensity, rays);
  assert.ok(
    carved.samplesPerRay < 0.9 * dense.samplesPerRay,
    `samples a ray: ${carved.samplesPerRay.toFixed(1)} seen cells vs ${dense.samplesPerRay.toFixed(1)} by density (${before.samplesPerRay.toFixed(1)} seeded)`,
  );
  // What training fitted is the render before the pass: the seen cells keep it, density alone does not.
  const carvedDb = agreement(carved.rgb, before.rgb);
  const denseDb = agreement(dense.rgb, before.rgb);
  assert.ok(
    carvedDb > denseDb + 3,
    `seen cells: the render agrees with the one before the pass to ${carvedDb.toFixed(1)} dB, density alone ${denseDb.toFixed(1)} dB, samples ${carved.samplesPerRay.toFixed(1)} vs ${dense.samplesPerRay.toFixed(1)} (${before.samplesPerRay.toFixed(1)} before)`,
  );
});

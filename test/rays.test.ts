import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import type { Frame, Intrinsics } from '../src/data/scene.ts';
import { downscaleIntrinsics } from '../src/data/training-views.ts';
import { compute } from '../src/fields/compute.ts';
import { invertRigid, projectWorldPoint, type Vec3 } from '../src/rays/camera.ts';
import { type Normalization, toNormalized, toWorld } from '../src/rays/normalize.ts';
import { OccupancyGrid } from '../src/rays/occupancy-grid.ts';
import { raysForPixels } from '../src/rays/ray-bundle.ts';
import { rayBoxIntersect, sampleRays } from '../src/rays/sampler.ts';

const intr: Intrinsics = {
  model: 'PINHOLE',
  fx: 40,
  fy: 40,
  cx: 16,
  cy: 12,
  w: 32,
  h: 24,
  k1: 0,
  k2: 0,
  p1: 0,
  p2: 0,
};
const lookingDown: Frame = {
  index: 0,
  stem: 'a',
  filePath: 'a.png',
  // camera at (0.5, 0, 3) looking down −z (identity rotation)
  c2w: Float64Array.from([1, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, 1, 3, 0, 0, 0, 1]),
  split: 'train',
  intrinsics: intr,
  maps: {},
  raw: {},
};
const norm: Normalization = {
  center: [0, 0, 0],
  scale: 2,
  box: { min: [-1, -1, -1], max: [1, 1, 1] },
  source: 'aabb',
};

test('normalisation round-trips and rays point through their pixel centres', () => {
  const p: Vec3 = [1, -2, 0.5];
  assert.deepEqual(toWorld(norm, toNormalized(norm, p)), p);
  const rays = raysForPixels(lookingDown, intr, norm, Int32Array.from([0, 5 * 32 + 7]));
  const w2c = invertRigid(lookingDown.c2w);
  for (let i = 0; i < rays.n; i++) {
    const o = [0, 1, 2].map((k) => rays.origins[i * 3 + k]!);
    const d = [0, 1, 2].map((k) => rays.dirs[i * 3 + k]!);
    assert.ok(Math.abs(Math.hypot(...d) - 1) < 1e-6);
    const world = toWorld(norm, [o[0]! + 0.7 * d[0]!, o[1]! + 0.7 * d[1]!, o[2]! + 0.7 * d[2]!]);
    const pr = projectWorldPoint(lookingDown, w2c, world);
    const pix = rays.pixels[i]!;
    assert.ok(Math.abs(pr.px - ((pix % 32) + 0.5)) < 1e-4);
    assert.ok(Math.abs(pr.py - (Math.floor(pix / 32) + 0.5)) < 1e-4);
  }
});

test('a downscaled view keeps pixel centres on the same rays', () => {
  const half = downscaleIntrinsics(intr, 2);
  // Pixel (3, 2) at half resolution covers full-resolution pixels 6..7 × 4..5, centred at (7, 5).
  const full = raysForPixels(lookingDown, intr, norm, Int32Array.from([0]));
  const small = raysForPixels(lookingDown, half, norm, Int32Array.from([2 * half.w + 3]));
  const centreDir = [(7 - 16) / 40, -(5 - 12) / 40, -1];
  const len = Math.hypot(...centreDir);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(small.dirs[k]! - centreDir[k]! / len) < 1e-6);
  assert.notDeepEqual([...full.dirs], [...small.dirs]);
});

test('ray-box intersection and stratified samples stay inside the box at the given step', () => {
  const [t0, t1] = rayBoxIntersect([0, 0, 3], [0, 0, -1], [-1, -1, -1], [1, 1, 1]);
  assert.deepEqual([t0, t1], [2, 4]);
  const [m0, m1] = rayBoxIntersect([0, 5, 3], [0, 0, -1], [-1, -1, -1], [1, 1, 1]);
  assert.ok(m0 > m1);
  const rays = {
    n: 2,
    origins: Float32Array.from([0, 0, 3, 0, 5, 3]),
    dirs: Float32Array.from([0, 0, -1, 0, 0, -1]),
    pixels: Int32Array.from([0, 1]),
  };
  const s = sampleRays(rays, { min: [-1, -1, -1], max: [1, 1, 1], step: 0.1, rng: new Rng(1) }, compute());
  assert.equal(s.rayStart[1]! - s.rayStart[0]!, 20);
  assert.equal(s.rayStart[2], s.rayStart[1]); // the second ray misses
  for (let i = 0; i < s.nSamples; i++) {
    assert.ok(s.t[i]! >= 2 && s.t[i]! < 4);
    assert.ok(Math.abs(s.xyz[i * 3 + 2]! - (3 - s.t[i]!)) < 1e-5);
  }
});

test('samples in unoccupied cells are skipped', () => {
  const grid = new OccupancyGrid(4, [-1, -1, -1], [1, 1, 1]);
  const alpha = new Float32Array(64);
  alpha[grid.cellOf(0.1, 0.1, 0.75)] = 1; // one occupied cell, dilated to its neighbours
  const frac = grid.update(alpha, 0.5);
  assert.ok(frac > 0 && frac < 0.5);
  const rays = {
    n: 1,
    origins: Float32Array.from([0.1, 0.1, 3]),
    dirs: Float32Array.from([0, 0, -1]),
    pixels: Int32Array.from([0]),
  };
  const s = sampleRays(rays, { min: [-1, -1, -1], max: [1, 1, 1], step: 0.05, occupancy: grid }, compute());
  assert.ok(s.nSamples > 0 && s.nSamples < 40);
  for (let i = 0; i < s.nSamples; i++) assert.ok(s.xyz[i * 3 + 2]! >= -0.5); // z-cells 1..3 only
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Frame, Intrinsics } from '../src/data/scene.ts';
import {
  cameraPointToImage,
  distort,
  invertRigid,
  pixelRay,
  pixelToCameraDir,
  projectWorldPoint,
  undistort,
  unprojectPixel,
} from '../src/rays/camera.ts';

const intr: Intrinsics = {
  model: 'PINHOLE',
  fx: 100,
  fy: 90,
  cx: 32,
  cy: 24,
  w: 64,
  h: 48,
  k1: 0,
  k2: 0,
  p1: 0,
  p2: 0,
};

function frameWith(c2w: number[], intrinsics = intr): Frame {
  return {
    index: 0,
    stem: 'x',
    filePath: 'x.png',
    c2w: Float64Array.from(c2w),
    split: 'train',
    intrinsics,
    maps: {},
    raw: {},
  };
}

test('the ray through pixel (u, v) passes through its centre and looks down −z with +y up', () => {
  const d = pixelToCameraDir(intr, 0, 0);
  assert.deepEqual(d, [(0.5 - 32) / 100, -(0.5 - 24) / 90, -1]);
  // The principal point lies between pixels 31 and 32.
  const c = cameraPointToImage(intr, [0, 0, -3]);
  assert.deepEqual([c.px, c.py, c.depth], [32, 24, 3]);
  // A point up (+y) in camera space lands in a smaller row (top of the image).
  assert.ok(cameraPointToImage(intr, [0, 1, -3]).py < 24);
});

test('unproject then project returns the same pixel and depth under a rotated, translated pose', () => {
  const a = 0.7;
  const c2w = [Math.cos(a), 0, Math.sin(a), 1, 0, 1, 0, -2, -Math.sin(a), 0, Math.cos(a), 0.5, 0, 0, 0, 1];
  const frame = frameWith(c2w);
  const w2c = invertRigid(frame.c2w);
  for (const [u, v, z] of [
    [0, 0, 1],
    [63, 47, 2.5],
    [10, 30, 0.3],
  ] as const) {
    const p = unprojectPixel(frame, u, v, z);
    const back = projectWorldPoint(frame, w2c, p);
    assert.ok(Math.abs(back.px - (u + 0.5)) < 1e-9);
    assert.ok(Math.abs(back.py - (v + 0.5)) < 1e-9);
    assert.ok(Math.abs(back.depth - z) < 1e-9);
  }
  const ray = pixelRay(frame, 5, 5);
  assert.ok(Math.abs(Math.hypot(...ray.dir) - 1) < 1e-12);
  assert.deepEqual(ray.origin, [1, -2, 0.5]);
});

test('OPENCV distortion round-trips through undistort', () => {
  const cv: Intrinsics = { ...intr, model: 'OPENCV', k1: -0.2, k2: 0.05, p1: 0.001, p2: -0.002 };
  for (const [x, y] of [
    [0.1, -0.2],
    [-0.3, 0.25],
  ] as const) {
    const [xd, yd] = distort(cv, x, y);
    assert.notEqual(xd, x);
    const [xu, yu] = undistort(cv, xd, yd);
    assert.ok(Math.abs(xu - x) < 1e-9 && Math.abs(yu - y) < 1e-9);
  }
});

// The geometry stage's depth target is the distance along each pixel's ray through the lens model: planar depth
// times the length of the ray direction on the z = −1 plane (with a pinhole formula it is off for distorted lenses).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Frame, Intrinsics } from '../src/data/scene.ts';
import type { ViewPixels } from '../src/data/training-views.ts';
import { pixelToCameraDir } from '../src/rays/camera.ts';
import type { Normalization } from '../src/rays/normalize.ts';
import { gatherRays } from '../src/train/geometry-stage.ts';

const base = { fx: 40, fy: 40, cx: 16, cy: 12, w: 32, h: 24, k1: 0, k2: 0, p1: 0, p2: 0 };

function view(intr: Intrinsics, depth: number): ViewPixels {
  const n = intr.w * intr.h;
  const frame = {
    index: 0,
    stem: 'v',
    filePath: 'v.png',
    c2w: Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1]),
    split: 'train',
    intrinsics: intr,
    maps: {},
    raw: {},
  } satisfies Frame;
  return {
    frame,
    intrinsics: intr,
    rgb: new Float32Array(n * 3),
    instance: null,
    semantic: null,
    confidence: new Float32Array(n).fill(1),
    depth: new Float32Array(n).fill(depth),
  };
}

const norm: Normalization = {
  center: [0, 0, 0],
  scale: 2,
  box: { min: [-1, -1, -1], max: [1, 1, 1] },
  source: 'aabb',
};

for (const intr of [
  { ...base, model: 'PINHOLE' },
  { ...base, model: 'OPENCV', k1: -0.3, k2: 0.1, p1: 0.01, p2: -0.02 },
  { ...base, model: 'OPENCV_FISHEYE', k1: 0.1, k2: -0.05, k3: 0.01, k4: 0 },
] as Intrinsics[]) {
  test(`depth targets are distances along the lens model's rays (${intr.model})`, () => {
    const pixels = [0, 5, 31, 200, 767];
    const { depth } = gatherRays([view(intr, 1.5)], norm, new Map([[0, pixels]]));
    pixels.forEach((p, i) => {
      const [x, y, z] = pixelToCameraDir(intr, p % intr.w, Math.floor(p / intr.w));
      assert.equal(z, -1);
      const expected = (1.5 * Math.hypot(x, y, z)) / norm.scale;
      assert.ok(Math.abs(depth[i]! - expected) < 1e-6 * expected, `pixel ${p}: ${depth[i]} vs ${expected}`);
    });
    if (intr.model !== 'PINHOLE') {
      // The corner pixel's distorted ray differs from the pinhole one by more than the tolerance.
      const pin = pixelToCameraDir({ ...intr, model: 'PINHOLE' }, 0, 0);
      const pinDepth = (1.5 * Math.hypot(...pin)) / norm.scale;
      assert.ok(Math.abs(depth[0]! - pinDepth) > 1e-3, `${depth[0]} vs pinhole ${pinDepth}`);
    }
  });
}

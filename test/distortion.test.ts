/**
 * Lens models: points projected with the forward model lie on the ray generated through their pixel, pixel rays
 * project back to their pixel centres, and the camera keys of every model survive a write/read round trip.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { SceneError } from '../src/data/errors.ts';
import { readIntrinsics } from '../src/data/read-scene.ts';
import { CAMERA_MODELS, type CameraModel, type Frame, type Intrinsics } from '../src/data/scene.ts';
import { intrinsicsToJson } from '../src/data/write-scene.ts';
import {
  cameraPointToImage,
  imagePointToCameraDir,
  invertRigid,
  pixelRay,
  projectWorldPoint,
  transformDir,
  unprojectPixel,
  type Vec3,
} from '../src/rays/camera.ts';

const W = 640;
const H = 480;

function camera(model: CameraModel, f: number, coeffs: Partial<Intrinsics>): Intrinsics {
  return {
    model,
    fx: f,
    fy: 1.05 * f,
    cx: 331.5,
    cy: 236.25,
    w: W,
    h: H,
    k1: 0,
    k2: 0,
    p1: 0,
    p2: 0,
    ...coeffs,
  };
}

/** One camera per model, with coefficients that move the image corners by tens of pixels. */
const CAMERAS: Intrinsics[] = [
  camera('SIMPLE_RADIAL', 500, { k1: -0.15 }),
  camera('RADIAL', 500, { k1: -0.3, k2: 0.08 }),
  camera('OPENCV', 500, { k1: -0.28, k2: 0.07, p1: 0.002, p2: -0.0015 }),
  camera('FULL_OPENCV', 500, {
    k1: 0.5,
    k2: -0.1,
    p1: -0.001,
    p2: 0.002,
    k3: 0.02,
    k4: 0.7,
    k5: -0.05,
    k6: 0.01,
  }),
  // A wide fisheye: the image corners are about 120° off the axis, so some pixels look behind the camera plane.
  camera('OPENCV_FISHEYE', 190, { k1: -0.02, k2: 0.003, k3: -0.0005, k4: 0.00003 }),
];

const POSE = (() => {
  // A rotation about a tilted axis plus a translation, as a row-major camera-to-world matrix.
  const [ax, ay, az] = [0.3, -0.8, 0.52].map((v) => v / Math.hypot(0.3, -0.8, 0.52)) as Vec3;
  const a = 0.9;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const t = 1 - c;
  return Float64Array.from([
    t * ax * ax + c,
    t * ax * ay - s * az,
    t * ax * az + s * ay,
    1.5,
    t * ax * ay + s * az,
    t * ay * ay + c,
    t * ay * az - s * ax,
    -0.7,
    t * ax * az - s * ay,
    t * ay * az + s * ax,
    t * az * az + c,
    2.2,
    0,
    0,
    0,
    1,
  ]);
})();

function frameOf(intrinsics: Intrinsics): Frame {
  return { index: 0, stem: 'v', filePath: 'v.png', c2w: POSE, split: 'train', intrinsics, maps: {}, raw: {} };
}

/** Distance from point p to the half-line origin + t·dir, t ≥ 0. */
function distanceToRay(p: Vec3, origin: Vec3, dir: Vec3): number {
  const n = Math.hypot(...dir);
  const d = dir.map((v) => v / n) as Vec3;
  const q = p.map((v, k) => v - origin[k]!) as Vec3;
  const t = Math.max(0, q[0] * d[0] + q[1] * d[1] + q[2] * d[2]);
  return Math.hypot(q[0] - t * d[0], q[1] - t * d[1], q[2] - t * d[2]);
}

/** Unit camera-space direction (OpenGL axes) at `theta` off the axis and azimuth `phi`. */
function cameraDirection(theta: number, phi: number): Vec3 {
  return [Math.sin(theta) * Math.cos(phi), Math.sin(theta) * Math.sin(phi), -Math.cos(theta)];
}

for (const intr of CAMERAS) {
  test(`${intr.model}: a projected world point lies on the ray generated through its image point`, () => {
    const frame = frameOf(intr);
    const w2c = invertRigid(POSE);
    const rng = new Rng(7);
    const rand = (): number => rng.next();
    const maxTheta = intr.model === 'OPENCV_FISHEYE' ? 2.0 : 0.75;
    let inImage = 0;
    let behind = 0;
    let largestShift = 0;
    for (let i = 0; i < 400; i++) {
      const dir = cameraDirection(maxTheta * Math.sqrt(rand()), 2 * Math.PI * rand());
      const dist = 0.5 + 6 * rand();
      const p = [0, 1, 2].map((k) => POSE[k * 4 + 3]! + dist * transformDir(POSE, dir)[k]!) as Vec3;
      const img = projectWorldPoint(frame, w2c, p);
      if (!(img.px >= 0 && img.px <= W && img.py >= 0 && img.py <= H)) continue;
      inImage++;
      if (img.depth <= 0) behind++;
      const ray = transformDir(POSE, imagePointToCameraDir(intr, img.px, img.py));
      const origin: Vec3 = [POSE[3]!, POSE[7]!, POSE[11]!];
      assert.ok(distanceToRay(p, origin, ray) < 1e-9 * dist, `point ${i} is off its ray`);
      // How far the lens model moved this point from where a pinhole would put it.
      if (img.depth > 0) {
        const pin = cameraPointToImage({ ...intr, model: 'PINHOLE' }, [dir[0], dir[1], dir[2]]);
        largestShift = Math.max(largestShift, Math.hypot(pin.px - img.px, pin.py - img.py));
      }
    }
    assert.ok(inImage > 100, `only ${inImage} points landed in the image`);
    assert.ok(largestShift > 20, `the coefficients move points by only ${largestShift.toFixed(2)} px`);
    if (intr.model === 'OPENCV_FISHEYE') assert.ok(behind > 5, `only ${behind} fisheye points beyond 90°`);
  });

  test(`${intr.model}: every pixel's ray projects back to its centre (within 1e-9 px)`, () => {
    const frame = frameOf(intr);
    const w2c = invertRigid(POSE);
    let worst = 0;
    for (let v = 0; v < H; v += 7) {
      for (const u of [0, 1, 50, 160, 320, 500, W - 2, W - 1]) {
        const ray = pixelRay(frame, u, v);
        const p = ray.origin.map((o, k) => o + 3 * ray.dir[k]!) as Vec3;
        const back = projectWorldPoint(frame, w2c, p);
        worst = Math.max(worst, Math.hypot(back.px - (u + 0.5), back.py - (v + 0.5)));
      }
    }
    assert.ok(worst < 1e-9, `worst pixel error ${worst}`);
  });
}

test('unprojecting a pixel at a planar depth and projecting it back gives that pixel and depth', () => {
  for (const intr of CAMERAS.filter((c) => c.model !== 'OPENCV_FISHEYE')) {
    const frame = frameOf(intr);
    const w2c = invertRigid(POSE);
    for (const [u, v, z] of [
      [0, 0, 1.7],
      [639, 479, 4],
      [320, 10, 0.4],
    ] as const) {
      const back = projectWorldPoint(frame, w2c, unprojectPixel(frame, u, v, z));
      assert.ok(Math.abs(back.px - (u + 0.5)) < 1e-9 && Math.abs(back.py - (v + 0.5)) < 1e-9, intr.model);
      assert.ok(Math.abs(back.depth - z) < 1e-9, intr.model);
    }
  }
});

test('PINHOLE rays are the closed form (no iteration)', () => {
  const pin = camera('PINHOLE', 500, {});
  assert.deepEqual(imagePointToCameraDir(pin, 10.5, 400.5), [
    (10.5 - 331.5) / 500,
    -(400.5 - 236.25) / 525,
    -1,
  ]);
});

test('the camera keys of every model survive a write/read round trip', () => {
  assert.equal(CAMERAS.length + 1, CAMERA_MODELS.length);
  for (const intr of [camera('PINHOLE', 400, {}), ...CAMERAS]) {
    const json = JSON.parse(JSON.stringify(intrinsicsToJson(intr))) as Record<string, unknown>;
    assert.equal(json.camera_model, intr.model);
    const back = readIntrinsics('t.json', '', json, null);
    const expected: Intrinsics = { ...intr };
    for (const k of ['k3', 'k4', 'k5', 'k6'] as const) if (expected[k] === undefined) delete expected[k];
    for (const k of ['k3', 'k4', 'k5', 'k6'] as const) if (back[k] === undefined) delete back[k];
    assert.deepEqual(back, expected);
  }
  // Only the model's own coefficients are written.
  assert.deepEqual(
    Object.keys(intrinsicsToJson(CAMERAS[0]!)).filter((k) => /^[kp]\d$/.test(k)),
    ['k1'],
  );
  assert.deepEqual(
    Object.keys(intrinsicsToJson(CAMERAS[4]!)).filter((k) => /^[kp]\d$/.test(k)),
    ['k1', 'k2', 'k3', 'k4'],
  );
});

test('a frame inherits the shared camera’s coefficients and may switch model', () => {
  const shared = readIntrinsics('t.json', '', intrinsicsToJson(CAMERAS[2]!), null);
  const own = readIntrinsics('t.json', 'frames[0].', { fl_x: 300 }, shared);
  assert.equal(own.model, 'OPENCV');
  assert.equal(own.k1, CAMERAS[2]!.k1);
  assert.equal(own.fx, 300);
  const fisheye = readIntrinsics(
    't.json',
    'frames[1].',
    { camera_model: 'OPENCV_FISHEYE', k3: 0.1, k4: 0 },
    shared,
  );
  assert.deepEqual(
    [fisheye.k1, fisheye.k2, fisheye.k3, fisheye.k4],
    [CAMERAS[2]!.k1, CAMERAS[2]!.k2, 0.1, 0],
  );
  assert.equal(fisheye.p1, 0);
});

test('unknown models, missing coefficients and unused non-zero coefficients are refused, naming the key', () => {
  const base = { fl_x: 100, fl_y: 100, cx: 50, cy: 40, w: 100, h: 80 };
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { ...base, camera_model: 'FOV' },
      /t\.json: camera_model: must be one of "PINHOLE", .*"OPENCV_FISHEYE", got "FOV"/,
    ],
    [
      { ...base, camera_model: 'OPENCV', k1: 0.1, k2: 0, p1: 0 },
      /t\.json: p2: missing: camera_model "OPENCV" needs k1, k2, p1, p2/,
    ],
    [
      { ...base, camera_model: 'OPENCV_FISHEYE', k1: 0.1 },
      /t\.json: k2: missing: camera_model "OPENCV_FISHEYE"/,
    ],
    [{ ...base, k1: 0.1 }, /t\.json: k1: is 0\.1, but camera_model "PINHOLE" has no k1/],
    [
      { ...base, camera_model: 'SIMPLE_RADIAL', k1: 0.1, k2: 0.2 },
      /k2: is 0\.2, but camera_model "SIMPLE_RADIAL" has no k2 \(it uses k1\)/,
    ],
    [{ ...base, camera_model: 'RADIAL', k1: 0.1, k2: 'x' }, /k2: must be a finite number, got "x"/],
  ];
  for (const [json, message] of cases) {
    assert.throws(
      () => readIntrinsics('t.json', '', json, null),
      (e: unknown) => {
        assert.ok(e instanceof SceneError);
        assert.match(e.message, message);
        return true;
      },
    );
  }
  // Zero-valued keys a model does not use are harmless (nerfstudio writes them for pinhole cameras).
  assert.equal(readIntrinsics('t.json', '', { ...base, k1: 0, p2: 0 }, null).model, 'PINHOLE');
});

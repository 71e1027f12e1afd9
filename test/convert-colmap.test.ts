/**
 * `clift convert --from colmap` on models the test writes: poses and lenses (a point projects to the same pixel
 * through COLMAP's conventions and through the converted camera), the scene box, text = binary, and bad input.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { convertColmap } from '../src/data/convert/colmap.ts';
import { convertScene } from '../src/data/convert/index.ts';
import { SceneError } from '../src/data/errors.ts';
import { readInstances, readSemantics } from '../src/data/maps.ts';
import { writePng, writeRgb8 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { cameraOrigin, invertRigid, projectWorldPoint, type Vec3 } from '../src/rays/camera.ts';
import {
  type TestCamera,
  type TestImage,
  type TestModel,
  writeColmapBinary,
  writeColmapText,
} from './helpers/colmap-writer.ts';

/** One camera of every model clift converts, with distortion large enough to move pixels. */
const CAMERAS: TestCamera[] = [
  { id: 1, model: 'SIMPLE_PINHOLE', width: 40, height: 30, params: [35, 20.2, 14.7] },
  { id: 2, model: 'PINHOLE', width: 40, height: 30, params: [36, 34, 19.5, 15.5] },
  { id: 3, model: 'SIMPLE_RADIAL', width: 40, height: 30, params: [35, 20, 15, -0.12] },
  { id: 4, model: 'RADIAL', width: 40, height: 30, params: [35, 20, 15, -0.2, 0.05] },
  { id: 5, model: 'OPENCV', width: 40, height: 30, params: [36, 35, 20.5, 14.5, -0.25, 0.06, 0.003, -0.002] },
  {
    id: 6,
    model: 'OPENCV_FISHEYE',
    width: 36,
    height: 28,
    params: [14, 14.5, 18.2, 13.9, -0.02, 0.003, -0.0005, 0.00003],
  },
  {
    id: 7,
    model: 'FULL_OPENCV',
    width: 40,
    height: 30,
    params: [36, 35, 20, 15, 0.4, -0.1, 0.001, 0.002, 0.02, 0.6, -0.05, 0.01],
  },
  { id: 8, model: 'SIMPLE_RADIAL_FISHEYE', width: 36, height: 28, params: [14, 18, 14, -0.03] },
  { id: 9, model: 'RADIAL_FISHEYE', width: 36, height: 28, params: [14, 18, 14, -0.03, 0.002] },
  { id: 10, model: 'SIMPLE_FISHEYE', width: 36, height: 28, params: [14, 18, 14] },
  { id: 11, model: 'FISHEYE', width: 36, height: 28, params: [14, 13, 18, 14] },
];

/** A model with one image per camera (camera 1 has two, one in a sub-folder), 200 points and 2 outliers. */
function testModel(): TestModel {
  const rng = new Rng('colmap-test');
  const images: TestImage[] = [...CAMERAS, CAMERAS[0]!].map((cam, k) => {
    const q = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(...q);
    return {
      id: 100 + k,
      q: q.map((v) => v / n),
      // A camera at distance ~3 looking at the origin (its world-to-camera translation is nearly (0, 0, 3)).
      t: [0.1 * (k % 3), -0.05 * k, 3 + 0.1 * k],
      cameraId: cam.id,
      name: k === CAMERAS.length ? 'left/0001.png' : `frame_${String(k).padStart(2, '0')}.png`,
      points2D: [
        [1.5, 2.5, 0],
        [3, 4, -1],
      ],
    };
  });
  const points = Array.from({ length: 200 }, (_, i) => ({
    id: i + 1,
    xyz: [rng.uniform(-1, 1), rng.uniform(-0.5, 0.5), rng.uniform(0, 2)],
    track: [
      [100, 0],
      [101, 0],
    ] as [number, number][],
  }));
  points.push({ id: 900, xyz: [40, 40, 40], track: [] }, { id: 901, xyz: [-50, 0, 0], track: [] });
  return { cameras: CAMERAS, images, points };
}

/** A project folder: images/ plus the model as text in sparse/0 and as binary in sparse/1. */
function makeProject(model = testModel()): string {
  const root = mkdtempSync(join(tmpdir(), 'clift-colmap-'));
  for (const im of model.images) {
    const cam = model.cameras.find((c) => c.id === im.cameraId) ?? model.cameras[0]!;
    writeRgb8(
      join(root, 'images', im.name),
      cam.width,
      cam.height,
      new Uint8Array(cam.width * cam.height * 3).fill(9),
    );
  }
  writeColmapText(join(root, 'sparse', '0'), model);
  writeColmapBinary(join(root, 'sparse', '1'), model);
  return root;
}

function outDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'clift-colmap-out-')), 'scene');
}

/** Rotates v by the unit Hamilton quaternion (w, x, y, z): v + 2w (u × v) + 2 u × (u × v), u = (x, y, z). */
function rotate(q: number[], v: Vec3): Vec3 {
  const [w, x, y, z] = q as [number, number, number, number];
  const cross = (a: Vec3, b: Vec3): Vec3 => [
    a[1] * b[2] - a[2] * b[1],
    a[2] * b[0] - a[0] * b[2],
    a[0] * b[1] - a[1] * b[0],
  ];
  const u: Vec3 = [x, y, z];
  const uv = cross(u, v);
  const uuv = cross(u, uv);
  return [0, 1, 2].map((k) => v[k]! + 2 * w * uv[k]! + 2 * uuv[k]!) as Vec3;
}

/** World points seen by an image off its axis (normalised (u, v) out to ±0.45, or ±1.1 for a fisheye), 2.5 ahead. */
function probesFor(im: TestImage, fisheye: boolean): Vec3[] {
  const s = fisheye ? 2.4 : 1;
  const inverse = [im.q[0]!, -im.q[1]!, -im.q[2]!, -im.q[3]!];
  return [
    [0.4, 0.3],
    [-0.45, -0.3],
    [0.1, -0.35],
    [0, 0],
  ].map(([u, v]) => {
    const cam: Vec3 = [2.5 * s * u!, 2.5 * s * v!, 2.5];
    return rotate(inverse, [cam[0] - im.t[0]!, cam[1] - im.t[1]!, cam[2] - im.t[2]!]);
  });
}

/** The pixel COLMAP projects world point X to in an image, written from COLMAP's model definitions. */
function colmapProject(cam: TestCamera, im: TestImage, X: Vec3): [number, number] {
  const r = rotate(im.q, X);
  const [x, y, z] = [r[0] + im.t[0]!, r[1] + im.t[1]!, r[2] + im.t[2]!];
  const u = x / z;
  const v = y / z;
  const p = cam.params;
  const r2 = u * u + v * v;
  const fisheye = (ks: number[]): [number, number] => {
    const rr = Math.sqrt(r2);
    const th = Math.atan(rr);
    const thd = th * (1 + ks.reduce((s, k, i) => s + k * th ** (2 * (i + 1)), 0));
    return [(u * thd) / rr, (v * thd) / rr];
  };
  const tangential = (p1: number, p2: number, s: number): [number, number] => [
    u * s + 2 * p1 * u * v + p2 * (r2 + 2 * u * u),
    v * s + p1 * (r2 + 2 * v * v) + 2 * p2 * u * v,
  ];
  let f: [number, number];
  let c: [number, number];
  let d: [number, number];
  switch (cam.model) {
    case 'SIMPLE_PINHOLE':
    case 'SIMPLE_RADIAL':
    case 'RADIAL':
    case 'SIMPLE_RADIAL_FISHEYE':
    case 'RADIAL_FISHEYE':
    case 'SIMPLE_FISHEYE': {
      f = [p[0]!, p[0]!];
      c = [p[1]!, p[2]!];
      const ks = p.slice(3);
      if (cam.model.endsWith('FISHEYE')) d = fisheye(ks);
      else {
        const s = 1 + (ks[0] ?? 0) * r2 + (ks[1] ?? 0) * r2 * r2;
        d = [u * s, v * s];
      }
      break;
    }
    default: {
      f = [p[0]!, p[1]!];
      c = [p[2]!, p[3]!];
      const e = p.slice(4);
      if (cam.model === 'PINHOLE') d = [u, v];
      else if (cam.model === 'OPENCV') d = tangential(e[2]!, e[3]!, 1 + e[0]! * r2 + e[1]! * r2 * r2);
      else if (cam.model === 'FULL_OPENCV') {
        const num = 1 + e[0]! * r2 + e[1]! * r2 ** 2 + e[4]! * r2 ** 3;
        const den = 1 + e[5]! * r2 + e[6]! * r2 ** 2 + e[7]! * r2 ** 3;
        d = tangential(e[2]!, e[3]!, num / den);
      } else d = fisheye(e);
    }
  }
  return [f[0] * d[0] + c[0], f[1] * d[1] + c[1]];
}

test('colmap: every camera model converts; a point projects to the same pixel through COLMAP and the scene', async () => {
  const model = testModel();
  const root = makeProject(model);
  const res = await convertColmap(join(root, 'sparse', '0'), outDir());
  assert.equal(res.frames, model.images.length);
  assert.ok(res.notes.some((n) => n.includes('"train"')));
  assert.ok(res.notes.some((n) => n.includes('--masks')));
  const scene = readScene(res.dir);
  const byName = [...model.images].sort((a, b) => (a.name < b.name ? -1 : 1));
  assert.deepEqual(
    scene.frames.map((f) => f.stem),
    byName.map((im) => im.name.replace('.png', '').replace('/', '_')),
  );
  let moved = 0;
  for (const [k, frame] of scene.frames.entries()) {
    const im = byName[k]!;
    const cam = CAMERAS.find((c) => c.id === im.cameraId)!;
    assert.equal(frame.split, 'train');
    assert.deepEqual([frame.intrinsics.w, frame.intrinsics.h], [cam.width, cam.height]);
    // The camera centre is −Rᵀ t.
    const back = rotate([im.q[0]!, -im.q[1]!, -im.q[2]!, -im.q[3]!], im.t as Vec3);
    for (const [i, v] of cameraOrigin(frame).entries()) assert.ok(Math.abs(v + back[i]!) < 1e-12);
    for (const X of probesFor(im, cam.model.includes('FISHEYE'))) {
      const [px, py] = colmapProject(cam, im, X);
      const got = projectWorldPoint(frame, invertRigid(frame.c2w), X);
      assert.ok(got.depth > 0);
      assert.ok(
        Math.abs(got.px - px) < 1e-9 && Math.abs(got.py - py) < 1e-9,
        `${cam.model}: (${got.px}, ${got.py}) vs COLMAP (${px}, ${py})`,
      );
      const pin = colmapProject(
        {
          ...cam,
          model: 'PINHOLE',
          params: [frame.intrinsics.fx, frame.intrinsics.fy, frame.intrinsics.cx, frame.intrinsics.cy],
        },
        im,
        X,
      );
      if (Math.hypot(pin[0] - px, pin[1] - py) > 0.3) moved++;
    }
  }
  assert.ok(moved >= 20, `the lenses moved only ${moved} probe pixels by more than 0.3 px`);
  // Intrinsics: focal lengths and principal points as COLMAP wrote them (no half-pixel shift), lens per camera.
  const intr = (id: number) => scene.frames[byName.findIndex((im) => im.cameraId === id)]!.intrinsics;
  assert.deepEqual(intr(1), {
    model: 'PINHOLE',
    fx: 35,
    fy: 35,
    cx: 20.2,
    cy: 14.7,
    w: 40,
    h: 30,
    k1: 0,
    k2: 0,
    p1: 0,
    p2: 0,
  });
  assert.deepEqual(
    [
      intr(5).model,
      intr(5).fx,
      intr(5).fy,
      intr(5).cx,
      intr(5).cy,
      intr(5).k1,
      intr(5).k2,
      intr(5).p1,
      intr(5).p2,
    ],
    ['OPENCV', 36, 35, 20.5, 14.5, -0.25, 0.06, 0.003, -0.002],
  );
  assert.deepEqual([intr(3).model, intr(3).k1], ['SIMPLE_RADIAL', -0.12]);
  assert.deepEqual(
    [intr(7).model, intr(7).k3, intr(7).k4, intr(7).k5, intr(7).k6],
    ['FULL_OPENCV', 0.02, 0.6, -0.05, 0.01],
  );
  assert.deepEqual(
    [intr(9).model, intr(9).fx, intr(9).fy, intr(9).k1, intr(9).k2, intr(9).k3],
    ['OPENCV_FISHEYE', 14, 14, -0.03, 0.002, 0],
  );
  assert.deepEqual([intr(11).model, intr(11).fx, intr(11).fy, intr(11).k1], ['OPENCV_FISHEYE', 14, 13, 0]);
  rmSync(root, { recursive: true, force: true });
});

test('colmap: the scene box is the robust box of the 3D points; without points there is none', async () => {
  const model = testModel();
  const root = makeProject(model);
  const scene = readScene((await convertColmap(join(root, 'sparse', '1'), outDir())).dir);
  const box = scene.aabb!;
  assert.ok(box, 'aabb written');
  const inliers = model.points.slice(0, 200).map((p) => p.xyz);
  for (let k = 0; k < 3; k++) {
    const lo = Math.min(...inliers.map((p) => p[k]!));
    const hi = Math.max(...inliers.map((p) => p[k]!));
    // The outliers at ±40–50 are left out; the percentile box, padded, covers nearly all of the inliers' range.
    assert.ok(box[0][k]! < lo + 0.05 * (hi - lo) && box[0][k]! > lo - 0.1 * (hi - lo), `min ${k}`);
    assert.ok(box[1][k]! > hi - 0.05 * (hi - lo) && box[1][k]! < hi + 0.1 * (hi - lo), `max ${k}`);
  }
  rmSync(join(root, 'sparse', '1', 'points3D.bin'));
  const res = await convertColmap(join(root, 'sparse', '1'), outDir());
  assert.ok(res.notes.some((n) => n.includes('no 3D points')));
  assert.equal(readScene(res.dir).aabb, null);
});

test('colmap: the text and the binary model give identical scenes', async () => {
  const root = makeProject();
  const text = await convertColmap(join(root, 'sparse', '0'), outDir());
  const binary = await convertScene('colmap', join(root, 'sparse', '1'), outDir(), {
    images: join(root, 'images'),
  });
  const json = (dir: string) => JSON.parse(readFileSync(join(dir, 'transforms.json'), 'utf8')) as unknown;
  assert.deepEqual(json(binary.dir), json(text.dir));
  const frames = (json(text.dir) as { frames: Record<string, unknown>[] }).frames;
  // Cameras other than the shared one (the first frame's) are written per frame.
  assert.ok(frames.filter((f) => f.camera_model !== undefined).length >= CAMERAS.length - 2);
});

test('colmap: --masks adds instance and semantic maps by image stem', async () => {
  const model = testModel();
  const root = makeProject(model);
  const masks = join(root, 'masks');
  for (const im of model.images) {
    const cam = CAMERAS.find((c) => c.id === im.cameraId)!;
    const ids = Uint8Array.from({ length: cam.width * cam.height }, (_, i) => (i % 7 === 0 ? 4 : 0));
    const stem = im.name.replace('.png', '').replace('/', '_');
    writePng(join(masks, `${stem}.png`), {
      width: cam.width,
      height: cam.height,
      channels: 1,
      depth: 8,
      data: ids,
    });
  }
  const res = await convertColmap(join(root, 'sparse', '0'), outDir(), { masks });
  assert.ok(!res.notes.some((n) => n.includes('--masks')));
  const scene = readScene(res.dir);
  const f = scene.frames.find((x) => x.stem === 'left_0001')!;
  assert.deepEqual(
    Array.from(readInstances(scene, f, 'instance_file_path').slice(0, 8)),
    [4, 0, 0, 0, 0, 0, 0, 4],
  );
  assert.deepEqual(
    Array.from(readSemantics(scene, f, 'semantic_file_path').slice(0, 8)),
    [1, 0, 0, 0, 0, 0, 0, 1],
  );
});

/** Runs the converter on a broken copy of the text (0) or binary (1) model and returns the SceneError. */
async function refusal(
  variant: '0' | '1',
  edit: (dir: string) => void,
  model = testModel(),
): Promise<SceneError> {
  const root = makeProject(model);
  const dir = join(root, 'sparse', variant);
  edit(dir);
  try {
    await convertColmap(dir, outDir());
  } catch (e) {
    assert.ok(e instanceof SceneError, `not a SceneError: ${e}`);
    return e;
  }
  assert.fail('the converter accepted a broken model');
}

/** Replaces line `n` (1-based) of a text file. */
function editLine(file: string, n: number, f: (line: string) => string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[n - 1] = f(lines[n - 1]!);
  writeFileSync(file, lines.join('\n'));
}

test('colmap: bad models are one SceneError naming the file and the line or record', async () => {
  let e = await refusal('0', (d) => {
    for (const f of ['cameras.txt', 'images.txt', 'points3D.txt']) rmSync(join(d, f));
  });
  assert.match(e.message, /found neither cameras\.bin \+ images\.bin .* nor cameras\.txt \+ images\.txt/);

  e = await refusal('1', (d) =>
    truncateSync(join(d, 'images.bin'), statSync(join(d, 'images.bin')).size - 10),
  );
  assert.ok(e.file.endsWith('images.bin'));
  assert.match(
    e.message,
    /image record 12 of 12: the file ends after \d+ bytes, inside this record \(truncated\?\)/,
  );

  e = await refusal('1', (d) => truncateSync(join(d, 'cameras.bin'), 20));
  assert.match(e.message, /cameras\.bin: header: claims 11 records, but the file has room for at most 0/);

  e = await refusal('1', (d) =>
    writeFileSync(
      join(d, 'points3D.bin'),
      Buffer.concat([readFileSync(join(d, 'points3D.bin')), Buffer.alloc(5)]),
    ),
  );
  assert.match(e.message, /points3D\.bin: end of file: 5 bytes after the last record/);

  // cameras.txt: line 3 is camera 1 (after two comment lines).
  e = await refusal('0', (d) =>
    editLine(join(d, 'cameras.txt'), 7, (l) => l.split(' ').slice(0, -1).join(' ')),
  );
  assert.ok(e.file.endsWith('cameras.txt'));
  assert.match(
    e.message,
    /line 7: camera 5: OPENCV takes 8 parameters \(fx, fy, cx, cy, k1, k2, p1, p2\), found 7/,
  );

  e = await refusal('0', (d) =>
    editLine(join(d, 'images.txt'), 5, (l) => l.replace(/ 2 frame_01\.png$/, ' 99 frame_01.png')),
  );
  assert.match(
    e.message,
    /images\.txt: line 5: image 101 uses CAMERA_ID 99, which the cameras file does not list/,
  );

  e = await refusal('0', (d) =>
    editLine(join(d, 'images.txt'), 3, (l) =>
      ['101', '0.9', '0.5', '0.5', '0.1', ...l.split(' ').slice(5)].join(' '),
    ),
  );
  assert.match(
    e.message,
    /images\.txt: line 3: quaternion \(QW QX QY QZ\) = \(0\.9, 0\.5, 0\.5, 0\.1\) has norm 1\.1489\d*, not 1/,
  );

  e = await refusal('0', (d) =>
    editLine(join(d, 'images.txt'), 3, (l) => l.split(' ').slice(0, 9).join(' ')),
  );
  assert.match(
    e.message,
    /line 3: expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME \(10 columns\), found 9/,
  );

  e = await refusal('0', (d) => editLine(join(d, 'images.txt'), 4, (l) => `${l} 7`));
  assert.match(
    e.message,
    /line 4: POINTS2D of image 100 must be \(X, Y, POINT3D_ID\) triples, found 7 columns/,
  );

  e = await refusal('0', (d) => editLine(join(d, 'points3D.txt'), 2, (l) => `${l} 3`));
  assert.match(
    e.message,
    /points3D\.txt: line 2: expected POINT3D_ID X Y Z R G B ERROR then \(IMAGE_ID, POINT2D_IDX\) pairs, found 13 columns/,
  );

  e = await refusal('0', (d) => editLine(join(d, 'cameras.txt'), 4, (l) => l.replace('PINHOLE', 'PINHOEL')));
  assert.match(
    e.message,
    /line 4: camera 2 uses an unknown camera model \("PINHOEL"\); clift converts SIMPLE_PINHOLE, PINHOLE/,
  );
});

test('colmap: unsupported camera models are refused naming the camera id and model, in both formats', async () => {
  for (const [model, params] of [
    ['FOV', [30, 30, 20, 15, 0.9]],
    ['THIN_PRISM_FISHEYE', [30, 30, 20, 15, 0.1, 0, 0, 0, 0, 0, 0, 0]],
  ] as const) {
    const m = testModel();
    m.cameras = [
      ...CAMERAS.slice(0, 2),
      { id: 3, model, width: 40, height: 30, params: [...params] },
      ...CAMERAS.slice(3),
    ];
    for (const variant of ['0', '1'] as const) {
      const e = await refusal(variant, () => {}, m);
      assert.match(
        e.message,
        new RegExp(`camera 3 uses the camera model ${model}, which clift does not convert`),
      );
      assert.ok(e.field === (variant === '0' ? 'line 5' : 'camera record 3 of 11'), e.field);
    }
  }
});

test('colmap: a missing image, an image of the wrong size or a missing images folder is refused', async () => {
  const model = testModel();
  const root = makeProject(model);
  rmSync(join(root, 'images', 'frame_03.png'));
  await assert.rejects(convertColmap(join(root, 'sparse', '0'), outDir()), (e: unknown) => {
    assert.ok(e instanceof SceneError && e.file === join(root, 'images', 'frame_03.png'), String(e));
    return true;
  });
  writeRgb8(join(root, 'images', 'frame_03.png'), 8, 8, new Uint8Array(8 * 8 * 3));
  await assert.rejects(
    convertColmap(join(root, 'sparse', '0'), outDir()),
    /image is 8×8 but its camera 4 .* is 40×30/,
  );
  await assert.rejects(
    convertColmap(join(root, 'sparse', '0'), outDir(), { images: join(root, 'nope') }),
    /nope: --images: folder not found/,
  );
  rmSync(join(root, 'images'), { recursive: true });
  await assert.rejects(convertColmap(join(root, 'sparse', '0'), outDir()), /--images: no images\/ folder/);
  await assert.rejects(
    convertScene('nerfstudio', root, outDir(), { images: root }),
    /--images applies to --from colmap only/,
  );
});

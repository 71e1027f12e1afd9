import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertMessyRooms } from '../src/data/convert/messy-rooms.ts';
import { SceneError } from '../src/data/errors.ts';
import { readConfidence, readInstances, readRgb, readSemantics } from '../src/data/maps.ts';
import { writePng } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { pixelRay, unprojectPixel, type Vec3 } from '../src/rays/camera.ts';
import { writeNpy } from './helpers/npy-writer.ts';

const W = 16;
const H = 12;
const N = 5;
const stemOf = (k: number) => String(k).padStart(5, '0');
// Normalised K with negative entries, as the release stores it.
const KN = [
  [1.1, 0, -0.5],
  [0, -1.4, -0.52],
  [0, 0, -1],
];
const X: Vec3 = [0.3, -0.2, 1.1];

/** Rotation (row-major) of `angle` radians about an axis, by Rodrigues' formula, and its quaternion (w,x,y,z). */
function rotation(axis: Vec3, angle: number): { R: number[]; q: number[] } {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((a) => a / n) as Vec3;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const C = 1 - c;
  const R = [
    c + x * x * C,
    x * y * C - z * s,
    x * z * C + y * s,
    y * x * C + z * s,
    c + y * y * C,
    y * z * C - x * s,
    z * x * C - y * s,
    z * y * C + x * s,
    c + z * z * C,
  ];
  const h = Math.sin(angle / 2);
  return { R, q: [Math.cos(angle / 2), x * h, y * h, z * h] };
}

/** Camera k: quaternion and position placing X in front of it. */
function camera(k: number): { R: number[]; q: number[]; t: Vec3 } {
  const { R, q } = rotation([1 - 0.3 * k, 0.5 + k, 0.2], 0.3 + 0.5 * k);
  // A point three units ahead in OpenGL camera axes (looking down −z) — only used to place the camera.
  const p: Vec3 = [0.15 * k - 0.2, 0.1 - 0.05 * k, -3 - 0.2 * k];
  const Rp = [0, 1, 2].map((r) => R[r * 3]! * p[0] + R[r * 3 + 1]! * p[1] + R[r * 3 + 2]! * p[2]);
  return { R, q, t: [X[0] - Rp[0]!, X[1] - Rp[1]!, X[2] - Rp[2]!] };
}

/**
 * The renderer's projection in continuous image coordinates (pixel u covers [u, u + 1)):
 * c2w = [R|t]·diag(1,−1,−1,1) (OpenCV), K = |K_norm·(W,H)|.
 */
function sourceProject(k: number): { u: number; v: number; z: number } {
  const { R, t } = camera(k);
  const flip = [1, -1, -1];
  const Rcv = R.map((v, i) => v * flip[i % 3]!);
  const d = [X[0] - t[0], X[1] - t[1], X[2] - t[2]];
  const p = [0, 1, 2].map((c) => Rcv[c]! * d[0]! + Rcv[3 + c]! * d[1]! + Rcv[6 + c]! * d[2]!);
  assert.ok(p[2]! > 0, 'fixture point must be in front of the camera');
  const fx = Math.abs(KN[0]![0]! * W);
  const cx = Math.abs(KN[0]![2]! * W);
  const fy = Math.abs(KN[1]![1]! * H);
  const cy = Math.abs(KN[1]![2]! * H);
  return { u: (fx * p[0]!) / p[2]! + cx, v: (fy * p[1]!) / p[2]! + cy, z: p[2]! };
}

function makeScene(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clift-mos-'));
  const cams = Array.from({ length: N }, (_, k) => camera(k));
  writeFileSync(
    join(dir, 'metadata.json'),
    JSON.stringify({ camera: { K: KN, positions: cams.map((c) => c.t), quaternions: cams.map((c) => c.q) } }),
  );
  for (let k = 0; k < N; k++) {
    const stem = stemOf(k);
    const rgba = new Uint8Array(W * H * 4).fill(30 * k + 10);
    writePng(join(dir, `color/${stem}.png`), { width: W, height: H, channels: 4, depth: 8, data: rgba });
    const inst = Array.from({ length: W * H }, (_, i) => (i % 4 === 0 ? 7 + k : 0));
    writeNpy(join(dir, `detic_instance/${stem}.npy`), '<i8', [H, W], inst);
    writeNpy(
      join(dir, `detic_semantic/${stem}.npy`),
      '|u1',
      [H, W],
      inst.map((v) => (v > 0 ? 1 : 0)),
    );
    writeNpy(
      join(dir, `detic_probabilities/${stem}.npy`),
      '<f4',
      [H, W],
      inst.map((v) => (v > 0 ? 0.75 : 0.25)),
      { version: 2 },
    );
    writeNpy(
      join(dir, `semantic/${stem}.npy`),
      '|b1',
      [H, W],
      inst.map((v) => (v > 0 ? 1 : 0)),
    );
    writeNpy(
      join(dir, `instance/${stem}.npy`),
      '<i2',
      [H, W, 1],
      inst.map((v) => (v > 0 ? 3 : 0)),
    );
  }
  return dir;
}

function outDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'clift-mos-out-')), 'scene');
}

test('messy-rooms: the converted scene validates and its maps load', async () => {
  const res = await convertMessyRooms(makeScene(), outDir());
  assert.equal(res.frames, N);
  const scene = readScene(res.dir);
  assert.deepEqual(
    scene.frames.map((f) => f.split),
    ['train', 'train', 'train', 'train', 'test'],
  );
  assert.deepEqual(scene.classes, [
    { id: 0, name: 'background', thing: false },
    { id: 1, name: 'object', thing: true },
  ]);
  const f = scene.frames[2]!;
  assert.equal(f.intrinsics.fx, 1.1 * W);
  assert.equal(f.intrinsics.fy, 1.4 * H);
  assert.equal(f.intrinsics.cx, 0.5 * W);
  assert.equal(f.intrinsics.cy, 0.52 * H);
  assert.equal(readRgb(scene, f)[0], 70);
  const inst = readInstances(scene, f, 'instance_file_path');
  assert.deepEqual([inst[0], inst[1], inst[4]], [9, 0, 9]);
  const sem = readSemantics(scene, f, 'semantic_file_path');
  assert.deepEqual([sem[0], sem[1]], [1, 0]);
  const conf = readConfidence(scene, f);
  // Object pixels keep the detector's confidence; background pixels are fully trusted, as in training.
  assert.ok(Math.abs(conf[0]! - 0.75) < 1e-4 && conf[1] === 1);
  assert.equal(readInstances(scene, f, 'gt_instance_file_path')[4], 3);
  assert.equal(readSemantics(scene, f, 'gt_semantic_file_path')[4], 1);
});

test('messy-rooms: a point projected by the renderer unprojects to itself in clift', async () => {
  const res = await convertMessyRooms(makeScene(), outDir());
  const scene = readScene(res.dir);
  const tol = 1e-6 * Math.hypot(...X);
  const rays = [1, 3].map((k) => {
    const projected = sourceProject(k);
    // clift's pixel (i, j) is centred at (i + 0.5, j + 0.5) of the continuous image.
    const [u, v, z] = [projected.u - 0.5, projected.v - 0.5, projected.z];
    const frame = scene.frames[k]!;
    const p = unprojectPixel(frame, u, v, z);
    for (let i = 0; i < 3; i++)
      assert.ok(Math.abs(p[i]! - X[i]!) < tol, `view ${k} axis ${i}: ${p[i]} vs ${X[i]}`);
    return pixelRay(frame, u, v);
  });
  const [a, b] = rays as [ReturnType<typeof pixelRay>, ReturnType<typeof pixelRay>];
  const dot = (p: number[], q: number[]) => p[0]! * q[0]! + p[1]! * q[1]! + p[2]! * q[2]!;
  const w0 = [0, 1, 2].map((i) => a.origin[i]! - b.origin[i]!);
  const bb = dot(a.dir, b.dir);
  const s = (bb * dot(b.dir, w0) - dot(a.dir, w0)) / (1 - bb * bb);
  const t = (dot(b.dir, w0) - bb * dot(a.dir, w0)) / (1 - bb * bb);
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(a.origin[i]! + s * a.dir[i]! - X[i]!) < tol);
    assert.ok(Math.abs(b.origin[i]! + t * b.dir[i]! - X[i]!) < tol);
  }
});

async function rejectsNaming(src: string, suffix: string): Promise<void> {
  await assert.rejects(convertMessyRooms(src, outDir()), (e: unknown) => {
    assert.ok(e instanceof SceneError, `expected a SceneError, got ${String(e)}`);
    assert.ok(e.file.endsWith(suffix), `error names ${e.file}, expected …${suffix}`);
    return true;
  });
}

test('messy-rooms: a missing color folder is one SceneError naming it', async () => {
  const src = makeScene();
  rmSync(join(src, 'color'), { recursive: true });
  await rejectsNaming(src, 'color');
});

test('messy-rooms: a bad .npy header is one SceneError naming the file', async () => {
  const src = makeScene();
  writeFileSync(join(src, 'detic_instance/00002.npy'), 'this is not numpy');
  await rejectsNaming(src, join('detic_instance', '00002.npy'));
  const src2 = makeScene();
  writeNpy(join(src2, 'instance/00001.npy'), '<i4', [H, W], new Array(W * H).fill(0), { fortranOrder: true });
  await rejectsNaming(src2, join('instance', '00001.npy'));
});

test('messy-rooms: a color frame without a camera is one SceneError naming metadata.json', async () => {
  const src = makeScene();
  writePng(join(src, 'color/00005.png'), {
    width: W,
    height: H,
    channels: 4,
    depth: 8,
    data: new Uint8Array(W * H * 4),
  });
  await rejectsNaming(src, 'metadata.json');
});

test('messy-rooms: an unknown class id or a wrongly sized map is one SceneError naming the file', async () => {
  const src = makeScene();
  writeNpy(join(src, 'semantic/00003.npy'), '|u1', [H, W], new Array(W * H).fill(2));
  await rejectsNaming(src, join('semantic', '00003.npy'));
  const src2 = makeScene();
  writeNpy(join(src2, 'detic_semantic/00000.npy'), '|u1', [H, W - 1], new Array(H * (W - 1)).fill(0));
  await rejectsNaming(src2, join('detic_semantic', '00000.npy'));
});

test('messy-rooms: a non-numeric position is one SceneError naming metadata.json', async () => {
  const src = makeScene();
  const cams = Array.from({ length: N }, (_, k) => camera(k));
  const text = JSON.stringify({
    camera: { K: KN, positions: cams.map((c) => c.t), quaternions: cams.map((c) => c.q) },
  });
  writeFileSync(join(src, 'metadata.json'), text.replace(/^(.*?"positions":\[\[)[-0-9.e]+/, '$1null'));
  await rejectsNaming(src, 'metadata.json');
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import { convertPanopticLifting } from '../src/data/convert/panoptic-lifting.ts';
import { SceneError } from '../src/data/errors.ts';
import { readDepth, readInstances, readRgb, readSemantics } from '../src/data/maps.ts';
import { writeGray16, writePng } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { VOID_LABEL } from '../src/data/scene.ts';
import { pixelRay, unprojectPixel, type Vec3 } from '../src/rays/camera.ts';

const W = 16;
const H = 12;
const STEMS = ['0', '5', '10', '15'];
const K = { fx: 14, fy: 13, cx: 7.3, cy: 5.6 };
const X: Vec3 = [0.4, -0.3, 1.2];

/** Rotation matrix (row-major) of `angle` radians about the unit axis, by Rodrigues' formula. */
function rodrigues(axis: Vec3, angle: number): number[] {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((a) => a / n) as Vec3;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const C = 1 - c;
  return [
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
}

/** OpenCV camera-to-world pose of view k: the point X sits in front of it (z forward). */
function cvPose(k: number): { R: number[]; t: Vec3 } {
  const R = rodrigues([0.3 + k, 1, -0.4 * k], 0.5 + 0.4 * k);
  const p: Vec3 = [0.2 - 0.1 * k, -0.15 + 0.05 * k, 2.5 + 0.3 * k]; // camera coordinates, z > 0
  const Rp: Vec3 = [0, 1, 2].map(
    (r) => R[r * 3]! * p[0] + R[r * 3 + 1]! * p[1] + R[r * 3 + 2]! * p[2],
  ) as Vec3;
  return { R, t: [X[0] - Rp[0], X[1] - Rp[1], X[2] - Rp[2]] };
}

/** The source loader's projection: OpenCV axes, integer pixel indices (no half-pixel offset). */
function sourceProject(k: number): { u: number; v: number; z: number } {
  const { R, t } = cvPose(k);
  const d = [X[0] - t[0], X[1] - t[1], X[2] - t[2]];
  const p = [0, 1, 2].map((c) => R[c]! * d[0]! + R[3 + c]! * d[1]! + R[6 + c]! * d[2]!) as Vec3;
  assert.ok(p[2] > 0, 'fixture point must be in front of the camera');
  return { u: (K.fx * p[0]) / p[2] + K.cx, v: (K.fy * p[1]) / p[2] + K.cy, z: p[2] };
}

function poseText(k: number, mutate?: (rows: string[][]) => void): string {
  const { R, t } = cvPose(k);
  const rows = [0, 1, 2].map((r) => [R[r * 3]!, R[r * 3 + 1]!, R[r * 3 + 2]!, t[r]!].map(String));
  rows.push(['0', '0', '0', '1']);
  mutate?.(rows);
  return `${rows.map((r) => r.join(' ')).join('\n')}\n`;
}

function makeScene(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clift-panopli-'));
  for (const d of ['color', 'pose', 'intrinsic']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, 'intrinsic/intrinsic_color.txt'),
    `${K.fx} 0 ${K.cx} 0\n0 ${K.fy} ${K.cy} 0\n0 0 1 0\n0 0 0 1\n`,
  );
  writeFileSync(join(dir, 'splits.json'), JSON.stringify({ train: [0, 5, 10], test: ['15'] }));
  STEMS.forEach((stem, k) => {
    const rgba = new Uint8Array(W * H * 4).fill(40 * k + 20);
    writeFileSync(join(dir, `color/${stem}.jpg`), jpeg.encode({ data: rgba, width: W, height: H }, 95).data);
    writeFileSync(join(dir, `pose/${stem}.txt`), poseText(k));
    const sem = new Uint16Array(W * H).map((_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 5 : 21));
    writeGray16(join(dir, `m2f_semantics/${stem}.png`), W, H, sem);
    writeGray16(
      join(dir, `m2f_instance/${stem}.png`),
      W,
      H,
      new Uint16Array(W * H).map((_, i) => (i % 3 === 1 ? 100 + k : 0)),
    );
    const gtSem = new Uint8Array(W * H).map((_, i) => (i < W ? 0 : 4));
    writePng(join(dir, `rs_semantics/${stem}.png`), {
      width: W,
      height: H,
      channels: 1,
      depth: 8,
      data: gtSem,
    });
    writePng(join(dir, `rs_instance/${stem}.png`), {
      width: W,
      height: H,
      channels: 1,
      depth: 8,
      data: new Uint8Array(W * H).fill(2),
    });
    writeGray16(join(dir, `depth/${stem}.png`), W, H, new Uint16Array(W * H).fill(1500 + k));
  });
  return dir;
}

function outDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'clift-panopli-out-')), 'scene');
}

test('panoptic-lifting: the converted scene validates and its maps load', async () => {
  const src = makeScene();
  const calls: number[] = [];
  const res = await convertPanopticLifting(src, outDir(), { onProgress: (d) => calls.push(d) });
  assert.equal(res.frames, 4);
  assert.deepEqual(calls.at(-1), 4);
  const scene = readScene(res.dir);
  assert.deepEqual(
    scene.frames.map((f) => f.stem),
    ['0', '5', '10', '15'],
  );
  assert.deepEqual(
    scene.frames.map((f) => f.split),
    ['train', 'train', 'train', 'test'],
  );
  assert.equal(scene.classes.length, 21);
  assert.ok(!scene.classes.some((c) => c.id === 0), 'void must not be a listed class');
  assert.deepEqual(
    scene.classes.filter((c) => c.thing).map((c) => c.id),
    [4, 5, 6, 14, 15, 16, 17, 18, 20],
  );
  const f = scene.frames[1]!;
  assert.equal(f.intrinsics.cx, K.cx + 0.5);
  assert.equal(f.intrinsics.cy, K.cy + 0.5);
  assert.equal(f.intrinsics.w, W);
  assert.equal(readRgb(scene, f).length, W * H * 3);
  const sem = readSemantics(scene, f, 'semantic_file_path');
  assert.deepEqual([sem[0], sem[1], sem[2]], [VOID_LABEL, 5, 21]);
  const inst = readInstances(scene, f, 'instance_file_path');
  assert.deepEqual([inst[0], inst[1]], [0, 101]);
  const gtSem = readSemantics(scene, f, 'gt_semantic_file_path');
  assert.deepEqual([gtSem[0], gtSem[W]], [VOID_LABEL, 4]);
  assert.equal(readInstances(scene, f, 'gt_instance_file_path')[7], 2);
  assert.ok(Math.abs(readDepth(scene, f)[0]! - 1.501) < 1e-6);
});

test('panoptic-lifting: a point projected with the source convention unprojects to itself in clift', async () => {
  const res = await convertPanopticLifting(makeScene(), outDir());
  const scene = readScene(res.dir);
  const rays = [0, 1].map((k) => {
    const { u, v, z } = sourceProject(k);
    const frame = scene.frames[k]!;
    // clift's pixel (u, v) is centred at (u + 0.5, v + 0.5); pass the continuous index as the source has it.
    const p = unprojectPixel(frame, u, v, z);
    for (let i = 0; i < 3; i++)
      assert.ok(Math.abs(p[i]! - X[i]!) < 1e-6 * Math.hypot(...X), `view ${k} axis ${i}: ${p[i]} vs ${X[i]}`);
    return pixelRay(frame, u, v);
  });
  // Triangulate the two rays (closest points) without depth: they must meet at X.
  const [a, b] = rays as [ReturnType<typeof pixelRay>, ReturnType<typeof pixelRay>];
  const dot = (p: number[], q: number[]) => p[0]! * q[0]! + p[1]! * q[1]! + p[2]! * q[2]!;
  const w0 = [0, 1, 2].map((i) => a.origin[i]! - b.origin[i]!);
  const bb = dot(a.dir, b.dir);
  const d = dot(a.dir, w0);
  const e = dot(b.dir, w0);
  const s = (bb * e - d) / (1 - bb * bb);
  const t = (e - bb * d) / (1 - bb * bb);
  for (let i = 0; i < 3; i++) {
    const pa = a.origin[i]! + s * a.dir[i]!;
    const pb = b.origin[i]! + t * b.dir[i]!;
    assert.ok(Math.abs(pa - X[i]!) < 1e-6 * Math.hypot(...X));
    assert.ok(Math.abs(pb - X[i]!) < 1e-6 * Math.hypot(...X));
  }
});

async function rejectsNaming(src: string, suffix: string): Promise<void> {
  await assert.rejects(convertPanopticLifting(src, outDir()), (e: unknown) => {
    assert.ok(e instanceof SceneError, `expected a SceneError, got ${String(e)}`);
    assert.ok(e.file.endsWith(suffix), `error names ${e.file}, expected …${suffix}`);
    return true;
  });
}

test('panoptic-lifting: a missing pose folder is one SceneError naming it', async () => {
  const src = makeScene();
  rmSync(join(src, 'pose'), { recursive: true });
  await rejectsNaming(src, 'pose');
});

test('panoptic-lifting: a pose file with NaN is one SceneError naming it', async () => {
  const src = makeScene();
  writeFileSync(
    join(src, 'pose/5.txt'),
    poseText(1, (rows) => {
      rows[1]![2] = 'nan';
    }),
  );
  await rejectsNaming(src, join('pose', '5.txt'));
});

test('panoptic-lifting: a color frame without a pose is one SceneError naming the pose file', async () => {
  const src = makeScene();
  rmSync(join(src, 'pose/10.txt'));
  await rejectsNaming(src, join('pose', '10.txt'));
});

test('panoptic-lifting: an unknown class id in a semantic map is one SceneError naming the map', async () => {
  const src = makeScene();
  writeGray16(join(src, 'm2f_semantics/10.png'), W, H, new Uint16Array(W * H).fill(30));
  await rejectsNaming(src, join('m2f_semantics', '10.png'));
});

test('panoptic-lifting: a non-rigid pose is one SceneError naming it', async () => {
  const src = makeScene();
  writeFileSync(
    join(src, 'pose/0.txt'),
    poseText(0, (rows) => {
      rows[0]![0] = '3';
    }),
  );
  await rejectsNaming(src, join('pose', '0.txt'));
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import { convertRgbd } from '../src/data/convert/rgbd.ts';
import { SceneError } from '../src/data/errors.ts';
import { readDepth, readRgb } from '../src/data/maps.ts';
import { writeGray16 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { fitSize, resizeArea, resizeDepthMedian } from '../src/data/resample.ts';
import { unprojectPixel, type Vec3 } from '../src/rays/camera.ts';
import { runCli } from './helpers/cli.ts';

const W = 32;
const H = 24;
const K = { fx: 30, fy: 29, cx: 15, cy: 11 };
const FRAMES = 6;
const X: Vec3 = [0.3, -0.2, 2.0];

const stem = (k: number): string => `frame-${String(10 * k).padStart(6, '0')}`;

/** OpenCV camera-to-world pose of view k: a small rotation about y and a sideways step. */
function cvPose(k: number): number[] {
  const a = 0.08 * k;
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [c, 0, s, 0.1 * k, 0, 1, 0, 0.02 * k, -s, 0, c, 0.05 * k, 0, 0, 0, 1];
}

/** Source projection of X in view k: integer pixel centres (OpenCV), planar depth. */
function sourceProject(k: number): { u: number; v: number; z: number } {
  const m = cvPose(k);
  const d = [X[0] - m[3]!, X[1] - m[7]!, X[2] - m[11]!];
  const p = [0, 1, 2].map((c) => m[c]! * d[0]! + m[4 + c]! * d[1]! + m[8 + c]! * d[2]!);
  return { u: (K.fx * p[0]!) / p[2]! + K.cx, v: (K.fy * p[1]!) / p[2]! + K.cy, z: p[2]! };
}

function poseText(m: number[]): string {
  return [0, 1, 2, 3].map((r) => m.slice(r * 4, r * 4 + 4).join(' ')).join('\n');
}

/** Depth of the fixture's pixel (u, v) in view k in mm: two depths in a checkerboard, holes in the first rows. */
function depthAt(k: number, u: number, v: number): number {
  if (v < 2) return 65535;
  return ((u >> 1) + (v >> 1)) % 2 === 0 ? 1000 + k : 3000 + k;
}

function makeCapture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clift-rgbd-'));
  writeFileSync(join(dir, 'camera-intrinsics.txt'), `${K.fx} 0 ${K.cx}\n0 ${K.fy} ${K.cy}\n0 0 1\n`);
  for (let k = 0; k < FRAMES; k++) {
    const rgba = new Uint8Array(W * H * 4).map((_, i) =>
      i % 4 === 3 ? 255 : (i >> 2) % W < W / 2 ? 50 : 200,
    );
    writeFileSync(
      join(dir, `${stem(k)}.color.jpg`),
      jpeg.encode({ data: rgba, width: W, height: H }, 95).data,
    );
    writeFileSync(join(dir, `${stem(k)}.pose.txt`), poseText(cvPose(k)));
    const depth = new Uint16Array(W * H).map((_, i) => depthAt(k, i % W, Math.floor(i / W)));
    writeGray16(join(dir, `${stem(k)}.depth.png`), W, H, depth);
  }
  writeFileSync(join(dir, 'README.md'), 'not a frame\n');
  return dir;
}

const outDir = (): string => join(mkdtempSync(join(tmpdir(), 'clift-rgbd-out-')), 'scene');

test('rgbd: poses, intrinsics and depth convert so a source pixel unprojects to its 3D point', async () => {
  const res = await convertRgbd(makeCapture(), outDir());
  const scene = readScene(res.dir);
  assert.equal(scene.frames.length, FRAMES);
  assert.equal(scene.depthScale, 0.001);
  const f0 = scene.frames[0]!;
  assert.deepEqual([f0.intrinsics.cx, f0.intrinsics.cy, f0.intrinsics.w], [K.cx + 0.5, K.cy + 0.5, W]);
  for (const k of [0, 3, 5]) {
    const { u, v, z } = sourceProject(k);
    const p = unprojectPixel(scene.frames[k]!, u, v, z);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(p[i]! - X[i]!) < 1e-6, `view ${k} axis ${i}`);
  }
  const depth = readDepth(scene, scene.frames[2]!);
  assert.equal(depth[0], 0, '65535 = no reading becomes 0');
  assert.ok(Math.abs(depth[2 * W]! - 3.002) < 1e-6);
  assert.ok(Math.abs(depth[2 * W + 2]! - 1.002) < 1e-6);
  assert.deepEqual(
    scene.frames.map((f) => f.split),
    ['train', 'train', 'test', 'train', 'train', 'train'],
  );
  assert.ok(res.notes.some((n) => n.includes('segment2d --method graph')));
});

test('rgbd: the scene box holds the back-projected depth', async () => {
  const scene = readScene((await convertRgbd(makeCapture(), outDir())).dir);
  assert.ok(scene.aabb);
  const [lo, hi] = scene.aabb!;
  let inside = 0;
  let total = 0;
  for (const f of scene.frames) {
    const d = readDepth(scene, f);
    for (let i = 0; i < d.length; i++) {
      if (d[i] === 0) continue;
      const p = unprojectPixel(f, i % W, Math.floor(i / W), d[i]!);
      total++;
      if (p.every((x, a) => x >= lo[a]! && x <= hi[a]!)) inside++;
    }
  }
  assert.ok(inside / total > 0.97, `${inside} of ${total} depth points inside the box`);
  // Robust, not a loose bound: the box spans the two depth planes, not metres beyond them.
  assert.ok(hi[2] - lo[2] < 3.6, `box depth extent ${hi[2] - lo[2]}`);
});

test('rgbd: --stride and --size keep every n-th frame and rescale images, depth and intrinsics together', async () => {
  const res = await convertRgbd(makeCapture(), outDir(), { stride: 2, size: 16, testEvery: 0 });
  const scene = readScene(res.dir);
  assert.deepEqual(
    scene.frames.map((f) => f.stem),
    [stem(0), stem(2), stem(4)],
  );
  assert.ok(scene.frames.every((f) => f.split === 'train'));
  const f = scene.frames[1]!;
  assert.deepEqual([f.intrinsics.w, f.intrinsics.h], [16, 12]);
  assert.equal(readRgb(scene, f).length, 16 * 12 * 3);
  // The source's continuous point (u + 0.5) lands at half of it in the half-size image.
  const { u, v, z } = sourceProject(2);
  const p = unprojectPixel(f, (u + 0.5) / 2 - 0.5, (v + 0.5) / 2 - 0.5, z);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(p[i]! - X[i]!) < 1e-6, `axis ${i}`);
  // Each 2×2 block of the checkerboard holds one depth: kept as it is, never averaged; the hole rows stay holes.
  const d = readDepth(scene, f);
  assert.equal(d[0], 0);
  for (let i = 16; i < d.length; i++) assert.ok([1.002, 3.002].some((x) => Math.abs(d[i]! - x) < 1e-6));
});

test('resample: median depth ignores holes and never blends two surfaces; area mean keeps a flat image', () => {
  // 4×2 → 2×1: left block {1000, 0, 0, 3000} (holes ignored: lower median 1000), right block all holes.
  const depth = Uint16Array.from([1000, 0, 0, 0, 0, 3000, 0, 0]);
  assert.deepEqual([...resizeDepthMedian(depth, 4, 2, 2, 1)], [1000, 0]);
  // Non-integer factors: 5 → 2 weights the middle pixel half to each side.
  assert.deepEqual([...resizeArea(Uint8Array.from([0, 0, 100, 200, 200]), 5, 1, 1, 2, 1)], [20, 180]);
  assert.deepEqual(fitSize(640, 480, 80), { w: 80, h: 60 });
  assert.deepEqual(fitSize(64, 48, 100), { w: 64, h: 48 });
});

async function rejectsNaming(src: string, suffix: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(convertRgbd(src, outDir()), (e: unknown) => {
    assert.ok(e instanceof SceneError, `expected a SceneError, got ${String(e)}`);
    assert.ok(e.file.endsWith(suffix), `error names ${e.file}, expected …${suffix}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

test('rgbd: a missing pose, a non-rigid pose, an infinite pose and missing intrinsics each name their file', async () => {
  let src = makeCapture();
  rmSync(join(src, `${stem(2)}.pose.txt`));
  await rejectsNaming(src, `${stem(2)}.pose.txt`, /no pose file/);
  src = makeCapture();
  writeFileSync(
    join(src, `${stem(3)}.pose.txt`),
    poseText(cvPose(3).map((x, i) => (i < 11 && i % 4 !== 3 ? 1.1 * x : x))),
  );
  await rejectsNaming(src, `${stem(3)}.pose.txt`, /not orthonormal/);
  src = makeCapture();
  writeFileSync(join(src, `${stem(1)}.pose.txt`), poseText(cvPose(1)).replace(/^\S+/, '-inf'));
  await rejectsNaming(src, `${stem(1)}.pose.txt`, /not a finite number/);
  src = makeCapture();
  rmSync(join(src, 'camera-intrinsics.txt'));
  await rejectsNaming(src, 'camera-intrinsics.txt', /not found/);
  src = makeCapture();
  rmSync(join(src, `${stem(4)}.depth.png`));
  await rejectsNaming(src, `${stem(4)}.depth.png`, /no depth file/);
});

test('clift convert --from rgbd: bad input is one error line and leaves no output folder', async () => {
  const src = makeCapture();
  rmSync(join(src, `${stem(5)}.pose.txt`));
  const out = outDir();
  const r = await runCli(['convert', '--from', 'rgbd', '--in', src, '--out', out, '--size', '16']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /frame-000050\.pose\.txt/);
  assert.ok(!existsSync(out));
  const wrong = await runCli(['convert', '--from', 'nerfstudio', '--in', src, '--out', out, '--stride', '2']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /--stride applies to --from rgbd only/);
});

test('clift convert --from rgbd --no-depth writes an RGB-only scene with the box of the depth readings', async () => {
  const src = makeCapture();
  const withDepth = readScene((await convertRgbd(src, outDir())).dir);
  const out = outDir();
  const r = await runCli(['convert', '--from', 'rgbd', '--in', src, '--out', out, '--no-depth']);
  assert.equal(r.code, 0, r.stderr);
  const scene = readScene(out);
  assert.equal(scene.frames.length, FRAMES);
  assert.ok(scene.frames.every((f) => f.maps.depth_file_path === undefined));
  assert.ok(!existsSync(join(out, 'depth')), 'no depth folder');
  assert.deepEqual(scene.aabb, withDepth.aabb);
  const wrong = await runCli(['convert', '--from', 'colmap', '--in', src, '--out', outDir(), '--no-depth']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /--no-depth applies to --from rgbd only/);
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertScene } from '../src/data/convert/index.ts';
import { convertNerfstudio } from '../src/data/convert/nerfstudio.ts';
import { SceneError } from '../src/data/errors.ts';
import { readInstances, readRgb, readSemantics } from '../src/data/maps.ts';
import { writeGray16, writePng, writeRgb8 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';

const W = 16;
const H = 12;
const ANGLE = 0.9;

function pose(k: number): number[][] {
  const c = Math.cos(0.3 * k);
  const s = Math.sin(0.3 * k);
  return [
    [c, 0, s, 2 * s],
    [0, 1, 0, 0.1 * k],
    [-s, 0, c, 2 * c],
    [0, 0, 0, 1],
  ];
}

/** An instant-ngp style capture: camera_angle_x, extension-less file paths in a sub-folder. */
function makeCapture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clift-ns-'));
  const frames = [0, 1, 2].map((k) => {
    writeRgb8(join(dir, `train/r_${k}.png`), W, H, new Uint8Array(W * H * 3).fill(50 + k));
    return { file_path: `./train/r_${k}`, transform_matrix: pose(k), ...(k === 2 ? { split: 'test' } : {}) };
  });
  writeFileSync(join(dir, 'transforms.json'), JSON.stringify({ camera_angle_x: ANGLE, frames }));
  return dir;
}

function makeMasks(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clift-ns-masks-'));
  for (const k of [0, 1, 2]) {
    const m = new Uint8Array(W * H).map((_, i) => (i % 5 === 0 ? 3 + k : 0));
    writePng(join(dir, `r_${k}.png`), { width: W, height: H, channels: 1, depth: 8, data: m });
  }
  return dir;
}

function outDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'clift-ns-out-')), 'scene');
}

test('nerfstudio: images and poses only, with a note asking for masks', async () => {
  const res = await convertNerfstudio(makeCapture(), outDir());
  assert.equal(res.frames, 3);
  assert.ok(res.notes.some((n) => n.includes('--masks')));
  const scene = readScene(res.dir);
  const f = scene.frames[1]!;
  assert.ok(Math.abs(f.intrinsics.fx - (0.5 * W) / Math.tan(ANGLE / 2)) < 1e-9);
  assert.equal(f.intrinsics.fy, f.intrinsics.fx);
  assert.deepEqual([f.intrinsics.cx, f.intrinsics.cy, f.intrinsics.w, f.intrinsics.h], [W / 2, H / 2, W, H]);
  // Poses are OpenGL camera-to-world in both formats: copied unchanged.
  assert.deepEqual(Array.from(f.c2w), pose(1).flat());
  assert.deepEqual(
    scene.frames.map((x) => x.split),
    ['train', 'train', 'test'],
  );
  assert.equal(f.maps.instance_file_path, undefined);
  assert.equal(readRgb(scene, f)[0], 51);
});

test('nerfstudio: --masks adds instance maps and semantic = instance > 0', async () => {
  const res = await convertScene('nerfstudio', makeCapture(), outDir(), { masks: makeMasks() });
  assert.equal(res.notes.length, 0);
  const scene = readScene(res.dir);
  assert.deepEqual(
    scene.classes.map((c) => [c.id, c.thing]),
    [
      [0, false],
      [1, true],
    ],
  );
  const f = scene.frames[2]!;
  const inst = readInstances(scene, f, 'instance_file_path');
  const sem = readSemantics(scene, f, 'semantic_file_path');
  assert.deepEqual([inst[0], inst[1], inst[5]], [5, 0, 5]);
  assert.deepEqual([sem[0], sem[1], sem[5]], [1, 0, 1]);
});

test('nerfstudio: --semantic-masks are used as given; bad values are refused', async () => {
  const sem = mkdtempSync(join(tmpdir(), 'clift-ns-sem-'));
  for (const k of [0, 1, 2])
    writeGray16(join(sem, `r_${k}.png`), W, H, new Uint16Array(W * H).fill(k === 0 ? 65535 : 1));
  const res = await convertNerfstudio(makeCapture(), outDir(), { masks: makeMasks(), semanticMasks: sem });
  const scene = readScene(res.dir);
  assert.equal(readSemantics(scene, scene.frames[1]!, 'semantic_file_path')[1], 1);
  writeGray16(join(sem, 'r_1.png'), W, H, new Uint16Array(W * H).fill(7));
  await assert.rejects(
    convertNerfstudio(makeCapture(), outDir(), { masks: makeMasks(), semanticMasks: sem }),
    (e: unknown) => {
      assert.ok(e instanceof SceneError && e.file.endsWith('r_1.png'));
      return true;
    },
  );
});

test('nerfstudio: train/val/test_filenames set the splits; a malformed list is one SceneError naming it', async () => {
  const src = makeCapture();
  const frames = [0, 1, 2].map((k) => ({ file_path: `train/r_${k}.png`, transform_matrix: pose(k) }));
  const write = (extra: Record<string, unknown>) =>
    writeFileSync(join(src, 'transforms.json'), JSON.stringify({ camera_angle_x: ANGLE, frames, ...extra }));
  write({
    train_filenames: ['train/r_0.png'],
    val_filenames: ['./train/r_2.png'],
    test_filenames: ['train/r_1.png'],
  });
  const scene = readScene((await convertNerfstudio(src, outDir())).dir);
  assert.deepEqual(
    scene.frames.map((x) => x.split),
    ['train', 'test', 'val'],
  );
  write({ test_filenames: 'train/r_1.png' });
  await assert.rejects(convertNerfstudio(src, outDir()), (e: unknown) => {
    assert.ok(e instanceof SceneError && e.field === 'test_filenames');
    return true;
  });
});

test('nerfstudio: a missing mask, a missing image or a NaN pose is one SceneError naming the file', async () => {
  const masks = makeMasks();
  rmSync(join(masks, 'r_1.png'));
  await assert.rejects(convertNerfstudio(makeCapture(), outDir(), { masks }), (e: unknown) => {
    assert.ok(e instanceof SceneError && e.file === join(masks, 'r_1.png'));
    return true;
  });
  const src = makeCapture();
  rmSync(join(src, 'train/r_2.png'));
  await assert.rejects(convertNerfstudio(src, outDir()), (e: unknown) => {
    assert.ok(e instanceof SceneError && e.file.endsWith(join('train', 'r_2')));
    return true;
  });
  const src2 = makeCapture();
  const p = pose(0);
  p[0]![3] = Number.NaN;
  writeFileSync(
    join(src2, 'transforms.json'),
    JSON.stringify({ camera_angle_x: ANGLE, frames: [{ file_path: 'train/r_0.png', transform_matrix: p }] }),
  );
  await assert.rejects(convertNerfstudio(src2, outDir()), (e: unknown) => {
    assert.ok(
      e instanceof SceneError && e.file.endsWith('transforms.json') && e.field.includes('transform_matrix'),
    );
    return true;
  });
});

test('convert: --masks is refused for formats that bring their own masks', async () => {
  await assert.rejects(
    convertScene('messy-rooms', makeCapture(), outDir(), { masks: '/nowhere' }),
    /nerfstudio and colmap only/,
  );
});

test('nerfstudio: the lens keys carry over (OPENCV_FISHEYE k1–k4, k3 → FULL_OPENCV); other models are refused', async () => {
  const src = makeCapture();
  const frames = [0, 1].map((k) => ({ file_path: `train/r_${k}.png`, transform_matrix: pose(k) }));
  const write = (lens: Record<string, unknown>, frame: Record<string, unknown> = {}) =>
    writeFileSync(
      join(src, 'transforms.json'),
      JSON.stringify({ fl_x: 9, fl_y: 9, ...lens, frames: [{ ...frames[0], ...frame }, frames[1]] }),
    );
  write({ camera_model: 'OPENCV_FISHEYE', k1: 0.1, k2: -0.02, k3: 0.003, k4: -0.0004 });
  let scene = readScene((await convertNerfstudio(src, outDir())).dir);
  for (const f of scene.frames) {
    const i = f.intrinsics;
    assert.deepEqual([i.model, i.k1, i.k2, i.k3, i.k4], ['OPENCV_FISHEYE', 0.1, -0.02, 0.003, -0.0004]);
  }
  write({ camera_model: 'OPENCV', k1: 0.1, k2: 0.01, k3: 0.001, p1: 0.002, p2: 0 }, { k1: 0.2 });
  scene = readScene((await convertNerfstudio(src, outDir())).dir);
  const [a, b] = scene.frames.map((f) => f.intrinsics);
  assert.deepEqual([a!.model, a!.k1, a!.k3, a!.k4, a!.p1], ['FULL_OPENCV', 0.2, 0.001, 0, 0.002]);
  assert.deepEqual([b!.model, b!.k1], ['FULL_OPENCV', 0.1]);
  write({ camera_model: 'EQUIRECTANGULAR' });
  await assert.rejects(convertNerfstudio(src, outDir()), /camera_model: "EQUIRECTANGULAR" is not supported/);
  write({ camera_model: 'OPENCV_FISHEYE', k1: 0.1, p1: 0.01 });
  await assert.rejects(convertNerfstudio(src, outDir()), /p1: OPENCV_FISHEYE has no tangential terms/);
});

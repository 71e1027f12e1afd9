import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SceneError } from '../src/data/errors.ts';
import { readConfidence, readDepth, readInstances, readRgb, readSemantics } from '../src/data/maps.ts';
import { writeGray16, writePng, writeRgb8 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { VOID_LABEL } from '../src/data/scene.ts';
import { sceneToJson, writeTransforms } from '../src/data/write-scene.ts';

const W = 6;
const H = 4;
const identity = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 2],
  [0, 0, 0, 1],
];

/** Writes a valid two-frame scene and returns its folder and JSON. */
function makeScene(mutate?: (json: Record<string, unknown>, dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'clift-scene-'));
  const frames = [0, 1].map((k) => {
    writeRgb8(join(dir, `images/${k}.png`), W, H, new Uint8Array(W * H * 3).fill(100 + k));
    writeGray16(join(dir, `depth/${k}.png`), W, H, new Uint16Array(W * H).fill(1500));
    writeGray16(
      join(dir, `inst/${k}.png`),
      W,
      H,
      Uint16Array.from({ length: W * H }, (_, i) => (i % 3) + k),
    );
    writePng(join(dir, `sem/${k}.png`), {
      width: W,
      height: H,
      channels: 1,
      depth: 8,
      data: Uint8Array.from({ length: W * H }, (_, i) => (i === 0 ? 255 : i % 2)),
    });
    return {
      file_path: `images/${k}.png`,
      transform_matrix: identity.map((r) => [...r]),
      split: k === 0 ? 'train' : 'test',
      depth_file_path: `depth/${k}.png`,
      instance_file_path: `inst/${k}.png`,
      semantic_file_path: `sem/${k}.png`,
      tool_specific_key: { kept: true },
    };
  });
  const json: Record<string, unknown> = {
    camera_model: 'PINHOLE',
    fl_x: 5,
    fl_y: 5,
    cx: 3,
    cy: 2,
    w: W,
    h: H,
    depth_unit_scale_factor: 0.001,
    semantic_classes: [
      { id: 0, name: 'background', thing: false },
      { id: 1, name: 'object', thing: true },
    ],
    frames,
    generator_note: 'unknown keys survive',
  };
  mutate?.(json, dir);
  writeFileSync(join(dir, 'transforms.json'), JSON.stringify(json));
  return dir;
}

function frameAt(json: Record<string, unknown>, k: number): Record<string, unknown> {
  return (json.frames as Record<string, unknown>[])[k]!;
}

/** Asserts that reading (or loading a map of) the scene fails naming the file and field. */
function assertSceneError(fn: () => unknown, file: RegExp, field: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SceneError, `expected SceneError, got ${e}`);
    assert.match(e.file, file);
    assert.match(e.field, field);
    return true;
  });
}

test('reads a valid scene with its maps, intrinsics overrides and void labels', () => {
  const dir = makeScene((json) => {
    Object.assign(frameAt(json, 1), { fl_x: 7, cx: 2.5 });
  });
  const scene = readScene(dir);
  assert.equal(scene.frames.length, 2);
  assert.equal(scene.frames[0]!.stem, '0');
  assert.equal(scene.frames[1]!.split, 'test');
  assert.equal(scene.frames[0]!.intrinsics.fx, 5);
  assert.equal(scene.frames[1]!.intrinsics.fx, 7);
  assert.equal(scene.frames[1]!.intrinsics.cx, 2.5);
  assert.equal(scene.frames[1]!.intrinsics.fy, 5);
  const f = scene.frames[1]!;
  assert.equal(readRgb(scene, f)[0], 101);
  assert.ok(Math.abs(readDepth(scene, f)[3]! - 1.5) < 1e-6);
  assert.equal(readInstances(scene, f, 'instance_file_path')[1], 2);
  const sem = readSemantics(scene, f, 'semantic_file_path');
  assert.equal(sem[0], VOID_LABEL);
  assert.equal(sem[1], 1);
  assert.equal(readConfidence(scene, f)[0], 1);
});

test('writing a scene keeps keys the reader does not know', () => {
  const dir = makeScene();
  const scene = readScene(dir);
  writeTransforms(dir, sceneToJson(scene));
  const json = JSON.parse(readFileSync(join(dir, 'transforms.json'), 'utf8'));
  assert.equal(json.generator_note, 'unknown keys survive');
  assert.deepEqual(json.frames[0].tool_specific_key, { kept: true });
  const again = readScene(dir);
  assert.deepEqual(again.frames[1]!.c2w, scene.frames[1]!.c2w);
  assert.deepEqual(again.frames[1]!.intrinsics, scene.frames[1]!.intrinsics);
});

test('a missing map file is refused naming the file and the field', () => {
  const dir = makeScene((json) => {
    frameAt(json, 1).instance_file_path = 'inst/nope.png';
  });
  assertSceneError(() => readScene(dir), /inst\/nope\.png$/, /frames\[1\]\.instance_file_path/);
});

test('a frame with no RGB is refused', () => {
  const dir = makeScene((json) => {
    delete frameAt(json, 0).file_path;
  });
  assertSceneError(() => readScene(dir), /transforms\.json$/, /frames\[0\]\.file_path/);
});

test('a non-rigid or non-invertible transform_matrix is refused', () => {
  const scaled = makeScene((json) => {
    frameAt(json, 1).transform_matrix = [
      [2, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ];
  });
  assertSceneError(() => readScene(scaled), /transforms\.json$/, /frames\[1\]\.transform_matrix/);
  const singular = makeScene((json) => {
    frameAt(json, 0).transform_matrix = [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 1],
    ];
  });
  assertSceneError(() => readScene(singular), /transforms\.json$/, /frames\[0\]\.transform_matrix/);
  const nan = makeScene((json) => {
    (frameAt(json, 0).transform_matrix as unknown[][])[0]![3] = 'x';
  });
  assertSceneError(() => readScene(nan), /transforms\.json$/, /frames\[0\]\.transform_matrix/);
});

test('a map of the wrong size or channel count is refused when loaded', () => {
  const dir = makeScene((_json, d) => {
    writeGray16(join(d, 'inst/1.png'), W + 1, H, new Uint16Array((W + 1) * H));
    writeRgb8(join(d, 'depth/0.png'), W, H, new Uint8Array(W * H * 3));
  });
  const scene = readScene(dir);
  assertSceneError(
    () => readInstances(scene, scene.frames[1]!, 'instance_file_path'),
    /inst\/1\.png$/,
    /frames\[1\]\.instance_file_path/,
  );
  assertSceneError(
    () => readDepth(scene, scene.frames[0]!),
    /depth\/0\.png$/,
    /frames\[0\]\.depth_file_path/,
  );
});

test('a class id that semantic_classes does not list is refused', () => {
  const dir = makeScene((_json, d) => {
    writeGray16(join(d, 'sem/0.png'), W, H, new Uint16Array(W * H).fill(7));
  });
  const scene = readScene(dir);
  assertSceneError(
    () => readSemantics(scene, scene.frames[0]!, 'semantic_file_path'),
    /sem\/0\.png$/,
    /frames\[0\]\.semantic_file_path/,
  );
});

test('missing camera values, bad JSON and a missing folder are refused', () => {
  const noFocal = makeScene((json) => {
    delete json.fl_x;
  });
  assertSceneError(() => readScene(noFocal), /transforms\.json$/, /fl_x/);
  const bad = makeScene();
  writeFileSync(join(bad, 'transforms.json'), '{ not json');
  assertSceneError(() => readScene(bad), /transforms\.json$/, /transforms\.json/);
  assertSceneError(() => readScene(join(bad, 'missing')), /missing$/, /scene folder/);
  const badSplit = makeScene((json) => {
    frameAt(json, 0).split = 'training';
  });
  assertSceneError(() => readScene(badSplit), /transforms\.json$/, /frames\[0\]\.split/);
});

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { type ConvertFormat, convertScene } from '../src/data/convert/index.ts';
import { readInstances } from '../src/data/maps.ts';
import { readScene } from '../src/data/read-scene.ts';
import { framesOf, type Scene } from '../src/data/scene.ts';
import { evaluatePrediction, type Metrics } from '../src/eval/evaluate.ts';
import { segmentRun } from '../src/infer/segment.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { train } from '../src/train/trainer.ts';
import {
  attachTinyGroundTruth,
  type PoseMistake,
  writeMessyRoomsScene,
  writeNerfstudioCapture,
  writePanopticLiftingScene,
} from './helpers/source-formats.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

// Non-square views, so a width/height mix-up in a converter changes the cameras.
const W = 64;
const H = 48;
const FRAMES = 16;
// Thresholds sit well between a correct conversion and one with wrong poses (600 iterations, seed 3):
// correct ≈ 25 dB on train and test views, PQ^scene ≈ 79–80, all 5 objects matched; OpenGL/OpenCV axes
// swapped or rotations transposed ≈ 22–23 dB on train views, 15–16 dB on test views, PQ^scene ≤ 31, none
// matched. Wrong poses still fit each training view on its own, so only held-out views and PQ^scene tell.
const MIN_PSNR = 21;
const MIN_PQ_SCENE = 60;
const MIN_MATCHED = 4;
const OBJECTS = 5;

const config = parseTrainConfig(
  {
    trainSize: 32,
    batch: 512,
    instanceBatch: 256,
    instanceHidden: 64,
    semanticHidden: 32,
    grid: { start: 24, end: 48, densityComponents: 8, appearanceComponents: 16, occupancy: 24 },
    iters: 600,
    seed: 3,
    lr: { grid: 1e-2, mlp: 5e-4, semantic: 2e-3, instance: 2e-3 },
  },
  'test',
);

let tinyDir = '';

// Every layout carries the tiny scene's depth maps: without depth, the geometry stage currently never leaves its
// empty start (no sample passes the colour-weight threshold, so the photometric loss has no gradient).
before(() => {
  tinyDir = writeTinyScene({ frames: FRAMES, size: W, height: H, stepDeg: 20 });
});

/** Writes the tiny scene in a source layout and converts it; nerfstudio scenes get the tiny GT attached. */
async function convertFixture(format: ConvertFormat, poseMistake: PoseMistake = 'none'): Promise<Scene> {
  const out = join(mkdtempSync(join(tmpdir(), 'clift-conv-train-')), 'scene');
  if (format === 'panoptic-lifting') {
    await convertScene(format, writePanopticLiftingScene(tinyDir, { poseMistake }), out);
  } else if (format === 'messy-rooms') {
    await convertScene(format, writeMessyRoomsScene(tinyDir, { poseMistake }), out);
  } else {
    const capture = writeNerfstudioCapture(tinyDir, { poseMistake });
    await convertScene(format, capture.dir, out, { masks: capture.masks });
    // A nerfstudio capture has no ground truth: evaluation uses the tiny scene's, matched by image.
    attachTinyGroundTruth(out, tinyDir, capture.tinyStem);
  }
  return readScene(out);
}

/** Trains a short run on a converted scene, labels every view and scores train and test views. */
async function trainSegmentEval(scene: Scene): Promise<{ train: Metrics; test: Metrics; instances: number }> {
  const runDir = mkdtempSync(join(tmpdir(), 'clift-conv-run-'));
  await train({ sceneDir: scene.dir, runDir, config });
  const pred = mkdtempSync(join(tmpdir(), 'clift-conv-pred-'));
  const seg = await segmentRun({
    runDir,
    views: 'all',
    method: 'hdbscan',
    parameter: 'auto',
    out: pred,
    samplePixels: 20000,
  });
  return {
    train: evaluatePrediction(scene, pred, 'train'),
    test: evaluatePrediction(scene, pred, 'test'),
    instances: seg.instances,
  };
}

function matched(m: Metrics): number {
  return m.per_class.filter((c) => c.thing).reduce((s, c) => s + c.tp, 0);
}

/** The converted scene's 2D masks disagree between views: some object carries several ids. */
function assertInconsistentMasks(scene: Scene): void {
  const idsOf = new Map<number, Set<number>>();
  for (const f of framesOf(scene, 'train')) {
    const gt = readInstances(scene, f, 'gt_instance_file_path');
    const seg = readInstances(scene, f, 'instance_file_path');
    for (let p = 0; p < gt.length; p++) {
      if (gt[p] === 0) continue;
      assert.ok(seg[p]! > 0, `frame ${f.stem}: object pixel without a 2D mask`);
      const set = idsOf.get(gt[p]!) ?? new Set<number>();
      set.add(seg[p]!);
      idsOf.set(gt[p]!, set);
    }
  }
  assert.equal(idsOf.size, OBJECTS);
  for (const [id, set] of idsOf) assert.ok(set.size > 1, `object ${id} has the same 2D id in every view`);
}

function assertTrainsAndSegments(format: string, r: Awaited<ReturnType<typeof trainSegmentEval>>): void {
  const summary = `${format}: train ${r.train.psnr} dB, test ${r.test.psnr} dB, PQ^scene ${r.test.pq_scene}, ${matched(r.test)} matched of ${OBJECTS}, ${r.instances} instances`;
  assert.ok(r.train.psnr! > MIN_PSNR, summary);
  assert.ok(r.test.psnr! > MIN_PSNR, summary);
  assert.ok(r.test.pq_scene! > MIN_PQ_SCENE, summary);
  assert.ok(matched(r.test) >= MIN_MATCHED, summary);
}

test('panoptic-lifting: a converted processed scene trains and segments', async () => {
  const scene = await convertFixture('panoptic-lifting');
  // splits.json is honoured; frames are in numeric stem order (20 < 100) with the image size kept.
  assert.deepEqual(
    scene.frames.map((f) => f.stem),
    Array.from({ length: FRAMES }, (_, k) => String(20 * k)),
  );
  assert.deepEqual(
    scene.frames.map((f) => f.split),
    Array.from({ length: FRAMES }, (_, k) => (k % 3 === 2 ? 'test' : 'train')),
  );
  assert.deepEqual([scene.frames[0]!.intrinsics.w, scene.frames[0]!.intrinsics.h], [W, H]);
  assertInconsistentMasks(scene);
  assertTrainsAndSegments('panoptic-lifting', await trainSegmentEval(scene));
});

test('messy-rooms: a converted release scene trains and segments', async () => {
  const scene = await convertFixture('messy-rooms');
  const nTest = FRAMES - Math.floor(0.8 * FRAMES);
  assert.deepEqual(
    scene.frames.map((f) => f.split),
    Array.from({ length: FRAMES }, (_, k) => (k < FRAMES - nTest ? 'train' : 'test')),
  );
  assert.deepEqual([scene.frames[0]!.intrinsics.w, scene.frames[0]!.intrinsics.h], [W, H]);
  assertInconsistentMasks(scene);
  assertTrainsAndSegments('messy-rooms', await trainSegmentEval(scene));
});

test('nerfstudio: a converted capture with a mask folder trains and segments', async () => {
  const scene = await convertFixture('nerfstudio');
  // The capture names its held-out images in test_filenames.
  assert.deepEqual(
    scene.frames.map((f) => f.split),
    Array.from({ length: FRAMES }, (_, k) => (k % 3 === 2 ? 'test' : 'train')),
  );
  assert.deepEqual([scene.frames[0]!.intrinsics.w, scene.frames[0]!.intrinsics.h], [W, H]);
  assertInconsistentMasks(scene);
  assertTrainsAndSegments('nerfstudio', await trainSegmentEval(scene));
});

test('negative control: OpenGL poses stored where OpenCV is expected fail the same thresholds', async () => {
  const r = await trainSegmentEval(await convertFixture('panoptic-lifting', 'axes'));
  const summary = `test ${r.test.psnr} dB, PQ^scene ${r.test.pq_scene}, ${matched(r.test)} matched`;
  assert.ok(r.test.psnr! < MIN_PSNR, summary);
  assert.ok(r.test.pq_scene! < MIN_PQ_SCENE, summary);
  assert.ok(matched(r.test) < MIN_MATCHED, summary);
});

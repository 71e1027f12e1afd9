import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { readInstances, readSemantics } from '../src/data/maps.ts';
import { readScene } from '../src/data/read-scene.ts';
import type { Frame, Intrinsics } from '../src/data/scene.ts';
import { runBaseline } from '../src/eval/baselines/run-baseline.ts';
import {
  evaluateConsistency,
  type LabelledDepthView,
  nearestViews,
  pairConsistency,
} from '../src/eval/consistency.ts';
import { writePrediction } from '../src/eval/prediction.ts';
import { generateScene } from '../src/synth/generate.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { runCli } from './helpers/cli.ts';

const W = 8;
const H = 4;
const INTR: Intrinsics = {
  model: 'PINHOLE',
  fx: 10,
  fy: 10,
  cx: 4,
  cy: 2,
  w: W,
  h: H,
  k1: 0,
  k2: 0,
  p1: 0,
  p2: 0,
};

/** A frame looking down −z from (x, 0, 0), OpenGL axes. */
function frameAt(index: number, x: number): Frame {
  const c2w = Float64Array.from([1, 0, 0, x, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  return {
    index,
    stem: String(index),
    filePath: '',
    c2w,
    split: 'train',
    intrinsics: INTR,
    maps: {},
    raw: {},
  };
}

/** A view of the plane z = −2 with ids given per column (row 0 all 0) and an optional occluder pixel. */
function view(frame: Frame, idOfColumn: (u: number) => number, occluded = -1): LabelledDepthView {
  const depth = new Float32Array(W * H).fill(2);
  if (occluded >= 0) depth[occluded] = 1;
  const ids = Uint16Array.from({ length: W * H }, (_, i) => (i < W ? 0 : idOfColumn(i % W)));
  return { frame, depth, ids };
}

test('a hand-made pair: a 2-pixel shift, ids 0 on both sides unscored, an occluder unchecked', () => {
  // Camera B sits 0.4 to the right: fx · 0.4 / 2 = 2 pixels, so pixel u of A lands on u − 2 of B.
  const a = view(frameAt(0, 0), (u) => (u < 4 ? 1 : 2));
  const b = view(frameAt(1, 0.4), (u) => (u < 1 ? 1 : 2), 2 * W + 3);
  const c = pairConsistency(a, b, 0);
  // Columns 0, 1 fall outside B; of the 6 × 4 others, B's pixel (3, 2) is occluded (A's pixel (5, 2)).
  assert.deepEqual(c, { pixels: 32, checked: 23, labelled: 23 - 6, agree: 23 - 6 - 3 });
  // Column 3 of A (id 1) lands on column 1 of B (id 2): wrong in rows 1..3; one pixel away B has id 1.
  assert.equal(pairConsistency(a, b, 1).agree, 17);
});

test('nearest views: by camera distance plus axis angle × depth', () => {
  const frames = [0, 0.1, 0.25, 0.7, 0.72].map((x, i) => frameAt(i, x));
  // Frame 5 stands next to frame 0 but looks sideways (90° about y): π/2 × depth 1 away.
  const turned = frameAt(5, 0.02);
  turned.c2w.set([0, 0, 1, 0.02, 0, 1, 0, 0, -1, 0, 0, 0]);
  frames.push(turned);
  assert.deepEqual(nearestViews(frames, 2, 1), [
    [1, 2],
    [0, 2],
    [1, 0],
    [4, 2],
    [3, 2],
    [0, 1],
  ]);
  assert.deepEqual(nearestViews(frames, 3, 0.01)[0], [5, 1, 2], 'with a small depth the turn costs little');
});

let dir = '';
let pred = '';

before(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'clift-consistency-')), 'scene');
  await generateScene({ objects: 5, views: 20, size: 48, env: 'old_room', seed: 3, out: dir, workers: 1 });
  await simulateSegmenter(dir, { noise: 'low', seed: 0 });
  pred = join(dir, '..', 'pred');
  const scene = readScene(dir);
  for (const f of scene.frames) {
    writePrediction(join(pred, 'gt'), f, {
      instance: readInstances(scene, f, 'gt_instance_file_path'),
      semantic: readSemantics(scene, f, 'gt_semantic_file_path'),
    });
  }
  for (const track of ['none', 'cloud'] as const) await runBaseline(dir, { track, out: join(pred, track) });
});

test('generated scene: ground truth scores 100, the raw segmenter low, point-cloud tracking in between', () => {
  const score = (name: string, maxOffset: number) =>
    evaluateConsistency(dir, join(pred, name), { split: 'all', pairs: 3, maxOffset });
  const gt = score('gt', 1);
  assert.equal(gt.consistency, 100);
  // At offset 0 a pixel next to a silhouette can land across it in the other view's pixel grid.
  const gt0 = score('gt', 0);
  assert.ok(gt0.consistency! > 95, `gt at offset 0: ${gt0.consistency}`);
  const none = score('none', 0);
  const cloud = score('cloud', 0);
  assert.ok(none.consistency! < 10, `raw segmenter: ${none.consistency}`);
  assert.ok(
    cloud.consistency! > none.consistency! + 15,
    `cloud ${cloud.consistency} vs raw ${none.consistency}`,
  );
  assert.ok(
    cloud.consistency! < gt0.consistency! - 15,
    `cloud ${cloud.consistency} vs gt ${gt0.consistency}`,
  );
  // Tracking only renames a view's segments: against the 2D segmenter maps per frame both score 100.
  assert.equal(none.segmenter_pq, 100);
  assert.equal(cloud.segmenter_pq, 100);
  assert.ok(gt0.segmenter_pq! < 100);
  assert.ok(cloud.instances < none.instances, `${cloud.instances} tracks vs ${none.instances} raw ids`);
  // Which pixels can be checked depends on depth and poses only.
  assert.equal(none.consistency_checked, gt0.consistency_checked);
  assert.ok(gt0.consistency_checked! > 20 && gt0.consistency_checked! < 100);
  assert.equal(gt0.n_pairs, 60);
});

test('clift eval --consistency prints the score and writes it into the metrics JSON', async () => {
  const out = join(dir, '..', 'consistency.json');
  const r = await runCli([
    'eval',
    '--consistency',
    '--scene',
    dir,
    '--pred',
    join(pred, 'gt'),
    '--split',
    'all',
    '--max-offset',
    '1',
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /consistency +100\.00 %/);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(json.consistency, 100);
  assert.ok(json.consistency_checked > 0);
  assert.equal(json.psnr, null, 'no renders, no PSNR');
  const bad = await runCli(['eval', '--scene', dir, '--pred', join(pred, 'gt'), '--pairs', '2']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--pairs and --max-offset apply to --consistency only/);
  const missing = await runCli(['eval', '--consistency', '--scene', dir, '--pred', join(dir, 'nope')]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nope: prediction folder: does not exist/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { readConfidence, readInstances, readSemantics } from '../src/data/maps.ts';
import { readScene } from '../src/data/read-scene.ts';
import { segmentGraph } from '../src/segment2d/felzenszwalb.ts';
import { GRAPH_DEFAULTS, graphView, runGraphSegmenter } from '../src/segment2d/graph-segmenter.ts';
import { runCli } from './helpers/cli.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

const W = 40;
const H = 30;
const COLOURS = [
  [200, 40, 40],
  [40, 180, 60],
  [50, 60, 210],
  [220, 210, 60],
];

/** Ground-truth region of pixel (x, y): three blocks and a disc inside the second one. */
function region(x: number, y: number): number {
  if ((x - 28) ** 2 + (y - 8) ** 2 < 25) return 3;
  if (x < 16) return 0;
  return y < 18 ? 1 : 2;
}

/** The regions' colours with ±3 of seeded noise. */
function regionImage(seed: number): Uint8Array {
  const rng = new Rng(seed);
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = COLOURS[region(x, y)]!;
      for (let k = 0; k < 3; k++) rgb[(y * W + x) * 3 + k] = c[k]! + rng.int(7) - 3;
    }
  }
  return rgb;
}

/** Whether two labelings are the same partition (a bijection between their labels). */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]!) ?? b[i]) !== b[i] || (ba.get(b[i]!) ?? a[i]) !== a[i]) return false;
    ab.set(a[i]!, b[i]!);
    ba.set(b[i]!, a[i]!);
  }
  return true;
}

const truth = Int32Array.from({ length: W * H }, (_, i) => region(i % W, Math.floor(i / W)));

test('graph segmentation recovers regions of distinct colour exactly', () => {
  for (const seed of [0, 1, 2]) {
    const { labels, count } = segmentGraph(
      { w: W, h: H, rgb: regionImage(seed), depth: null },
      { k: 200, minSize: 10, sigma: 0, depthWeight: 0 },
    );
    assert.equal(count, 4, `seed ${seed}`);
    assert.ok(samePartition(labels, truth), `seed ${seed}`);
  }
  // A much larger k merges across the weakest colour boundary: the result must change.
  const coarse = segmentGraph(
    { w: W, h: H, rgb: regionImage(0), depth: null },
    { k: 1e6, minSize: 10, sigma: 0, depthWeight: 0 },
  );
  assert.ok(coarse.count < 4);
});

test('depth edges split a region of one colour; without depth or where depth is missing they do not', () => {
  const rgb = new Uint8Array(W * H * 3).fill(120);
  const depth = Float32Array.from({ length: W * H }, (_, i) => (i % W < 20 ? 1.0 : 1.3));
  const params = { k: 200, minSize: 10, sigma: 0.8, depthWeight: 300 };
  const split = segmentGraph({ w: W, h: H, rgb, depth }, params);
  assert.equal(split.count, 2);
  assert.ok(
    samePartition(
      split.labels,
      Int32Array.from({ length: W * H }, (_, i) => (i % W < 20 ? 0 : 1)),
    ),
  );
  assert.equal(segmentGraph({ w: W, h: H, rgb, depth }, { ...params, depthWeight: 0 }).count, 1);
  assert.equal(segmentGraph({ w: W, h: H, rgb, depth: new Float32Array(W * H) }, params).count, 1);
});

test('graph views: large segments are stuff, the rest things with fresh ids in every view', () => {
  const input = { w: W, h: H, rgb: regionImage(0), depth: null };
  const params = { ...GRAPH_DEFAULTS, k: 200, minSize: 10, sigma: 0, stuffShare: 0.35 };
  const a = graphView(input, params, { thing: 1, stuff: 0 }, new Rng(0).fork(0));
  const b = graphView(input, params, { thing: 1, stuff: 0 }, new Rng(0).fork(1));
  // Region 0 (16 × 30 = 40 % of the image) is stuff; regions 1, 2 (30 %, 24 %) and the disc are things.
  assert.equal(a.things, 3);
  for (let i = 0; i < W * H; i++) {
    assert.equal(a.instance[i] === 0, truth[i] === 0);
    assert.equal(a.semantic[i], truth[i] === 0 ? 0 : 1);
  }
  assert.ok(samePartition(a.instance, b.instance), 'same segments in both views');
  assert.notDeepEqual(new Set(a.instance), new Set(b.instance), 'but drawn with other ids');
  const conf = [...a.confidence];
  assert.ok(Math.min(...conf) >= 0.5 && Math.max(...conf) === 1);
  assert.ok(a.confidence[W * 15 + 15]! < a.confidence[W * 15 + 3]!, 'lower at a boundary');
});

test('segment2d --method graph writes readable maps that find the objects of a tiny scene', async () => {
  const dir = writeTinyScene({ frames: 4, size: 48 });
  const mean = await runGraphSegmenter(dir, { params: GRAPH_DEFAULTS, seed: 0 });
  assert.ok(mean >= 3, `${mean} thing segments a view`);
  const scene = readScene(dir);
  let matched = 0;
  let objects = 0;
  for (const f of scene.frames) {
    const inst = readInstances(scene, f, 'instance_file_path');
    const sem = readSemantics(scene, f, 'semantic_file_path');
    const conf = readConfidence(scene, f);
    const gt = readInstances(scene, f, 'gt_instance_file_path');
    assert.ok(sem.every((c, i) => c === (inst[i]! > 0 ? 1 : 0)));
    assert.ok(conf.every((c) => c >= 0.49 && c <= 1));
    // Best IoU of every visible object with one segment.
    for (const id of new Set(gt)) {
      if (id === 0) continue;
      objects++;
      const overlap = new Map<number, number>();
      const size = new Map<number, number>();
      let area = 0;
      for (let i = 0; i < gt.length; i++) {
        size.set(inst[i]!, (size.get(inst[i]!) ?? 0) + 1);
        if (gt[i] !== id) continue;
        area++;
        if (inst[i]! > 0) overlap.set(inst[i]!, (overlap.get(inst[i]!) ?? 0) + 1);
      }
      const best = Math.max(0, ...[...overlap].map(([s, o]) => o / (area + size.get(s)! - o)));
      if (best > 0.5) matched++;
    }
  }
  assert.ok(matched >= 0.8 * objects, `${matched} of ${objects} objects matched`);
  // The CLI picks the simulated segmenter for a scene with ground truth unless told otherwise.
  const r = await runCli(['segment2d', '--scene', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /medium segmenter maps/);
  const g = await runCli(['segment2d', '--scene', dir, '--method', 'graph', '--k', '150']);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /graph segmenter maps .* thing segments a view/);
  const bad = await runCli(['segment2d', '--scene', dir, '--method', 'graph', '--stuff-share', '0']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--stuff-share must be a number > 0/);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { readConfidence, readInstances, readSemantics } from '../src/data/maps.ts';
import { readScene } from '../src/data/read-scene.ts';
import type { SemanticClass } from '../src/data/scene.ts';
import { hungarianPairs, iouTable } from '../src/eval/baselines/matching.ts';
import {
  boundaryDistance,
  dilate,
  erode,
  type LabelMap,
  labelBoxes,
  splitByLine,
  touchingPairs,
} from '../src/synth/mask-noise.ts';
import { NOISE_LEVELS, NOISE_NAMES, simulateSegmenter, simulateView } from '../src/synth/segmenter2d.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

const CLASSES: SemanticClass[] = [
  { id: 0, name: 'floor', thing: false },
  { id: 1, name: 'wall', thing: false },
  { id: 2, name: 'cup', thing: true },
  { id: 3, name: 'book', thing: true },
];

test('noise none keeps every mask exact up to a fresh per-view id bijection', async () => {
  const dir = writeTinyScene({ frames: 5 });
  await simulateSegmenter(dir, { noise: 'none', seed: 11 });
  const scene = readScene(dir);
  const idsPerObject = new Map<number, Set<number>>();
  for (const frame of scene.frames) {
    const gt = readInstances(scene, frame, 'gt_instance_file_path');
    const seg = readInstances(scene, frame, 'instance_file_path');
    const gtToSeg = new Map<number, number>();
    const segToGt = new Map<number, number>();
    for (let i = 0; i < gt.length; i++) {
      assert.equal(gtToSeg.get(gt[i]!) ?? seg[i], seg[i], 'one GT object became two segments');
      assert.equal(segToGt.get(seg[i]!) ?? gt[i], gt[i], 'two GT objects became one segment');
      gtToSeg.set(gt[i]!, seg[i]!);
      segToGt.set(seg[i]!, gt[i]!);
    }
    assert.equal(gtToSeg.get(0) ?? 0, 0, 'background must stay 0');
    for (const [obj, id] of gtToSeg)
      if (obj !== 0) idsPerObject.set(obj, (idsPerObject.get(obj) ?? new Set()).add(id));
    assert.deepEqual(
      readSemantics(scene, frame, 'semantic_file_path'),
      readSemantics(scene, frame, 'gt_semantic_file_path'),
    );
    assert.ok(readConfidence(scene, frame).every((c) => c === 1));
  }
  assert.ok(
    [...idsPerObject.values()].every((ids) => ids.size > 1),
    'every object should carry different ids in different views',
  );
});

test('simulateSegmenter adds the three map paths and keeps the other keys of transforms.json', async () => {
  const dir = writeTinyScene({ frames: 3 });
  await simulateSegmenter(dir, { noise: 'medium', seed: 2 });
  const json = JSON.parse(readFileSync(join(dir, 'transforms.json'), 'utf8'));
  assert.equal(json.test_note, 'kept by writers');
  for (const f of json.frames) {
    const stem = f.file_path.slice('images/'.length, -'.png'.length);
    assert.equal(f.instance_file_path, `segments/instance/${stem}.png`);
    assert.equal(f.semantic_file_path, `segments/semantic/${stem}.png`);
    assert.equal(f.confidence_file_path, `segments/confidence/${stem}.png`);
    assert.equal(f.gt_instance_file_path, `gt/instance/${stem}.png`);
    assert.equal(f.depth_file_path, `depth/${stem}.png`);
  }
});

test('same seed gives identical maps, another seed different ones', async () => {
  const read = async (seed: number): Promise<string[]> => {
    const dir = writeTinyScene({ frames: 3 });
    await simulateSegmenter(dir, { noise: 'high', seed });
    const scene = readScene(dir);
    return scene.frames.flatMap((f) =>
      (['instance_file_path', 'semantic_file_path', 'confidence_file_path'] as const).map((k) =>
        readFileSync(join(dir, f.maps[k]!)).toString('base64'),
      ),
    );
  };
  const a = await read(5);
  assert.deepEqual(await read(5), a);
  assert.notDeepEqual(await read(6), a);
});

/** A random layout of rectangles (some overlapping, so some touch) with two thing classes on two stuff classes. */
function layout(
  rng: Rng,
  w: number,
  h: number,
  count: number,
): { instance: Uint16Array; semantic: Uint16Array } {
  const instance = new Uint16Array(w * h);
  const semantic = new Uint16Array(w * h);
  for (let i = 0; i < w * h; i++) semantic[i] = i < (w * h) / 3 ? 1 : 0;
  for (let k = 1; k <= count; k++) {
    const bw = 4 + rng.int(12);
    const bh = 4 + rng.int(12);
    const x0 = rng.int(w - bw);
    const y0 = rng.int(h - bh);
    const cls = 2 + rng.int(2);
    for (let y = y0; y < y0 + bh; y++) {
      for (let x = x0; x < x0 + bw; x++) {
        instance[y * w + x] = 100 + k;
        semantic[y * w + x] = cls;
      }
    }
  }
  return { instance, semantic };
}

/** Mean over GT objects of the IoU of their Hungarian-matched segment (0 when unmatched). */
function meanMatchedIou(gt: Uint16Array, seg: Uint16Array): number {
  const t = iouTable(gt, seg);
  const pairs = hungarianPairs(t.iou, t.rows.length, t.cols.length, 1e-9);
  let sum = 0;
  for (const [r, c] of pairs) sum += t.iou[r * t.cols.length + c]!;
  return sum / t.rows.length;
}

test('noise levels degrade the masks monotonically (mean matched IoU vs GT: none > low > medium > high)', () => {
  const w = 96;
  const h = 96;
  const means = NOISE_NAMES.map((name) => {
    let total = 0;
    const seeds = [1, 2, 3, 4];
    for (const seed of seeds) {
      const gt = layout(new Rng(`layout-${seed}`), w, h, 30);
      const view = simulateView({ w, h, ...gt }, CLASSES, NOISE_LEVELS[name], new Rng(seed));
      total += meanMatchedIou(gt.instance, view.instance);
    }
    return total / seeds.length;
  });
  assert.equal(means[0], 1);
  for (let k = 1; k < means.length; k++) {
    assert.ok(means[k]! < means[k - 1]!, `IoU per level ${means.map((m) => m.toFixed(3)).join(' > ')}`);
  }
});

test('the semantic map follows the noisy instance mask and confidence dips at boundaries', () => {
  const w = 96;
  const h = 96;
  const gt = layout(new Rng('layout'), w, h, 25);
  const view = simulateView({ w, h, ...gt }, CLASSES, NOISE_LEVELS.high, new Rng(9));
  let boundary = 0;
  let boundaryN = 0;
  let interior = 0;
  let interiorN = 0;
  for (let i = 0; i < w * h; i++) {
    const thing = view.semantic[i] === 2 || view.semantic[i] === 3;
    assert.equal(thing, view.instance[i] !== 0, `pixel ${i}: thing class exactly where there is a segment`);
    if (view.instance[i] === 0) {
      // Missed or eroded object pixels fall back to the first stuff class; stuff keeps its GT class.
      const expected = gt.semantic[i]! <= 1 ? gt.semantic[i] : 0;
      assert.equal(view.semantic[i], expected);
      continue;
    }
    const x = i % w;
    const y = (i - x) / w;
    const nbrs: number[] = [];
    if (x > 0) nbrs.push(i - 1);
    if (x < w - 1) nbrs.push(i + 1);
    if (y > 0) nbrs.push(i - w);
    if (y < h - 1) nbrs.push(i + w);
    const edge = nbrs.some((j) => view.instance[j] !== view.instance[i]);
    if (edge) {
      boundary += view.confidence[i]!;
      boundaryN++;
    } else {
      interior += view.confidence[i]!;
      interiorN++;
    }
  }
  assert.ok(
    boundary / boundaryN < 0.75 * (interior / interiorN),
    'segment boundaries should be less confident',
  );
  assert.ok(view.confidence.every((c) => c >= 0 && c <= 1));
});

test('noise adds false-positive segments and misses objects, more so at higher levels', () => {
  const w = 96;
  const h = 96;
  const counts = (['low', 'high'] as const).map((name) => {
    let extra = 0;
    let missed = 0;
    for (let seed = 0; seed < 6; seed++) {
      const gt = layout(new Rng(`l${seed}`), w, h, 20);
      const view = simulateView({ w, h, ...gt }, CLASSES, NOISE_LEVELS[name], new Rng(seed));
      const t = iouTable(gt.instance, view.instance);
      // Segments with no overlap with any object are false positives; objects with no segment are misses.
      extra += t.cols.filter((_, c) => t.rows.every((__, r) => t.iou[r * t.cols.length + c] === 0)).length;
      missed += t.rows.filter((_, r) => t.cols.every((__, c) => t.iou[r * t.cols.length + c] === 0)).length;
      missed += new Set(gt.instance).size - 1 - t.rows.length;
    }
    return { extra, missed };
  });
  assert.ok(counts[1]!.extra > counts[0]!.extra, JSON.stringify(counts));
  assert.ok(counts[1]!.missed > counts[0]!.missed, JSON.stringify(counts));
  assert.ok(counts[1]!.extra > 0 && counts[1]!.missed > 0);
});

/** A LabelMap from rows of characters: '.' is 0, a digit is that label. */
function grid(rows: string[]): LabelMap {
  return {
    w: rows[0]!.length,
    h: rows.length,
    data: Int32Array.from(rows.join(''), (ch) => (ch === '.' ? 0 : Number(ch))),
  };
}

function show(map: LabelMap): string[] {
  return Array.from({ length: map.h }, (_, y) =>
    Array.from(map.data.subarray(y * map.w, (y + 1) * map.w), (l) => (l === 0 ? '.' : String(l))).join(''),
  );
}

test('mask primitives: erode, dilate, split, touching pairs, boundary distance', () => {
  const square = grid(['.....', '.111.', '.111.', '.111.', '.....']);
  const box = labelBoxes(square, 1)[1]!;
  assert.deepEqual(box, { x0: 1, y0: 1, x1: 3, y1: 3 });
  const eroded = grid(show(square));
  erode(eroded, box, 1, 1);
  assert.deepEqual(show(eroded), ['.....', '.....', '..1..', '.....', '.....']);
  const dot = grid(['.....', '.....', '..1..', '..2..', '.....']);
  dilate(dot, labelBoxes(dot, 2)[1]!, 1, 1);
  assert.deepEqual(
    show(dot),
    ['.....', '..1..', '.111.', '..1..', '.....'],
    'dilation also takes a neighbour',
  );
  const halves = grid(show(square));
  assert.ok(splitByLine(halves, box, 1, 2, 0));
  assert.deepEqual(show(halves), ['.....', '.112.', '.112.', '.112.', '.....']);
  assert.ok(
    !splitByLine(grid(['1']), { x0: 0, y0: 0, x1: 0, y1: 0 }, 1, 2, 0),
    'a 1-pixel segment cannot split',
  );
  assert.deepEqual(touchingPairs(grid(['11.3', '1223', '....'])), [
    [1, 2],
    [2, 3],
  ]);
  assert.deepEqual([...boundaryDistance(grid(['1111111']), 3)], [3, 3, 3, 3, 3, 3, 3]);
  assert.deepEqual([...boundaryDistance(grid(['1111222']), 3)], [3, 2, 1, 0, 0, 1, 2]);
});

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SceneError } from '../src/data/errors.ts';
import { readDepth, readInstances } from '../src/data/maps.ts';
import { writeGray16 } from '../src/data/png.ts';
import { readScene } from '../src/data/read-scene.ts';
import { hungarianPairs, iouTable, matchSegments } from '../src/eval/baselines/matching.ts';
import { runBaseline, type TrackMode } from '../src/eval/baselines/run-baseline.ts';
import { warpLabels } from '../src/eval/baselines/track-warp.ts';
import { assignTracks, TrackBook } from '../src/eval/baselines/tracks.ts';
import { readPrediction } from '../src/eval/prediction.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

/** A label map from rows of characters: '.' is 0, a digit is that id. */
function labels(rows: string[]): Uint16Array {
  return Uint16Array.from(rows.join(''), (ch) => (ch === '.' ? 0 : Number(ch)));
}

test('iouTable computes pixel IoU of every segment pair', () => {
  const a = labels(['11..', '11..', '..22', '..22']);
  const b = labels(['333.', '333.', '...4', '....']);
  const t = iouTable(a, b);
  assert.deepEqual(t.rows, [1, 2]);
  assert.deepEqual(t.cols, [3, 4]);
  assert.equal(t.iou[0], 4 / 6); // 1 vs 3: 4 shared, 4 + 6 − 4
  assert.equal(t.iou[1], 0);
  assert.equal(t.iou[2], 0);
  assert.equal(t.iou[3], 1 / 4); // 2 vs 4: 1 shared, 4 + 1 − 1
});

test('hungarianPairs maximises the total IoU where greedy matching would not', () => {
  // Greedy takes (0,0) = 0.6 and leaves row 1 unmatched; the optimum pairs (0,1) and (1,0): 1.05.
  const iou = [0.6, 0.5, 0.55, 0];
  assert.deepEqual(hungarianPairs(iou, 2, 2, 0.1), [
    [0, 1],
    [1, 0],
  ]);
  // Pairs below the threshold are never returned, even when the assignment would use them.
  assert.deepEqual(hungarianPairs([0.3, 0.05], 2, 1, 0.2), [[0, 0]]);
  assert.deepEqual(hungarianPairs([0.05], 1, 1, 0.2), []);
  assert.deepEqual(hungarianPairs([], 0, 3, 0.2), []);
});

test('matchSegments pairs shifted masks, respects the threshold and the compatibility test', () => {
  const current = labels(['.77..', '.77..', '...55', '...55']);
  const reference = labels(['11...', '11...', '..22.', '..22.']);
  assert.deepEqual(
    [...matchSegments(current, reference, 0.2)],
    [
      [5, 2],
      [7, 1],
    ],
  );
  // Each pair has IoU 1/3 (2 of 6 pixels): a 0.4 threshold leaves both unmatched.
  assert.equal(matchSegments(current, reference, 0.4).size, 0);
  assert.deepEqual([...matchSegments(current, reference, 0.2, (c) => c === 7)], [[7, 1]]);
});

test('assignTracks continues matched tracks and opens new ones for the rest', () => {
  const book = new TrackBook();
  const first = assignTracks(
    { instance: labels(['11..', '11..', '....']), semantic: labels(['11..', '11..', '....']) },
    new Uint16Array(12),
    book,
    0.2,
  );
  assert.deepEqual([...new Set(first)].sort(), [0, 1]);
  const second = assignTracks(
    { instance: labels(['.44.', '.44.', '...9']), semantic: labels(['.11.', '.11.', '...1']) },
    first,
    book,
    0.2,
  );
  assert.equal(second[1], 1, 'the shifted segment continues track 1');
  assert.equal(second[11], 2, 'the new segment opens track 2');
  assert.equal(book.count, 2);
});

/** Fraction of each GT object's pixels (over all views) that carry its most common predicted id. */
function objectPurity(
  sceneDir: string,
  predDir: string,
): { share: Map<number, number>; dominant: Map<number, number> } {
  const scene = readScene(sceneDir);
  const counts = new Map<number, Map<number, number>>();
  for (const frame of scene.frames) {
    const gt = readInstances(scene, frame, 'gt_instance_file_path');
    const pred = readPrediction(predDir, frame).instance;
    for (let i = 0; i < gt.length; i++) {
      if (gt[i] === 0) continue;
      let c = counts.get(gt[i]!);
      if (!c) {
        c = new Map();
        counts.set(gt[i]!, c);
      }
      c.set(pred[i]!, (c.get(pred[i]!) ?? 0) + 1);
    }
  }
  const share = new Map<number, number>();
  const dominant = new Map<number, number>();
  for (const [obj, c] of counts) {
    let best = 0;
    let bestId = 0;
    let total = 0;
    for (const [id, n] of c) {
      total += n;
      if (n > best) {
        best = n;
        bestId = id;
      }
    }
    share.set(obj, best / total);
    dominant.set(obj, bestId);
  }
  return { share, dominant };
}

async function sceneWithExactSegments(): Promise<string> {
  const dir = writeTinyScene({ frames: 6, stepDeg: 10 });
  await simulateSegmenter(dir, { noise: 'none', seed: 3 });
  return dir;
}

test('iou, warp and cloud tracking recover one consistent id per object from exact masks; none does not', async () => {
  const dir = await sceneWithExactSegments();
  for (const track of ['iou', 'warp', 'cloud'] as TrackMode[]) {
    const out = mkdtempSync(join(tmpdir(), `clift-pred-${track}-`));
    const summary = await runBaseline(dir, { track, out });
    assert.equal(summary.frames, 6);
    const { share, dominant } = objectPurity(dir, out);
    assert.equal(share.size, 5);
    for (const [obj, s] of share)
      assert.ok(s >= 0.9, `${track}: object ${obj} has only ${s} of its pixels on one id`);
    assert.equal(new Set(dominant.values()).size, share.size, `${track}: two objects share one id`);
    assert.ok(
      !dominant.has(0) && ![...dominant.values()].includes(0),
      `${track}: an object is mostly unlabelled`,
    );
  }
  const out = mkdtempSync(join(tmpdir(), 'clift-pred-none-'));
  await runBaseline(dir, { track: 'none', out });
  const { share } = objectPurity(dir, out);
  assert.ok(
    [...share.values()].some((s) => s < 0.9),
    'untracked segmenter ids should not be consistent across views',
  );
});

test('after a view where an object is missed, cloud tracking re-finds its track and iou tracking cannot', async () => {
  const dir = await sceneWithExactSegments();
  const scene = readScene(dir);
  // Erase GT object 1 from the segmenter's map of view 2.
  const frame = scene.frames[2]!;
  const gt = readInstances(scene, frame, 'gt_instance_file_path');
  const seg = readInstances(scene, frame, 'instance_file_path').map((id, i) => (gt[i] === 1 ? 0 : id));
  writeGray16(join(dir, frame.maps.instance_file_path!), 48, 48, seg);
  const idsOfObject1 = async (track: TrackMode): Promise<Set<number>> => {
    const out = mkdtempSync(join(tmpdir(), `clift-pred-${track}-`));
    await runBaseline(dir, { track, out });
    const ids = new Set<number>();
    for (const f of scene.frames) {
      const g = readInstances(scene, f, 'gt_instance_file_path');
      const p = readPrediction(out, f).instance;
      for (let i = 0; i < g.length; i++) if (g[i] === 1 && p[i] !== 0) ids.add(p[i]!);
    }
    return ids;
  };
  assert.equal((await idsOfObject1('cloud')).size, 1);
  assert.ok((await idsOfObject1('iou')).size >= 2);
});

test('warpLabels moves labels with the camera and leaves unseen pixels empty', () => {
  const dir = writeTinyScene({ frames: 2, stepDeg: 15 });
  const scene = readScene(dir);
  const a = scene.frames[0]!;
  const b = scene.frames[1]!;
  const gtA = readInstances(scene, a, 'gt_instance_file_path');
  const gtB = readInstances(scene, b, 'gt_instance_file_path');
  const warped = warpLabels(
    { frame: a, depth: readDepth(scene, a), labels: gtA },
    { frame: b, depth: readDepth(scene, b) },
  );
  let agree = 0;
  let wrong = 0;
  let labelled = 0;
  for (let i = 0; i < warped.length; i++) {
    if (gtB[i] === 0) continue;
    labelled++;
    if (warped[i] === gtB[i]) agree++;
    else if (warped[i] !== 0) wrong++;
  }
  // Faces that view A does not see stay empty; no pixel may land on another object's label.
  assert.ok(agree / labelled > 0.8, `only ${agree}/${labelled} object pixels warped onto their own object`);
  assert.ok(wrong / labelled < 0.01, `${wrong}/${labelled} object pixels took another object's label`);
  // Without warping, plain overlap of the two views agrees much less.
  let plain = 0;
  for (let i = 0; i < gtA.length; i++) if (gtB[i] !== 0 && gtA[i] === gtB[i]) plain++;
  assert.ok(plain < agree, 'warping should beat no warping for a 15° camera move');
});

test('warp and cloud refuse a scene without depth, naming the field', async () => {
  const dir = writeTinyScene({ frames: 3, noDepth: true });
  await simulateSegmenter(dir, { noise: 'none', seed: 1 });
  for (const track of ['warp', 'cloud'] as TrackMode[]) {
    await assert.rejects(
      runBaseline(dir, { track, out: mkdtempSync(join(tmpdir(), 'clift-pred-')) }),
      (e: unknown) => e instanceof SceneError && /frames\[0\]\.depth_file_path/.test(e.field),
    );
  }
  // Tracking by 2D IoU does not need depth.
  await runBaseline(dir, { track: 'iou', out: mkdtempSync(join(tmpdir(), 'clift-pred-')) });
});

test('baselines refuse a scene without segmenter maps', async () => {
  const dir = writeTinyScene({ frames: 2 });
  await assert.rejects(
    runBaseline(dir, { track: 'iou', out: mkdtempSync(join(tmpdir(), 'clift-pred-')) }),
    (e: unknown) => e instanceof SceneError && /instance_file_path/.test(e.field),
  );
});

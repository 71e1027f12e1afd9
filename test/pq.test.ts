import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VOID_LABEL } from '../src/data/scene.ts';
import type { LabelPair } from '../src/eval/labels.ts';
import { meanIou } from '../src/eval/miou.ts';
import {
  framewisePqEntries,
  panopticQuality,
  perFramePanopticQuality,
} from '../src/eval/panoptic-quality.ts';

const kinds = { things: new Set([1, 2]), stuff: new Set([0]) };

/** Builds a label array from runs of [value, count]. */
function runs(...parts: [number, number][]): Uint16Array {
  const out: number[] = [];
  for (const [v, n] of parts) for (let i = 0; i < n; i++) out.push(v);
  return Uint16Array.from(out);
}

function pair(gtS: Uint16Array, gtI: Uint16Array, pS: Uint16Array, pI: Uint16Array): LabelPair {
  return { gtSemantic: gtS, gtInstance: gtI, predSemantic: pS, predInstance: pI };
}

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test('prediction equal to ground truth scores 100 on every view', () => {
  const frames = [0, 1, 2].map((k) => {
    const s = runs([0, 40], [1, 30], [1, 30]);
    const i = runs([0, 40], [1 + k, 30], [4, 30]);
    return pair(s, i, s.slice(), i.slice());
  });
  const r = panopticQuality(frames, kinds);
  assert.equal(r.pq, 1);
  assert.equal(r.sq, 1);
  assert.equal(r.rq, 1);
  assert.equal(perFramePanopticQuality(frames, kinds), 1);
});

test('ids permuted per view score low on PQ^scene but perfectly per frame', () => {
  const frames = [0, 1, 2, 3].map((k) => {
    const s = runs([0, 40], [1, 20], [1, 20], [1, 20]);
    const gt = runs([0, 40], [1, 20], [2, 20], [3, 20]);
    const perm = [
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 3, 2],
    ][k]!;
    const pred = runs([0, 40], [perm[0]! + 10, 20], [perm[1]! + 10, 20], [perm[2]! + 10, 20]);
    return pair(s, gt, s.slice(), pred);
  });
  const r = panopticQuality(frames, kinds);
  assert.equal(perFramePanopticQuality(frames, kinds), 1);
  // Stuff is perfect (1); no thing segment reaches IoU > 0.5: things score 0, so PQ = 0.5.
  assert.equal(r.perClass.find((c) => c.classId === 1)!.tp, 0);
  close(r.pq, 0.5);
});

test('known TP/FP/FN/IoU case gives the hand-computed PQ, SQ and RQ', () => {
  // 100 pixels: stuff 0..49; GT thing A = 50..69, B = 70..99.
  const gtS = runs([0, 50], [1, 50]);
  const gtI = runs([0, 50], [1, 20], [2, 30]);
  // pred 5: 50..67 (IoU with A 18/20 = 0.9, TP); pred 6: 68..84 (IoU with B 15/32, FP);
  // pred 7: 85..99 (IoU with B exactly 0.5, not > 0.5: FP). B unmatched: FN.
  const pS = gtS.slice();
  const pI = runs([0, 50], [5, 18], [6, 17], [7, 15]);
  const r = panopticQuality([pair(gtS, gtI, pS, pI)], kinds);
  const thing = r.perClass.find((c) => c.classId === 1)!;
  assert.deepEqual([thing.tp, thing.fp, thing.fn], [1, 2, 1]);
  close(thing.pq, 0.9 / 2.5);
  close(thing.sq, 0.9);
  close(thing.rq, 1 / 2.5);
  close(r.pq, (1 + 0.36) / 2);
  close(r.sq, (1 + 0.9) / 2);
  close(r.rq, (1 + 0.4) / 2);
});

test('ground-truth void pixels are ignored whatever is predicted there', () => {
  const gtS = runs([0, 50], [1, 50]);
  const gtI = runs([0, 50], [1, 50]);
  const base = panopticQuality([pair(gtS, gtI, gtS.slice(), gtI.slice())], kinds);
  const gtS2 = runs([0, 50], [1, 50], [VOID_LABEL, 60]);
  const gtI2 = runs([0, 50], [1, 50], [0, 60]);
  const pS2 = runs([0, 50], [1, 50], [1, 60]);
  const pI2 = runs([0, 50], [1, 50], [9, 60]);
  const r = panopticQuality([pair(gtS2, gtI2, pS2, pI2)], kinds);
  assert.equal(r.pq, base.pq);
  assert.equal(r.pq, 1);
});

test('union excludes prediction pixels over ground truth of a dropped (void) class', () => {
  // GT class 2 covers 3 of 1000 pixels (0.3 %): dropped, its pixels become void on both sides.
  const gtS = runs([0, 600], [1, 397], [2, 3]);
  const gtI = runs([0, 600], [1, 397], [1, 3]);
  const pS = runs([0, 600], [1, 400]);
  const pI = runs([0, 600], [9, 400]);
  const r = panopticQuality([pair(gtS, gtI, pS, pI)], kinds);
  assert.deepEqual(
    r.perClass.map((c) => c.classId),
    [0, 1],
  );
  close(r.perClass[1]!.iouSum, 1); // 397 / (400 − 3 + 397 − 397), not 397 / 400
  assert.equal(r.pq, 1);
});

test('a predicted segment lying mostly on void ground truth is not a false positive', () => {
  const gtS = runs([0, 596], [1, 400], [2, 4]);
  const gtI = runs([0, 596], [1, 400], [1, 4]);
  const pS = runs([0, 596], [1, 404]);
  const pI = runs([0, 596], [1, 400], [2, 4]);
  const r = panopticQuality([pair(gtS, gtI, pS, pI)], kinds);
  assert.equal(r.perClass.find((c) => c.classId === 1)!.fp, 0);
  assert.equal(r.pq, 1);
});

test('robustness filter: a class predicted on a sliver is dropped, one never predicted counts as FN', () => {
  const gtS = runs([0, 500], [1, 500]);
  const gtI = runs([0, 500], [1, 500]);
  // Sliver: class 1 predicted on 2 of 1000 pixels (0.2 %) -> class 1 dropped on both sides.
  const sliver = panopticQuality([pair(gtS, gtI, runs([0, 998], [1, 2]), runs([0, 998], [1, 2]))], kinds);
  assert.deepEqual(
    sliver.perClass.map((c) => c.classId),
    [0],
  );
  assert.equal(sliver.pq, 1);
  // Never predicted: class 1 is kept and is a false negative; stuff IoU is exactly 0.5 (not a match).
  const none = panopticQuality([pair(gtS, gtI, runs([0, 1000]), runs([0, 1000]))], kinds);
  assert.deepEqual(
    none.perClass.map((c) => [c.classId, c.tp, c.fp, c.fn]),
    [
      [0, 0, 1, 1],
      [1, 0, 0, 1],
    ],
  );
  assert.equal(none.pq, 0);
});

test('stuff instance ids are ignored; classes outside things and stuff become void', () => {
  const gtS = runs([0, 50], [1, 50]);
  const gtI = runs([0, 50], [1, 50]);
  const pS = runs([0, 50], [1, 50]);
  const pI = runs([7, 25], [8, 25], [1, 50]); // two ids on stuff: still one segment
  assert.equal(panopticQuality([pair(gtS, gtI, pS, pI)], kinds).pq, 1);
  const unknown = runs([0, 50], [1, 45], [42, 5]); // class 42 is neither thing nor stuff
  const r = panopticQuality([pair(gtS, gtI, unknown, pI)], kinds);
  assert.deepEqual(
    r.perClass.map((c) => c.classId),
    [0, 1],
  );
  // Void prediction pixels leave the union: 45 / (45 + 50 − 5 − 45) = 1.
  close(r.perClass[1]!.iouSum, 1);
});

test('model-selection PQ merges thing classes', () => {
  const gtS = runs([0, 50], [1, 50]);
  const gtI = runs([0, 50], [1, 50]);
  const pS = runs([0, 50], [2, 50]);
  const pI = runs([0, 50], [3, 50]);
  const f = [pair(gtS, gtI, pS, pI)];
  close(framewisePqEntries(f, kinds, { mergeThings: true }), 1);
  assert.ok(framewisePqEntries(f, kinds) < 0.5);
});

test('mIoU from the pooled confusion matrix', () => {
  const gtS = runs([0, 60], [1, 40]);
  const pS = runs([0, 50], [1, 50]);
  const zero = new Uint16Array(100);
  const r = meanIou([pair(gtS, zero, pS, zero)], [0, 1, 2]);
  close(r.perClass.get(0)!, 50 / 60);
  close(r.perClass.get(1)!, 40 / 50);
  assert.ok(Number.isNaN(r.perClass.get(2)!));
  close(r.miou, (50 / 60 + 40 / 50) / 2);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { VOID_LABEL } from '../src/data/scene.ts';
import { photometricLoss } from '../src/losses/photometric.ts';
import { segmentConsistency } from '../src/losses/segment-consistency.ts';
import { semanticCrossEntropy } from '../src/losses/semantic-ce.ts';
import { renderSemantic, renderSemanticBackward } from '../src/render/semantic.ts';
import { assertGradientMatches } from './helpers/finite-difference.ts';

const rng = new Rng('semantic');
const C = 3;
const rayStart = Int32Array.from([0, 3, 3, 7, 9]); // ray 1 has no samples
const weights = Float32Array.from({ length: 9 }, () => 0.05 + 0.3 * rng.next());
const targets = Uint16Array.from([0, 1, 2, VOID_LABEL]);
const conf = Float32Array.from([1, 0.5, 0.8, 1]);
const classWeights = Float32Array.from([0.5, 1, 1]);
const segments = Int32Array.from([4, 4, 9, 9]);

function lossOf(logits: Float32Array, mode: 'ce' | 'segment'): number {
  const r = renderSemantic(logits, C, weights, rayStart);
  return mode === 'ce'
    ? semanticCrossEntropy(r.logProbs, C, targets, conf, classWeights).loss
    : segmentConsistency(r.logProbs, C, segments, conf).loss;
}

for (const mode of ['ce', 'segment'] as const) {
  test(`rendered semantic ${mode} loss: gradient to per-sample logits matches finite differences`, () => {
    const logits = Float32Array.from({ length: 9 * C }, () => rng.normal());
    const r = renderSemantic(logits, C, weights, rayStart);
    const l =
      mode === 'ce'
        ? semanticCrossEntropy(r.logProbs, C, targets, conf, classWeights)
        : segmentConsistency(r.logProbs, C, segments, conf);
    assert.ok(l.loss > 0);
    const grad = renderSemanticBackward(r, weights, rayStart, l.dLogProbs);
    const x = Float64Array.from(logits);
    assertGradientMatches(grad, (v) => lossOf(Float32Array.from(v), mode), x, 5e-3, 1e-3);
  });
}

test('rendered distribution is the weight-normalised mixture of sample softmaxes', () => {
  const logits = Float32Array.from([
    0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ]);
  const r = renderSemantic(logits, C, weights, rayStart);
  for (let ray = 0; ray < 4; ray++) {
    const s = r.probs[ray * C]! + r.probs[ray * C + 1]! + r.probs[ray * C + 2]!;
    assert.ok(ray === 1 ? s === 0 : Math.abs(s - 1) < 1e-5);
  }
});

test('segment consistency pulls every pixel of a segment to the segment majority class', () => {
  const logProbs = Float32Array.from([
    Math.log(0.8),
    Math.log(0.1),
    Math.log(0.1),
    Math.log(0.4),
    Math.log(0.5),
    Math.log(0.1),
  ]);
  const l = segmentConsistency(logProbs, C, [1, 1], [1, 1]);
  // Mean probability favours class 0, so both pixels get target 0, including the second (argmax 1).
  assert.ok(l.dLogProbs[0]! < 0 && l.dLogProbs[3]! < 0);
  assert.equal(l.dLogProbs[4], 0);
});

test('one confidently different pixel does not drag its segment away from the majority class', () => {
  const row = (p0: number, p1: number) => [Math.log(p0), Math.log(p1), Math.log(1 - p0 - p1 + 1e-12)];
  const logProbs = Float32Array.from([
    ...row(0.999, 1e-6),
    ...row(0.3, 0.7),
    ...row(0.3, 0.7),
    ...row(0.3, 0.7),
  ]);
  const l = segmentConsistency(logProbs, C, [5, 5, 5, 5], [1, 1, 1, 1]);
  // Target is class 1 for every pixel (mean probability 0.525 vs 0.475), although the mean log-probability
  // would pick class 0.
  for (let r = 0; r < 4; r++) {
    assert.ok(l.dLogProbs[r * C + 1]! < 0);
    assert.equal(l.dLogProbs[r * C], 0);
  }
});

test('photometric loss and gradient', () => {
  const p = photometricLoss(Float32Array.from([0.5, 0.5, 0.5, 1, 0, 0]), [0.5, 0.5, 0.5, 0, 0, 0]);
  assert.equal(p.loss, 0.5);
  assert.deepEqual([...p.dRgb], [0, 0, 0, 1, 0, 0]);
});

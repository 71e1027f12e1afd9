import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { createBackend } from '../src/kernels/index.ts';
import { associativeEmbedding } from '../src/losses/associative-embedding.ts';
import { concentration } from '../src/losses/concentration.ts';
import { vanillaContrastive } from '../src/losses/contrastive.ts';
import { linearAssignment } from '../src/losses/linear-assignment.ts';
import { marginContrastive } from '../src/losses/margin.ts';
import { slowFastContrastive } from '../src/losses/slow-fast.ts';
import { instanceLoss } from '../src/train/instance-loss.ts';
import { assertGradientMatches } from './helpers/finite-difference.ts';

const rng = new Rng('losses');
const randn = (n: number, s = 1) => Float64Array.from({ length: n }, () => rng.normal() * s);
const labelsOf = (n: number, k: number) => Int32Array.from({ length: n }, () => rng.int(k));
const D = 3;

test('slow-fast contrastive gradient matches finite differences', () => {
  const fast = randn(9 * D);
  const slow = randn(11 * D);
  const lf = labelsOf(9, 4);
  lf[0] = 99; // a fast pixel with no same-label slow pixel: must not contribute
  const ls = labelsOf(11, 4);
  const f = (x: Float64Array) =>
    slowFastContrastive({ data: x, n: 9, d: D }, lf, { data: slow, n: 11, d: D }, ls).loss;
  const r = slowFastContrastive({ data: fast, n: 9, d: D }, lf, { data: slow, n: 11, d: D }, ls);
  assert.ok(r.loss > 0);
  assert.deepEqual([...r.grad.slice(0, D)], [0, 0, 0]);
  assertGradientMatches(r.grad, f, fast);
});

for (const opts of [{ temperature: 0.3 }, { logitScale: 6 }, { temperature: 0.5, logitScale: 3 }]) {
  test(`slow-fast contrastive gradient matches finite differences at ${JSON.stringify(opts)}, which changes the loss`, () => {
    const fast = randn(7 * D);
    const slow = randn(8 * D);
    const lf = labelsOf(7, 3);
    const ls = labelsOf(8, 3);
    const f = (x: Float64Array) =>
      slowFastContrastive({ data: x, n: 7, d: D }, lf, { data: slow, n: 8, d: D }, ls, opts).loss;
    const r = slowFastContrastive({ data: fast, n: 7, d: D }, lf, { data: slow, n: 8, d: D }, ls, opts);
    assertGradientMatches(r.grad, f, fast);
    const r1 = slowFastContrastive({ data: fast, n: 7, d: D }, lf, { data: slow, n: 8, d: D }, ls);
    assert.notEqual(r.loss, r1.loss);
  });
}

test('the slow-fast instance loss passes its batch temperature and logit scale to the contrastive term', () => {
  const emb = Float32Array.from(randn(12 * D));
  const labels = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
  const batch = { emb, d: D, n: 12, nFast: 6, labels, confidence: new Float32Array(6).fill(1) };
  const withTau = instanceLoss('slow-fast', { ...batch, temperature: 0.3, logitScale: 4 });
  const fast = { data: emb.subarray(0, 6 * D), n: 6, d: D };
  const slow = { data: emb.subarray(6 * D), n: 6, d: D };
  const conc = concentration(fast, labels.subarray(0, 6), batch.confidence, slow, labels.subarray(6));
  const contrast = slowFastContrastive(fast, labels.subarray(0, 6), slow, labels.subarray(6), {
    temperature: 0.3,
    logitScale: 4,
  });
  assert.ok(Math.abs(withTau.loss - (contrast.loss + conc.loss)) < 1e-9);
  assert.notEqual(withTau.loss, instanceLoss('slow-fast', batch).loss);
});

test('slow-fast loss is lower when fast embeddings sit on their slow segment', () => {
  const slow = Float64Array.from([0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5]);
  const ls = [1, 1, 2, 2];
  const good = slowFastContrastive(
    { data: Float64Array.from([0, 0, 0, 5, 5, 5]), n: 2, d: 3 },
    [1, 2],
    { data: slow, n: 4, d: 3 },
    ls,
  );
  const bad = slowFastContrastive(
    { data: Float64Array.from([5, 5, 5, 0, 0, 0]), n: 2, d: 3 },
    [1, 2],
    { data: slow, n: 4, d: 3 },
    ls,
  );
  assert.ok(good.loss < bad.loss);
});

test('concentration gradient matches finite differences and vanishes at the centroid', () => {
  const fast = randn(8 * D);
  const other = randn(6 * D);
  const lf = labelsOf(8, 3);
  const lo = Int32Array.from([0, 0, 1, 1, 2, 5]);
  const conf = Float64Array.from({ length: 8 }, () => 0.5 + 0.5 * rng.next());
  const f = (x: Float64Array) =>
    concentration({ data: x, n: 8, d: D }, lf, conf, { data: other, n: 6, d: D }, lo).loss;
  assertGradientMatches(
    concentration({ data: fast, n: 8, d: D }, lf, conf, { data: other, n: 6, d: D }, lo).grad,
    f,
    fast,
  );
  const atCentroid = concentration(
    { data: Float64Array.from([1, 2, 3]), n: 1, d: 3 },
    [0],
    [1],
    {
      data: Float64Array.from([0, 2, 3, 2, 2, 3]),
      n: 2,
      d: 3,
    },
    [0, 0],
  );
  assert.deepEqual([...atCentroid.grad], [0, 0, 0]);
  assert.equal(atCentroid.loss, -1);
});

test('vanilla contrastive gradient matches finite differences', () => {
  const e = randn(10 * D);
  const l = labelsOf(10, 3);
  const f = (x: Float64Array) => vanillaContrastive({ data: x, n: 10, d: D }, l).loss;
  assertGradientMatches(vanillaContrastive({ data: e, n: 10, d: D }, l).grad, f, e);
  const f2 = (x: Float64Array) => vanillaContrastive({ data: x, n: 10, d: D }, l, { gammaPositive: 1 }).loss;
  assertGradientMatches(vanillaContrastive({ data: e, n: 10, d: D }, l, { gammaPositive: 1 }).grad, f2, e);
});

test('associative-embedding gradient matches finite differences', () => {
  const e = randn(10 * D);
  const l = labelsOf(10, 3);
  const f = (x: Float64Array) => associativeEmbedding({ data: x, n: 10, d: D }, l).loss;
  assertGradientMatches(associativeEmbedding({ data: e, n: 10, d: D }, l).grad, f, e);
});

test('margin gradient matches finite differences', () => {
  const e = randn(10 * D, 0.4);
  const l = labelsOf(10, 3);
  const f = (x: Float64Array) => marginContrastive({ data: x, n: 10, d: D }, l).loss;
  assertGradientMatches(marginContrastive({ data: e, n: 10, d: D }, l).grad, f, e);
});

test('linear assignment: gradient matches finite differences for a fixed assignment, and slots follow segments', () => {
  const K = 5;
  const n = 12;
  const logits = randn(n * K);
  const l = labelsOf(n, 3).map((v) => v * 7 + 3);
  const conf = Float64Array.from({ length: n }, () => 0.5 + 0.5 * rng.next());
  const r = linearAssignment({ data: logits, n, d: K }, l, conf);
  const f = (x: Float64Array) => {
    const rr = linearAssignment({ data: x, n, d: K }, l, conf);
    assert.deepEqual(rr.assignment, r.assignment); // small steps keep the assignment
    return rr.loss;
  };
  assertGradientMatches(r.grad, f, logits);
  assert.equal(new Set(r.assignment.values()).size, r.assignment.size);
  // Logits that already favour one slot per segment are assigned those slots and cost nothing.
  const peaked = new Float64Array(n * K);
  for (let i = 0; i < n; i++) peaked[i * K + ((l[i]! * 3) % K)] = 10;
  const p = linearAssignment({ data: peaked, n, d: K }, l, conf);
  assert.equal(p.loss, 0);
  for (const [label, slot] of p.assignment) assert.equal(slot, (label * 3) % K);
  // On float32 logits with a backend the slot softmax runs on its kernel: same assignment, same loss to float precision.
  const backend = createBackend({ kind: 'auto' });
  const onBackend = linearAssignment({ data: Float32Array.from(logits), n, d: K }, l, conf, backend);
  backend.dispose();
  assert.deepEqual(onBackend.assignment, r.assignment);
  assert.ok(Math.abs(onBackend.loss - r.loss) < 1e-5 * (1 + r.loss), `${onBackend.loss} vs ${r.loss}`);
});

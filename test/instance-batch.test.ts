import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { instanceBatch, segmentsOfView } from '../src/train/instance-batch.ts';

/** A 100×100 view: segment 1 covers 9000 pixels, segment 2 the last 40, segment 3 ten pixels; 950 are stuff. */
function view(): { thing: Int32Array; instance: Uint16Array } {
  const instance = new Uint16Array(10000);
  for (let p = 0; p < 9000; p++) instance[p] = 1;
  for (let p = 9960; p < 10000; p++) instance[p] = 2;
  for (let p = 9000; p < 9010; p++) instance[p] = 3;
  const thing = Int32Array.from(Array.from({ length: 10000 }, (_, p) => p).filter((p) => instance[p] !== 0));
  return { thing, instance };
}

function counts(batch: Int32Array, instance: Uint16Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of batch) m.set(instance[p]!, (m.get(instance[p]!) ?? 0) + 1);
  return m;
}

test('segments of a view group thing pixels by 2D id in ascending id order', () => {
  const { thing, instance } = view();
  const segs = segmentsOfView(thing, instance);
  assert.deepEqual(
    segs.map((s) => s.length),
    [9000, 40, 10],
  );
  assert.ok(segs[2]!.every((p) => instance[p] === 3));
});

test('a per-segment floor gives every small segment its pixels; the batch stays distinct and full', () => {
  const { thing, instance } = view();
  const segs = segmentsOfView(thing, instance);
  const batch = instanceBatch(thing, segs, 512, 32, new Rng('floor'));
  assert.equal(batch.length, 512);
  assert.equal(new Set(batch).size, 512);
  const c = counts(batch, instance);
  assert.ok(c.get(2)! >= 32, `segment 2 has ${c.get(2)}`);
  assert.equal(c.get(3), 10);
  assert.ok(batch.every((p) => instance[p] !== 0));
  // Uniform draw: the 40-pixel segment expects 512·40/9050 ≈ 2 pixels.
  const uniform = counts(instanceBatch(thing, segs, 512, 0, new Rng('floor')), instance);
  assert.ok((uniform.get(2) ?? 0) < 12, `uniform draw has ${uniform.get(2)}`);
});

test('the floor is capped so the segments fit the batch, and small views are taken whole', () => {
  const { thing, instance } = view();
  const segs = segmentsOfView(thing, instance);
  const batch = instanceBatch(thing, segs, 30, 32, new Rng('cap'));
  const c = counts(batch, instance);
  assert.equal(batch.length, 30);
  assert.equal(c.get(3), 10);
  assert.ok(c.get(2)! >= 10 && c.get(1)! >= 10);
  const whole = instanceBatch(thing.subarray(0, 20), [thing.subarray(0, 20)], 64, 32, new Rng('w'));
  assert.deepEqual(
    [...whole].sort((a, b) => a - b),
    [...thing.subarray(0, 20)],
  );
});

test('the same seed gives the same batch', () => {
  const { thing, instance } = view();
  const segs = segmentsOfView(thing, instance);
  assert.deepEqual(
    instanceBatch(thing, segs, 256, 16, new Rng(3)),
    instanceBatch(thing, segs, 256, 16, new Rng(3)),
  );
});

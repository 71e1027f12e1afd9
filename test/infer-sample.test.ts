import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { focusedPixels } from '../src/infer/sample-embeddings.ts';

/** A 100×100 view whose first `k` pixels of every 10 are favoured (k/10 of the view). */
function stripes(k: number): Uint8Array {
  return Uint8Array.from({ length: 10000 }, (_, i) => (i % 10 < k ? 1 : 0));
}

test('focused sampling draws the asked share among favoured pixels, the rest among the remaining pixels, all distinct', () => {
  const favoured = stripes(1);
  const px = focusedPixels(10000, 1000, favoured, 0.75, new Rng('focus'));
  assert.equal(px.length, 1000);
  assert.equal(new Set(px).size, 1000);
  for (let i = 1; i < px.length; i++) assert.ok(px[i]! > px[i - 1]!, 'sorted');
  const inFavoured = Array.from(px).filter((p) => favoured[p]).length;
  // 750 drawn among favoured; the other 250 among the remaining pixels, of which few are favoured.
  assert.ok(inFavoured >= 750 && inFavoured <= 750 + 45, `${inFavoured}`);
  const uniform = focusedPixels(10000, 1000, favoured, 0, new Rng('focus'));
  const uniformIn = Array.from(uniform).filter((p) => favoured[p]).length;
  assert.ok(uniformIn > 70 && uniformIn < 130, `${uniformIn}`);
});

test('focused sampling tops up from the rest when few pixels are favoured, and is seeded', () => {
  const favoured = new Uint8Array(10000);
  for (let i = 0; i < 50; i++) favoured[i * 37] = 1;
  const px = focusedPixels(10000, 1000, favoured, 0.75, new Rng('few'));
  assert.equal(px.length, 1000);
  assert.equal(Array.from(px).filter((p) => favoured[p]).length, 50);
  assert.deepEqual(px, focusedPixels(10000, 1000, favoured, 0.75, new Rng('few')));
  assert.notDeepEqual(px, focusedPixels(10000, 1000, favoured, 0.75, new Rng('other')));
  assert.equal(focusedPixels(100, 1000, favoured.subarray(0, 100), 0.75, new Rng('few')).length, 100);
});

test('without a preference the sample is the first pixels of a seeded permutation', () => {
  const px = focusedPixels(5000, 300, null, 0.75, new Rng('plain'));
  assert.deepEqual(px, Int32Array.from(new Rng('plain').permutation(5000).subarray(0, 300)).sort());
});

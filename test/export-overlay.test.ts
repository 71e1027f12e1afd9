import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colorizeIds, overlayInstances } from '../src/export/overlay.ts';
import { instanceColor } from '../src/export/palette.ts';

/** A 6×4 grey photo whose left two columns are id 0 and the rest ids 3 (top) and 5 (bottom). */
function scene(): { rgb: Uint8Array; ids: Uint16Array; w: number; h: number } {
  const w = 6;
  const h = 4;
  const rgb = new Uint8Array(w * h * 3).fill(128);
  const ids = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 2; x < w; x++) ids[y * w + x] = y < 2 ? 3 : 5;
  return { rgb, ids, w, h };
}

test('overlayInstances keeps id-0 pixels and tints the others with their id colour', () => {
  const { rgb, ids, w, h } = scene();
  const out = overlayInstances(rgb, ids, w, h, { alpha: 0.5 });
  const c3 = instanceColor(3);
  for (let i = 0; i < w * h; i++) {
    const px = [...out.subarray(i * 3, i * 3 + 3)];
    if (ids[i] === 0) assert.deepEqual(px, [128, 128, 128]);
    else assert.notDeepEqual(px, [128, 128, 128]);
  }
  assert.deepEqual(
    [...out.subarray(3 * 3, 3 * 3 + 3)],
    c3.map((v) => Math.round(64 + v / 2)),
  );
  assert.deepEqual([...rgb.subarray(0, 3)], [128, 128, 128], 'input untouched');
  const opaque = overlayInstances(rgb, ids, w, h, { alpha: 1 });
  assert.deepEqual([...opaque.subarray(3 * 3, 3 * 3 + 3)], c3);
});

test('overlayInstances darkens boundary pixels but never id-0 pixels', () => {
  const { rgb, ids, w, h } = scene();
  const plain = overlayInstances(rgb, ids, w, h);
  const edged = overlayInstances(rgb, ids, w, h, { boundaries: true });
  const sum = (a: Uint8Array, i: number): number => a[i * 3]! + a[i * 3 + 1]! + a[i * 3 + 2]!;
  for (let i = 0; i < w * h; i++) if (ids[i] === 0) assert.equal(sum(edged, i), 128 * 3);
  // (2, 0) touches id 0 on its left; (4, 1) touches id 5 below; (3, 0) touches only id 3 and the image edge.
  assert.ok(sum(edged, 2) < sum(plain, 2));
  assert.ok(sum(edged, 1 * w + 4) < sum(plain, 1 * w + 4));
  assert.equal(sum(edged, 3), sum(plain, 3));
});

test('colorizeIds paints each pixel with its instance colour', () => {
  const { ids, w, h } = scene();
  const out = colorizeIds(Int32Array.from(ids), w, h);
  for (let i = 0; i < w * h; i++)
    assert.deepEqual([...out.subarray(i * 3, i * 3 + 3)], instanceColor(ids[i]!));
  assert.throws(() => colorizeIds(ids, w + 1, h), /expected/);
});

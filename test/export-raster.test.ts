import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHAR_ADVANCE, glyph, hasGlyph, textHeight, textWidth } from '../src/export/bitmap-font.ts';
import { Raster, resizeNearest } from '../src/export/raster.ts';
import { formatTick, linearTicks, logTicks, niceStep } from '../src/export/ticks.ts';

const RED = [255, 0, 0] as const;

/** Bounding box [x0, y0, x1, y1] (inclusive) of pixels that differ from `bg`, or null if none. */
function inkBox(r: Raster, bg: readonly number[]): [number, number, number, number] | null {
  let box: [number, number, number, number] | null = null;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      if (r.getPixel(x, y).every((v, k) => v === bg[k])) continue;
      box = box
        ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)]
        : [x, y, x, y];
    }
  }
  return box;
}

test('the font covers printable ASCII with distinct, non-empty glyphs', () => {
  const seen = new Map<string, string>();
  for (let code = 33; code <= 126; code++) {
    const ch = String.fromCharCode(code);
    assert.ok(hasGlyph(ch), `missing glyph for ${ch}`);
    const bits = glyph(ch);
    assert.ok(
      bits.some((row) => row !== 0),
      `empty glyph for ${ch}`,
    );
    const key = bits.join(',');
    assert.equal(seen.get(key), undefined, `${ch} looks like ${seen.get(key)}`);
    seen.set(key, ch);
  }
  assert.ok(hasGlyph(' '));
  assert.equal(hasGlyph('é'), false);
});

test('text draws inside its measured box, at any scale and rotated', () => {
  for (const scale of [1, 2]) {
    const r = new Raster(240, 40, [0, 0, 0]);
    const w = r.text(3, 5, 'Loss: 1e-4 (gjpqy)', RED, { scale });
    assert.equal(w, textWidth('Loss: 1e-4 (gjpqy)', scale));
    const box = inkBox(r, [0, 0, 0]);
    assert.ok(box);
    assert.ok(box[0] >= 3 && box[2] <= 3 + w - 1 && box[1] >= 5 && box[3] <= 5 + textHeight(scale) - 1);
    assert.equal(box[3], 5 + textHeight(scale) - 1, 'descenders reach the last glyph row');
  }
  const v = new Raster(40, 120, [0, 0, 0]);
  v.text(2, 4, 'vertical', RED, { vertical: true });
  const box = inkBox(v, [0, 0, 0]);
  assert.ok(box);
  assert.ok(box[0] >= 2 && box[2] <= 2 + textHeight() - 1);
  assert.ok(box[1] >= 4 && box[3] <= 4 + textWidth('vertical') - 1 && box[3] - box[1] > 30);
  assert.equal(textWidth('ab'), 2 * CHAR_ADVANCE - 1);
});

test('lines have the requested thickness and respect the clip box', () => {
  const r = new Raster(50, 20);
  r.line(5, 10, 44, 10, RED, 3);
  assert.deepEqual(inkBox(r, [255, 255, 255]), [4, 9, 45, 11]);
  const c = new Raster(50, 20);
  c.setClip(10, 0, 20, 20);
  c.line(0, 5, 49, 5, RED, 1);
  c.fillRect(0, 15, 50, 2, RED);
  assert.deepEqual(inkBox(c, [255, 255, 255]), [10, 5, 19, 16]);
  // A diagonal 1-pixel line is connected: one pixel per column.
  const d = new Raster(30, 30);
  d.line(0, 0, 29, 14, RED);
  for (let x = 0; x < 30; x++) {
    let n = 0;
    for (let y = 0; y < 30; y++) if (d.getPixel(x, y)[1] === 0) n++;
    assert.ok(n >= 1, `column ${x} is empty`);
  }
});

test('blit copies with clipping and resizeNearest scales by sampling', () => {
  const src = { width: 2, height: 2, data: Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]) };
  const r = new Raster(3, 3, [0, 0, 0]);
  r.blit(src, 2, 1);
  assert.deepEqual(r.getPixel(2, 1), [1, 1, 1]);
  assert.deepEqual(r.getPixel(2, 2), [3, 3, 3]);
  assert.deepEqual(r.getPixel(1, 1), [0, 0, 0]);
  const big = resizeNearest(src, 4, 4);
  assert.deepEqual([...big.data.subarray(0, 12)], [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  assert.deepEqual([...big.data.subarray(15 * 3)], [4, 4, 4]);
});

test('ticks fall on nice numbers and format compactly', () => {
  assert.equal(niceStep(0.7), 1);
  assert.equal(niceStep(1.3), 2);
  assert.equal(niceStep(3), 5);
  assert.equal(niceStep(0.03), 0.05);
  assert.deepEqual(linearTicks(0, 10, 5).values, [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(
    linearTicks(-0.25, 0.25, 5).values.map((v) => formatTick(v, 0.1)),
    ['-0.2', '-0.1', '0', '0.1', '0.2'],
  );
  assert.deepEqual(logTicks(-4.2, 0.5, 10).values, [1e-4, 1e-3, 1e-2, 1e-1, 1]);
  assert.deepEqual(logTicks(-8, 0, 3).values, [1e-8, 1e-5, 1e-2]);
  assert.deepEqual(logTicks(0.1, 0.6, 4).values, [2, 3]);
  assert.equal(formatTick(0.001, Number.NaN), '0.001');
  assert.equal(formatTick(1e-5, Number.NaN), '1e-5');
  assert.equal(formatTick(150000, 50000), '1.5e5');
  assert.equal(formatTick(2.5, 0.5), '2.5');
  assert.equal(formatTick(1500, 500), '1500');
});

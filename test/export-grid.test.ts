import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textHeight, textWidth } from '../src/export/bitmap-font.ts';
import { type GridCell, imageGrid } from '../src/export/image-grid.ts';

/** A w × h cell filled with one colour. */
function solid(w: number, h: number, c: [number, number, number]): GridCell {
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) rgb.set(c, i * 3);
  return { rgb, w, h };
}

const px = (img: { width: number; data: Uint8Array }, x: number, y: number): number[] => [
  ...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3),
];

test('imageGrid has the size implied by cells, titles and padding; columns widen to their titles', () => {
  const cells = [
    [solid(40, 30, [255, 0, 0]), solid(20, 15, [0, 255, 0]), solid(40, 30, [0, 0, 255])],
    [solid(40, 30, [9, 9, 9]), null],
  ];
  const rowTitles = ['view 0', 'view 12'];
  const columnTitles = ['RGB', '2D segmenter', 'clift'];
  const pad = 5;
  const g = imageGrid(cells, { columnTitles, rowTitles, pad });
  const rowTitleW = Math.max(...rowTitles.map((t) => textWidth(t))) + pad;
  // "2D segmenter" is wider than the 40 px cells: every column takes its width, cells centred in it.
  const colW = textWidth('2D segmenter');
  assert.ok(colW > 40);
  assert.equal(g.width, pad + rowTitleW + 3 * (colW + pad));
  assert.equal(g.height, pad + textHeight() + pad + 2 * (30 + pad));
  assert.equal(g.data.length, g.width * g.height * 3);

  const colX = (col: number): number => pad + rowTitleW + col * (colW + pad);
  const cellX = (col: number): number => colX(col) + Math.floor((colW - 40) / 2);
  const cellY = (row: number): number => pad + textHeight() + pad + row * (30 + pad);
  assert.deepEqual(px(g, cellX(0), cellY(0)), [255, 0, 0]);
  assert.deepEqual(px(g, cellX(0) + 39, cellY(0) + 29), [255, 0, 0]);
  // The 20×15 cell is scaled up to fill the 40×30 slot.
  assert.deepEqual(px(g, cellX(1), cellY(0)), [0, 255, 0]);
  assert.deepEqual(px(g, cellX(1) + 39, cellY(0) + 29), [0, 255, 0]);
  assert.deepEqual(px(g, cellX(1) + 20, cellY(1) + 15), [255, 255, 255], 'empty slot stays background');
  assert.deepEqual(px(g, cellX(0) - 1, cellY(0)), [255, 255, 255], 'padding is background');

  // The whole title is drawn: ink in its first and its last few columns of pixels.
  const inkIn = (x0: number, x1: number): number => {
    let n = 0;
    for (let y = 0; y < cellY(0); y++) for (let x = x0; x < x1; x++) if (px(g, x, y)[0]! < 100) n++;
    return n;
  };
  assert.ok(inkIn(colX(1), colX(1) + 6) > 0, 'title starts inside its column');
  assert.ok(inkIn(colX(1) + colW - 6, colX(1) + colW) > 0, 'title end not clipped');
  assert.equal(inkIn(colX(1) + colW, colX(2)), 0, 'nothing drawn in the padding');
});

test('imageGrid keeps aspect ratio when a cell shape differs, and checks cell sizes', () => {
  const g = imageGrid([[solid(40, 40, [255, 0, 0])], [solid(40, 20, [0, 0, 255])]], { pad: 0 });
  assert.equal(g.width, 40);
  assert.equal(g.height, 80);
  assert.deepEqual(px(g, 20, 40 + 5), [255, 255, 255], 'letterbox above the wide cell');
  assert.deepEqual(px(g, 20, 40 + 20), [0, 0, 255]);
  assert.throws(() => imageGrid([[{ rgb: new Uint8Array(5), w: 2, h: 2 }]]), /expected/);
});

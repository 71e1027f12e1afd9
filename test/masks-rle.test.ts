import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { rasterisePolygons } from '../src/data/masks/polygon.ts';
import { countsToString, rleDecode, rleEncode, stringToCounts } from '../src/data/masks/rle.ts';

const sum = (m: Uint8Array): number => m.reduce((a, b) => a + b, 0);

test('RLE runs go down the columns, start with zeros, and match hand-computed counts', () => {
  // h = 3, w = 2, row-major [[0, 1], [1, 1], [0, 0]]: column 0 is 0 1 0, column 1 is 1 1 0.
  const mask = Uint8Array.from([0, 1, 1, 1, 0, 0]);
  assert.deepEqual(rleEncode(mask, 3, 2), [1, 1, 1, 2, 1]);
  assert.deepEqual(rleDecode([1, 1, 1, 2, 1], 3, 2), mask);
  // A mask starting inside begins with an empty run of zeros.
  assert.deepEqual(rleEncode(Uint8Array.from([1, 1, 0, 0]), 2, 2), [0, 1, 1, 1, 1]);
  assert.deepEqual(rleEncode(new Uint8Array(6), 2, 3), [6]);
});

test('compressed RLE strings match hand-computed characters, negative deltas included', () => {
  // Each count is 5-bit groups + 48, bit 0x20 = more groups follow; from index 3 on, count − count[i − 2].
  assert.equal(countsToString([1, 1, 1, 2, 1]), '11110');
  assert.equal(countsToString([100]), 'T3'); // 100 = 4 + 3·32 → 48 + (4 | 0x20) = 'T', 48 + 3 = '3'
  assert.equal(countsToString([0, 5, 10, 2]), '05:M'); // 2 − 5 = −3 → 29 = 0b11101 (sign bit 0x10) → 'M'
  assert.deepEqual(stringToCounts('11110'), [1, 1, 1, 2, 1]);
  assert.deepEqual(stringToCounts('T3'), [100]);
  assert.deepEqual(stringToCounts('05:M'), [0, 5, 10, 2]);
  assert.match(String(stringToCounts('T')), /ends inside a run length/);
  assert.match(String(stringToCounts('1 1')), /character 1 \(" "\) is not a COCO RLE character/);
});

test("the compressed strings equal those COCO's own encoder writes for 5 × 5 squares in a 25 × 25 mask", () => {
  for (const [lo, want] of [
    [0, '05d00000000d?'],
    [5, 'R45d00000000b;'],
    [20, 'X`05d00000000'],
  ] as const) {
    const mask = new Uint8Array(25 * 25);
    for (let v = lo; v < lo + 5; v++) for (let u = lo; u < lo + 5; u++) mask[v * 25 + u] = 1;
    assert.equal(countsToString(rleEncode(mask, 25, 25)), want, `square at ${lo}`);
    assert.deepEqual(rleDecode(stringToCounts(want) as number[], 25, 25), mask);
  }
});

test('RLE encode → string → decode round-trips random masks of odd sizes exactly', () => {
  const rng = new Rng(7);
  for (let t = 0; t < 40; t++) {
    const h = 1 + rng.int(40);
    const w = 1 + rng.int(40);
    const fill = rng.next();
    const mask = Uint8Array.from({ length: w * h }, () => (rng.next() < fill ? 1 : 0));
    const counts = rleEncode(mask, h, w);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      w * h,
    );
    const back = stringToCounts(countsToString(counts));
    assert.deepEqual(back, counts);
    assert.deepEqual(rleDecode(counts, h, w), mask);
  }
  // Large counts (several 5-bit groups) survive too.
  for (const counts of [
    [70000, 3, 12345, 1, 0, 99999],
    [0, 1 << 20, 5],
  ]) {
    assert.deepEqual(stringToCounts(countsToString(counts)), counts);
  }
});

test('polygons fill the pixels whose centres are inside: squares, a triangle, clipping and unions', () => {
  const w = 12;
  const h = 10;
  // An integer square covers exactly its area: columns 2..6, rows 2..5.
  const square = rasterisePolygons([[2, 2, 7, 2, 7, 6, 2, 6]], w, h);
  assert.equal(sum(square), 20);
  assert.equal(square[2 * w + 2], 1);
  assert.equal(square[5 * w + 6], 1);
  assert.equal(square[6 * w + 6], 0);
  assert.equal(square[2 * w + 7], 0);
  // A polygon on the image border fills the whole image, as COCO's rasteriser does for [0,0, 0,10, 10,10, 10,0].
  assert.equal(sum(rasterisePolygons([[0, 0, 0, 10, 10, 10, 10, 0]], 10, 10)), 100);
  // The same square listed clockwise fills the same pixels.
  assert.deepEqual(rasterisePolygons([[2, 2, 2, 6, 7, 6, 7, 2]], w, h), square);
  // Right triangle (0,0), (8,0), (0,8): centres with u + v + 1 < 8, i.e. u + v ≤ 6 → 7·8/2 = 28 pixels.
  assert.equal(sum(rasterisePolygons([[0, 0, 8, 0, 0, 8]], w, h)), 28);
  // Edges through pixel centres: a centre on the left edge is in, on the right edge out (3×3, not 4×4).
  assert.equal(sum(rasterisePolygons([[0.5, 0.5, 3.5, 0.5, 3.5, 3.5, 0.5, 3.5]], w, h)), 9);
  // Clipped at the image border: [-5, 20] × [8, 30] keeps rows 8..9 of all 12 columns.
  assert.equal(sum(rasterisePolygons([[-5, 8, 20, 8, 20, 30, -5, 30]], w, h)), 24);
  // Two overlapping polygons are united (COCO merges one mask per polygon), not XOR-ed.
  const two = rasterisePolygons(
    [
      [0, 0, 4, 0, 4, 4, 0, 4],
      [2, 2, 6, 2, 6, 6, 2, 6],
    ],
    w,
    h,
  );
  assert.equal(sum(two), 16 + 16 - 4);
  // Within one self-overlapping polygon the even-odd rule applies: a bow-tie fills its left and right triangles.
  const bowtie = rasterisePolygons([[0, 0, 10, 10, 10, 0, 0, 10]], w, h);
  assert.equal(bowtie[5 * w + 1], 1, 'left triangle');
  assert.equal(bowtie[5 * w + 8], 1, 'right triangle');
  assert.equal(bowtie[1 * w + 5], 0, 'above the crossing: outside');
  assert.equal(bowtie[8 * w + 5], 0, 'below the crossing: outside');
});

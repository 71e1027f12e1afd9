import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hsvToRgb, instanceColor } from '../src/export/palette.ts';

const dist = (a: readonly number[], b: readonly number[]): number =>
  Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

test('instanceColor is deterministic and black for "no instance"', () => {
  assert.deepEqual(instanceColor(0), [0, 0, 0]);
  assert.deepEqual(instanceColor(-1), [0, 0, 0]);
  for (const id of [1, 2, 17, 500, 65535, 1_000_000]) assert.deepEqual(instanceColor(id), instanceColor(id));
  assert.deepEqual(instanceColor(42), [...instanceColor(42)]);
});

test('the first 500 ids get pairwise distinct, bright colours; neighbouring ids differ strongly', () => {
  const seen = new Map<string, number>();
  for (let id = 1; id <= 500; id++) {
    const c = instanceColor(id);
    const key = c.join(',');
    assert.equal(seen.get(key), undefined, `ids ${seen.get(key)} and ${id} share colour ${key}`);
    seen.set(key, id);
    assert.ok(Math.max(...c) >= 120, `id ${id} is too dark: ${key}`);
    if (id > 1) assert.ok(dist(c, instanceColor(id - 1)) >= 100, `ids ${id - 1} and ${id} look alike`);
  }
  for (let a = 1; a <= 20; a++) {
    for (let b = a + 1; b <= 20; b++)
      assert.ok(dist(instanceColor(a), instanceColor(b)) >= 30, `${a} vs ${b}`);
  }
});

test('hsvToRgb maps the primary hues', () => {
  assert.deepEqual(hsvToRgb(0, 1, 1), [255, 0, 0]);
  assert.deepEqual(hsvToRgb(1 / 3, 1, 1), [0, 255, 0]);
  assert.deepEqual(hsvToRgb(2 / 3, 1, 1), [0, 0, 255]);
  assert.deepEqual(hsvToRgb(0.5, 0, 0.5), [128, 128, 128]);
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configFromFlags } from '../src/cli/train.ts';

test('--grid sets the final grid resolution, starts at half, and keeps the config file’s other grid keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clift-cfg-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ iters: 4500, grid: { occupancy: 32 } }));
  const c = configFromFlags({ scene: 's', out: 'o', config: file, grid: '128', trainSize: '192' });
  assert.equal(c.grid.end, 128);
  assert.equal(c.grid.start, 64);
  assert.equal(c.grid.occupancy, 32);
  assert.equal(c.iters, 4500);
  assert.equal(c.trainSize, 192);
  const d = configFromFlags({ scene: 's', out: 'o' });
  assert.equal(d.grid.end, 128);
  assert.equal(d.grid.start, 64);
  assert.throws(() => configFromFlags({ scene: 's', out: 'o', grid: '12.5' }), /--grid must be an integer/);
});

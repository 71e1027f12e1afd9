import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerSegment } from '../src/cli/segment.ts';
import { selectionViewCount } from '../src/infer/segment.ts';

function program(): Command {
  const p = new Command().exitOverride();
  registerSegment(p);
  return p;
}

test('clift segment refuses a bad --sample-pixels or --selection-views before touching the run', async () => {
  const base = ['node', 'clift', 'segment', '--run', '/nonexistent-run', '--out', '/nonexistent-pred'];
  await assert.rejects(
    program().parseAsync([...base, '--sample-pixels', '3e5.5']),
    /--sample-pixels must be an integer ≥ 1/,
  );
  await assert.rejects(
    program().parseAsync([...base, '--sample-pixels', '0']),
    /--sample-pixels must be an integer ≥ 1/,
  );
  await assert.rejects(
    program().parseAsync([...base, '--selection-views', '0']),
    /--selection-views must be an integer ≥ 1/,
  );
  await assert.rejects(
    program().parseAsync([...base, '--selection-views', '1.5']),
    /--selection-views must be an integer ≥ 1/,
  );
  // Valid flags get as far as reading the run, which names the missing folder.
  await assert.rejects(
    program().parseAsync([...base, '--sample-pixels', '300000', '--selection-views', '40']),
    /nonexistent-run/,
  );
});

test('the automatic parameter is scored on the larger of 40 and 10 % of the training views, at most all', () => {
  assert.equal(selectionViewCount(80), 40);
  assert.equal(selectionViewCount(30), 30);
  assert.equal(selectionViewCount(960), 96);
  assert.equal(selectionViewCount(80, 8), 8);
  assert.equal(selectionViewCount(80, 500), 80);
});

test('clift segment refuses a bad --single-cluster, or one given to another clustering method', async () => {
  const base = ['node', 'clift', 'segment', '--run', '/nonexistent-run', '--out', '/nonexistent-pred'];
  await assert.rejects(program().parseAsync([...base, '--single-cluster', 'maybe']), /--single-cluster/);
  await assert.rejects(
    program().parseAsync([...base, '--cluster', 'dbscan', '--single-cluster', 'no']),
    /--single-cluster applies to --cluster hdbscan, not dbscan/,
  );
  await assert.rejects(program().parseAsync([...base, '--single-cluster', 'no']), /nonexistent-run/);
});

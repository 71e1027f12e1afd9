import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerSegment } from '../src/cli/segment.ts';

function program(): Command {
  const p = new Command().exitOverride();
  registerSegment(p);
  return p;
}

test('clift segment refuses a bad --sample-pixels or --selection-share before touching the run', async () => {
  const base = ['node', 'clift', 'segment', '--run', '/nonexistent-run', '--out', '/nonexistent-pred'];
  await assert.rejects(
    program().parseAsync([...base, '--sample-pixels', '3e5.5']),
    /--sample-pixels must be a positive integer/,
  );
  await assert.rejects(
    program().parseAsync([...base, '--sample-pixels', '0']),
    /--sample-pixels must be a positive integer/,
  );
  await assert.rejects(
    program().parseAsync([...base, '--selection-share', '0']),
    /--selection-share must be a number in \(0, 1\]/,
  );
  await assert.rejects(program().parseAsync([...base, '--selection-share', '1.5']), /--selection-share/);
  // Valid flags get as far as reading the run, which names the missing folder.
  await assert.rejects(
    program().parseAsync([...base, '--sample-pixels', '300000', '--selection-share', '0.5']),
    /nonexistent-run/,
  );
});

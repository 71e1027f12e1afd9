import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorLine } from '../src/cli/fail.ts';
import { autoOrReal, choiceFlag, intFlag, realFlag } from '../src/cli/flags.ts';

test('integer flags take digits only, within their range', () => {
  assert.equal(intFlag('seed', '42'), 42);
  assert.equal(intFlag('seed', '-3'), -3);
  assert.equal(intFlag('views', '5', 5), 5);
  for (const bad of ['abc', '2.5', '1e3', '', ' ', '0x10', 'Infinity', '12abc', '99999999999999999999'])
    assert.throws(() => intFlag('seed', bad), /--seed must be an integer, got/, bad);
  assert.throws(() => intFlag('views', '4', 5), /--views must be an integer ≥ 5, got "4"/);
  assert.throws(() => intFlag('port', '70000', { min: 0, max: 65535 }), /≥ 0 and ≤ 65535/);
});

test('real flags take decimal or exponent notation, finite, within their range', () => {
  assert.equal(realFlag('eps', '0.05'), 0.05);
  assert.equal(realFlag('eps', '5e-2'), 0.05);
  assert.equal(realFlag('eps', '.5'), 0.5);
  for (const bad of ['abc', 'NaN', 'Infinity', '1/2', '', '0.5x'])
    assert.throws(() => realFlag('eps', bad), /--eps must be a number/, bad);
  assert.throws(
    () => realFlag('min-iou', '0', { above: 0, max: 1 }),
    /--min-iou must be a number > 0 and ≤ 1, got "0"/,
  );
  assert.equal(realFlag('min-iou', '1', { above: 0, max: 1 }), 1);
  assert.equal(autoOrReal('bandwidth', 'auto'), 'auto');
  assert.throws(() => autoOrReal('bandwidth', '-1', { above: 0 }), /--bandwidth must be a number > 0/);
  assert.equal(choiceFlag('split', 'test', ['train', 'test'] as const), 'test');
  assert.throws(
    () => choiceFlag('split', 'tset', ['train', 'test'] as const),
    /--split must be one of train, test, got "tset"/,
  );
});

test('an error is one line: raw file-system errors name the file, no class prefix for plain errors', () => {
  const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    syscall: 'write',
    path: '/runs/a/losses.csv',
  });
  assert.equal(errorLine(enospc), 'clift: /runs/a/losses.csv: no space left on the device (write)');
  assert.equal(
    errorLine(new Error('a.json: grid.ends: unknown config key')),
    'clift: a.json: grid.ends: unknown config key',
  );
  assert.equal(errorLine(new Error('first\n  second')), 'clift: first; second');
  assert.equal(errorLine(new TypeError('x is undefined')), 'clift: TypeError: x is undefined');
  assert.equal(errorLine('thrown text'), 'clift: thrown text');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SceneError } from '../src/data/errors.ts';
import { parseNpy } from '../src/data/npy.ts';
import { encodeNpy } from './helpers/npy-writer.ts';

test('npy: every supported dtype and header version round-trips', () => {
  const cases: [string, number[], abstract new (...args: never[]) => unknown][] = [
    ['|u1', [0, 7, 255], Uint8Array],
    ['|i1', [-128, 0, 127], Int8Array],
    ['<u2', [0, 65535, 300], Uint16Array],
    ['<i2', [-32768, 5, 32767], Int16Array],
    ['<u4', [0, 4294967295, 9], Uint32Array],
    ['<i4', [-2147483648, 1, 2147483647], Int32Array],
    ['<i8', [-5, 0, 2 ** 40], Float64Array],
    ['<f4', [0.5, -1.25, 3], Float32Array],
    ['<f8', [Math.PI, -1e-300, 1e300], Float64Array],
    ['|b1', [1, 0, 1], Uint8Array],
  ];
  for (const version of [1, 2, 3] as const) {
    for (const [descr, values, type] of cases) {
      const arr = parseNpy('x.npy', encodeNpy(descr, [1, 3], values, { version }));
      assert.deepEqual(arr.shape, [1, 3]);
      assert.ok(arr.data instanceof type, `${descr} decodes to ${type.name}`);
      assert.deepEqual(Array.from(arr.data), values, `${descr} v${version}`);
    }
  }
  assert.deepEqual(parseNpy('x.npy', encodeNpy('<f4', [4], [1, 2, 3, 4])).shape, [4]);
  assert.deepEqual(parseNpy('x.npy', encodeNpy('<f4', [], [2])).shape, []);
});

function refuses(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => parseNpy('bad.npy', bytes),
    (e: unknown) => e instanceof SceneError && e.file === 'bad.npy' && pattern.test(e.message),
  );
}

test('npy: bad input is one SceneError naming the file', () => {
  refuses(new TextEncoder().encode('not numpy at all'), /magic/);
  refuses(encodeNpy('<f4', [2, 2], [1, 2, 3, 4], { fortranOrder: true }), /fortran_order/);
  refuses(encodeNpy('<f4', [2, 2], [1, 2, 3, 4]).subarray(0, 130), /shorter/);
  const big = encodeNpy('<f4', [2], [1, 2]);
  const text = new TextDecoder('latin1').decode(big).replace('<f4', '>f4');
  refuses(
    Uint8Array.from(text, (c) => c.charCodeAt(0)),
    /dtype/,
  );
  const v9 = encodeNpy('<f4', [2], [1, 2]);
  v9[6] = 9;
  refuses(v9, /version/);
});

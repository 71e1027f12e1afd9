import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { frequencyEncoding } from '../src/fields/frequency-encoding.ts';
import { Mlp } from '../src/fields/mlp.ts';

test('frequency encoding: identity part, then sin/cos of 2^k·π·x per coordinate', () => {
  const enc = frequencyEncoding(3, 2);
  assert.equal(enc.outDim, 15);
  const x = Float32Array.from([0.25, -0.5, 1, 0.1, 0.2, 0.3]);
  const out = new Float32Array(2 * 15);
  enc.apply(x, 2, out);
  const row = Array.from(out.subarray(15, 30));
  const [a, b, c] = [0.1, 0.2, 0.3];
  const want = [
    a,
    b,
    c,
    ...[a, b, c].map((v) => Math.sin(Math.PI * v)),
    ...[a, b, c].map((v) => Math.cos(Math.PI * v)),
  ];
  want.push(
    ...[a, b, c].map((v) => Math.sin(2 * Math.PI * v)),
    ...[a, b, c].map((v) => Math.cos(2 * Math.PI * v)),
  );
  for (const [i, v] of row.entries())
    assert.ok(Math.abs(v - want[i]!) < 1e-6, `entry ${i}: ${v} vs ${want[i]}`);
  assert.ok(Math.abs(out[3 + 1]! - Math.sin(-Math.PI / 2)) < 1e-6);
});

test('an MLP with an input encoding equals the plain MLP on encoded rows', () => {
  const enc = frequencyEncoding(3, 3);
  const withEnc = new Mlp('m', [enc.outDim, 16, 4], new Rng(1), undefined, enc);
  const plain = new Mlp('m', [enc.outDim, 16, 4], new Rng(1));
  const rng = new Rng(2);
  const x = Float32Array.from({ length: 5 * 3 }, () => rng.uniform(-1, 1));
  const encoded = new Float32Array(5 * enc.outDim);
  enc.apply(x, 5, encoded);
  assert.deepEqual(Array.from(withEnc.forward(x, 5).output), Array.from(plain.forward(encoded, 5).output));
  assert.throws(() => new Mlp('bad', [7, 4], new Rng(1), undefined, enc), /bad: encoding gives 21 inputs/);
});

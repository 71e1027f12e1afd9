import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { frequencyEncoding } from '../src/fields/frequency-encoding.ts';
import { GridEncodedMlp } from '../src/fields/grid-encoded-mlp.ts';
import { InstanceField } from '../src/fields/instance-field.ts';
import { Mlp } from '../src/fields/mlp.ts';
import { assertGradientMatches } from './helpers/finite-difference.ts';

const points = (rng: Rng, n: number) => Float32Array.from({ length: n * 3 }, () => rng.uniform(-0.95, 0.95));

test('grid-encoded MLP backward matches finite differences on grid and MLP parameters', () => {
  const rng = new Rng('grid-mlp');
  const net = new GridEncodedMlp('g', [6], 2, rng, 1, { components: 2, resolution: 5 });
  // Larger grid values than the default start, so the grid path carries a visible share of the output.
  for (const p of net.grid!.params()) for (let i = 0; i < p.data.length; i++) p.data[i] = rng.normal();
  const n = 5;
  const x = points(rng, n);
  const c = Float32Array.from({ length: n * 2 }, () => rng.normal());
  const loss = () => net.forward(x, n).output.reduce((s, v, i) => s + v * c[i]!, 0);
  for (const p of net.params()) p.grad.fill(0);
  net.backward(net.forward(x, n), c);
  const names = net.params().map((p) => p.name);
  assert.ok(names.includes('g.grid.plane0') && names.includes('g.W0'), names.join(' '));
  for (const p of net.params()) {
    const x0 = Float64Array.from(p.data);
    assertGradientMatches(
      Float64Array.from(p.grad),
      (v) => {
        p.data.set(v);
        return loss();
      },
      x0,
      2e-2,
      1e-3,
    );
    p.data.set(x0);
  }
  assert.ok(
    net.grid!.planes.some((p) => p.grad.some((g) => g !== 0)),
    'the grid receives a gradient',
  );
});

test('without a grid the instance network is the plain encoded MLP (same parameters and outputs)', () => {
  const net = new GridEncodedMlp('m', [16], 3, new Rng(4), 2);
  const enc = frequencyEncoding(3, 2);
  const plain = new Mlp('m', [enc.outDim, 16, 3], new Rng(4), undefined, enc);
  assert.equal(net.grid, null);
  assert.deepEqual(
    net.params().map((p) => p.name),
    plain.params().map((p) => p.name),
  );
  const x = points(new Rng(5), 4);
  assert.deepEqual(Array.from(net.forward(x, 4).output), Array.from(plain.forward(x, 4).output));
});

test('the slow instance field follows the fast one by EMA, feature grid included', () => {
  const f = new InstanceField(3, 8, new Rng(6), 3, 1, { components: 1, resolution: 4 });
  const fast = f.fast.params();
  const slow = f.slow.params();
  assert.equal(fast.length, slow.length);
  const before = slow.map((p) => Float32Array.from(p.data));
  f.emaUpdate(0.9);
  slow.forEach((p, k) => {
    const i = p.data.length - 1;
    const want = 0.9 * before[k]![i]! + 0.1 * fast[k]!.data[i]!;
    assert.ok(Math.abs(p.data[i]! - want) < 1e-6, `${p.name}: ${p.data[i]} vs ${want}`);
  });
  assert.ok(slow[0]!.name.startsWith('instance.slow.grid'), slow[0]!.name);
});

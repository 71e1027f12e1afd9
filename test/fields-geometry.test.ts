import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { GeometryField } from '../src/fields/geometry-field.ts';
import { Mlp } from '../src/fields/mlp.ts';
import type { Param } from '../src/fields/params.ts';
import { VmGrid } from '../src/fields/tensorf-vm.ts';
import { composite, compositeBackward, rayWeights } from '../src/render/volume.ts';
import { assertGradientMatches } from './helpers/finite-difference.ts';

const rng = new Rng('fields');
const points = (n: number) => Float32Array.from({ length: n * 3 }, () => rng.uniform(-0.98, 0.98));

/** Checks the gradient a backward pass accumulated in `p` against finite differences of `loss`. */
function checkParam(p: Param, loss: () => number, tol = 2e-2, h = 1e-2): void {
  const x = Float64Array.from(p.data);
  const analytic = Float64Array.from(p.grad);
  assertGradientMatches(
    analytic,
    (v) => {
      p.data.set(v);
      return loss();
    },
    x,
    tol,
    h,
  );
  p.data.set(x);
}

test('VM grid scatter is the adjoint of gather (finite differences on planes and lines)', () => {
  const g = new VmGrid('g', 2, [4, 5, 3], rng, 1);
  const n = 6;
  const xyz = points(n);
  const coef = Float32Array.from({ length: n * g.features }, () => rng.normal());
  const loss = () => {
    const out = new Float32Array(n * g.features);
    g.gather(xyz, n, out);
    return out.reduce((s, v, i) => s + v * coef[i]!, 0);
  };
  g.scatter(xyz, n, coef);
  for (const p of g.params()) checkParam(p, loss);
});

test('upsampling a VM grid preserves values that are linear along each axis', () => {
  const res: [number, number, number] = [5, 4, 6];
  const g = new VmGrid('g', 2, res, rng, 1);
  const axes = [
    [0, 1],
    [0, 2],
    [1, 2],
  ];
  g.planes.forEach((p, m) => {
    const [a, b] = axes[m]!;
    const Ra = res[a!]!;
    const Rb = res[b!]!;
    for (let c = 0; c < 2; c++) {
      for (let jb = 0; jb < Rb; jb++) {
        for (let ja = 0; ja < Ra; ja++) {
          p.data[(jb * Ra + ja) * 2 + c] = 0.3 * (ja / (Ra - 1)) - 0.7 * (jb / (Rb - 1)) + c;
        }
      }
    }
  });
  for (const l of g.lines) l.data.fill(1);
  const n = 20;
  const xyz = points(n);
  const before = new Float32Array(n * g.features);
  g.gather(xyz, n, before);
  g.upsample([9, 7, 11]);
  const after = new Float32Array(n * g.features);
  g.gather(xyz, n, after);
  const err = before.reduce((m, v, i) => Math.max(m, Math.abs(v - after[i]!)), 0);
  assert.ok(err < 1e-5, `max change ${err}`);
  assert.equal(g.planes[0]!.data.length, 2 * 9 * 7);
});

test('geometry field density and colour gradients match finite differences', () => {
  const f = new GeometryField(
    { box: { min: [-1, -1, -1], max: [1, 1, 1] }, res: 4, densityComponents: 2, appearanceComponents: 2 },
    rng,
  );
  for (const p of f.params()) for (let i = 0; i < p.data.length; i++) p.data[i] = rng.normal() * 0.7;
  const n = 5;
  const grid = points(n);
  const dirs = Float32Array.from({ length: n * 3 }, () => rng.normal());
  for (let i = 0; i < n; i++) {
    const l = Math.hypot(dirs[i * 3]!, dirs[i * 3 + 1]!, dirs[i * 3 + 2]!);
    for (let k = 0; k < 3; k++) dirs[i * 3 + k]! /= l;
  }
  const cs = Float32Array.from({ length: n }, () => rng.normal());
  const cc = Float32Array.from({ length: n * 3 }, () => rng.normal());
  const loss = () => {
    const { sigma } = f.densityForward(grid, n);
    const rgb = f.colorForward(grid, dirs, n).rgb;
    return sigma.reduce((s, v, i) => s + v * cs[i]!, 0) + rgb.reduce((s, v, i) => s + v * cc[i]!, 0);
  };
  const d = f.densityForward(grid, n);
  f.densityBackward(grid, n, d.pre, cs);
  f.colorBackward(f.colorForward(grid, dirs, n), cc);
  for (const p of f.params()) checkParam(p, loss);
});

test('volume compositing: weights sum to at most one and the backward matches finite differences', () => {
  const rayStart = Int32Array.from([0, 4, 4, 9]);
  const nS = 9;
  const sigma = Float32Array.from({ length: nS }, () => rng.uniform(0, 3));
  const delta = Float32Array.from({ length: nS }, () => rng.uniform(0.05, 0.2));
  const K = 2;
  const values = Float32Array.from({ length: nS * K }, () => rng.normal());
  const dOut = Float32Array.from({ length: 3 * K }, () => rng.normal());
  const rw = rayWeights(sigma, delta, rayStart, 4);
  for (let r = 0; r < 3; r++) {
    let s = 0;
    for (let i = rayStart[r]!; i < rayStart[r + 1]!; i++) s += rw.weights[i]!;
    assert.ok(s <= 1 + 1e-6);
  }
  const dValues = new Float32Array(nS * K);
  const dSigma = compositeBackward(rw, values, K, rayStart, dOut, dValues);
  const lossOf = (sg: Float32Array, v: Float32Array) =>
    composite(rayWeights(sg, delta, rayStart, 4).weights, v, K, rayStart).reduce(
      (s, o, i) => s + o * dOut[i]!,
      0,
    );
  assertGradientMatches(
    dSigma,
    (x) => lossOf(Float32Array.from(x), values),
    Float64Array.from(sigma),
    1e-2,
    1e-3,
  );
  assertGradientMatches(
    dValues,
    (x) => lossOf(sigma, Float32Array.from(x)),
    Float64Array.from(values),
    1e-2,
    1e-3,
  );
});

test('MLP backward matches finite differences for parameters and inputs', () => {
  const mlp = new Mlp('m', [3, 5, 4, 2], rng);
  const n = 4;
  const x = points(n);
  const c = Float32Array.from({ length: n * 2 }, () => rng.normal());
  const loss = () => mlp.forward(x, n).output.reduce((s, v, i) => s + v * c[i]!, 0);
  const dx = mlp.backward(mlp.forward(x, n), c, true)!;
  for (const p of mlp.params()) checkParam(p, loss, 2e-2, 1e-3);
  assertGradientMatches(
    dx,
    (v) => {
      x.set(v);
      return loss();
    },
    Float64Array.from(x),
    2e-2,
    1e-3,
  );
});

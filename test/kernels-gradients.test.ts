// Every hand-written backward of the reference kernels against central finite differences, in float64.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { createBackend } from '../src/kernels/index.ts';
import {
  compositeValuesBackwardRef,
  compositeValuesRef,
  renderWeightsBackwardRef,
  renderWeightsRef,
} from '../src/kernels/reference/composite.ts';
import { reluBackwardRef, reluRef } from '../src/kernels/reference/elementwise.ts';
import { colSumRef, gemmRef } from '../src/kernels/reference/gemm.ts';
import { gridGatherRef, gridScatterRef } from '../src/kernels/reference/grid.ts';
import {
  logSumExpRowsBackwardRef,
  logSumExpRowsRef,
  softmaxRowsBackwardRef,
  softmaxRowsRef,
} from '../src/kernels/reference/softmax.ts';
import { softplusBackwardRef, softplusRef } from '../src/kernels/reference/softplus.ts';
import { vmGatherRef, vmScatterRef } from '../src/kernels/reference/vm.ts';

const H = 1e-6;

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Asserts analytic[i] ≈ (loss(x+h) - loss(x-h)) / 2h for every i of x. */
function checkGrad(
  name: string,
  x: Float64Array,
  analytic: ArrayLike<number>,
  loss: () => number,
  tol = 1e-6,
): void {
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const keep = x[i]!;
    x[i] = keep + H;
    const up = loss();
    x[i] = keep - H;
    const down = loss();
    x[i] = keep;
    const numeric = (up - down) / (2 * H);
    const err = Math.abs(numeric - analytic[i]!) / (1 + Math.abs(numeric));
    worst = Math.max(worst, err);
    assert.ok(err < tol, `${name}[${i}]: analytic ${analytic[i]} vs numeric ${numeric}`);
  }
  assert.ok(Number.isFinite(worst));
}

describe('finite-difference checks of the reference backward kernels (float64)', () => {
  it('gemm: the NT and TN forms are the gradients of NN, and colSum of the bias', () => {
    const rng = new Rng('fd-gemm');
    const [m, n, k] = [5, 4, 3];
    const a = randn(rng, m * k);
    const b = randn(rng, k * n);
    const bias = randn(rng, n);
    const g = randn(rng, m * n);
    const c = new Float64Array(m * n);
    const loss = () => {
      gemmRef(a, b, c, m, n, k, false, false, bias);
      return dot(c, g);
    };
    const da = new Float64Array(m * k);
    const db = new Float64Array(k * n);
    const dbias = new Float64Array(n);
    gemmRef(g, b, da, m, k, n, false, true); // dA = G·Bᵀ
    gemmRef(a, g, db, k, n, m, true, false); // dB = Aᵀ·G
    colSumRef(g, m, n, dbias);
    checkGrad('dA', a, da, loss);
    checkGrad('dB', b, db, loss);
    checkGrad('dbias', bias, dbias, loss);
  });

  it('relu backward', () => {
    const rng = new Rng('fd-relu');
    const x = randn(rng, 40);
    const g = randn(rng, 40);
    const y = new Float64Array(40);
    const loss = () => {
      reluRef(x, y, 40);
      return dot(y, g);
    };
    loss();
    const dx = new Float64Array(40);
    reluBackwardRef(y, g, dx, 40);
    checkGrad('dx', x, dx, loss);
  });

  for (const sum of [false, true]) {
    it(`TensoRF VM scatter is the gradient of the gather (sum=${sum})`, () => {
      const rng = new Rng(`fd-vm-${sum}`);
      const res = [4, 3, 5] as const;
      const comps = 2;
      const planes = [res[1] * res[0], res[2] * res[0], res[2] * res[1]].map((s) => randn(rng, comps * s));
      const lines = [res[2], res[1], res[0]].map((s) => randn(rng, comps * s));
      const n = 6;
      // some points slightly outside [-1,1] to exercise zero padding
      const coords = Float64Array.from({ length: n * 3 }, () => rng.uniform(-1.2, 1.2));
      const width = sum ? 1 : 3 * comps;
      const g = randn(rng, n * width);
      const out = new Float64Array(n * width);
      const P = planes as [Float64Array, Float64Array, Float64Array];
      const L = lines as [Float64Array, Float64Array, Float64Array];
      const loss = () => {
        vmGatherRef(P, L, res, comps, coords, n, out, sum);
        return dot(out, g);
      };
      const gp = planes.map((p) => new Float64Array(p.length)) as [Float64Array, Float64Array, Float64Array];
      const gl = lines.map((l) => new Float64Array(l.length)) as [Float64Array, Float64Array, Float64Array];
      vmScatterRef(P, L, res, comps, coords, n, g, gp, gl, sum);
      for (let i = 0; i < 3; i++) {
        checkGrad(`plane${i}`, P[i], gp[i], loss);
        checkGrad(`line${i}`, L[i], gl[i], loss);
      }
      assert.ok(gp.some((p) => p.some((v) => v !== 0)));
    });
  }

  it('trilinear grid scatter is the gradient of the gather', () => {
    const rng = new Rng('fd-grid');
    const res = [3, 4, 2] as const;
    const channels = 3;
    const grid = randn(rng, res[0] * res[1] * res[2] * channels);
    const n = 7;
    const coords = Float64Array.from({ length: n * 3 }, () => rng.uniform(-1.3, 1.3));
    const g = randn(rng, n * channels);
    const out = new Float64Array(n * channels);
    const loss = () => {
      gridGatherRef(grid, res, channels, coords, n, out);
      return dot(out, g);
    };
    const dg = new Float64Array(grid.length);
    gridScatterRef(dg, res, channels, coords, n, g);
    checkGrad('grid', grid, dg, loss);
  });

  it('compositing weights backward to densities, with opacity', () => {
    const rng = new Rng('fd-weights');
    const rayStart = Int32Array.from([0, 5, 5, 6, 12]);
    const ns = 12;
    const sigma = Float64Array.from({ length: ns }, () => rng.uniform(0, 3));
    const delta = Float64Array.from({ length: ns }, () => rng.uniform(0.05, 0.5));
    const gw = randn(rng, ns);
    const gOp = randn(rng, 4);
    const w = new Float64Array(ns);
    const op = new Float64Array(4);
    const loss = () => {
      renderWeightsRef(sigma, delta, rayStart, 4, w, op);
      return dot(w, gw) + dot(op, gOp);
    };
    const dSigma = new Float64Array(ns);
    renderWeightsBackwardRef(sigma, delta, rayStart, 4, gw, gOp, dSigma);
    checkGrad('sigma', sigma, dSigma, loss);
    loss();
    // weights of a ray sum to its opacity
    assert.ok(Math.abs(w[0]! + w[1]! + w[2]! + w[3]! + w[4]! - op[0]!) < 1e-12);
    assert.equal(op[1], 0);
  });

  it('composite values backward to weights and values', () => {
    const rng = new Rng('fd-composite');
    const rayStart = Int32Array.from([0, 3, 3, 7]);
    const ns = 7;
    const channels = 3;
    const weights = randn(rng, ns);
    const values = randn(rng, ns * channels);
    const g = randn(rng, 3 * channels);
    const out = new Float64Array(3 * channels);
    const loss = () => {
      compositeValuesRef(weights, values, channels, rayStart, 3, out);
      return dot(out, g);
    };
    const dw = new Float64Array(ns);
    const dv = new Float64Array(ns * channels);
    compositeValuesBackwardRef(weights, values, channels, rayStart, 3, g, dw, dv);
    checkGrad('weights', weights, dw, loss);
    checkGrad('values', values, dv, loss);
  });

  for (const masked of [false, true]) {
    it(`log-sum-exp rows backward (masked=${masked})`, () => {
      const rng = new Rng(`fd-lse-${masked}`);
      const [rows, cols] = [5, 6];
      const x = randn(rng, rows * cols, 2);
      const mask = masked
        ? {
            rowLabels: Int32Array.from([0, 1, 2, 1, 9]),
            colLabels: Int32Array.from([1, 0, 1, 2, 2, 0]),
            excludeDiagonal: true,
          }
        : {};
      const g = randn(rng, rows);
      const lse = new Float64Array(rows);
      const finite = (a: Float64Array) => a.map((v) => (Number.isFinite(v) ? v : 0));
      const loss = () => {
        logSumExpRowsRef(x, rows, cols, lse, mask);
        return dot(finite(lse), g);
      };
      loss();
      if (masked) assert.equal(lse[4], Number.NEGATIVE_INFINITY); // label 9 matches no column
      const dx = new Float64Array(rows * cols);
      logSumExpRowsBackwardRef(x, rows, cols, lse, g, dx, mask);
      checkGrad('x', x, dx, loss);
    });
  }

  it('softplus backward', () => {
    const rng = new Rng('softplus');
    const n = 40;
    const x = Float64Array.from({ length: n }, () => rng.uniform(-25, 25));
    const w = randn(rng, n);
    const pre = new Float64Array(n);
    const out = new Float64Array(n);
    const loss = () => {
      softplusRef(x, n, -3, pre, out);
      return dot(out, w);
    };
    loss();
    const grad = new Float64Array(n);
    softplusBackwardRef(pre, w, n, grad);
    // Past the linear threshold (20) the slope is 1 to within 2e-9, so the switch there does not show.
    checkGrad('softplus', x, grad, loss);
  });

  it('softmax rows backward', () => {
    const rng = new Rng('fd-softmax');
    const [rows, cols] = [3, 7];
    const x = randn(rng, rows * cols, 2);
    const g = randn(rng, rows * cols);
    const y = new Float64Array(rows * cols);
    const loss = () => {
      softmaxRowsRef(x, rows, cols, y);
      return dot(y, g);
    };
    loss();
    const dx = new Float64Array(rows * cols);
    softmaxRowsBackwardRef(y, g, rows, cols, dx);
    checkGrad('x', x, dx, loss);
  });
});

describe('linear layer backward of each backend against finite differences of a float64 forward', () => {
  for (const kind of ['ts', 'wasm'] as const) {
    it(`${kind}: dW, db and dx of relu(x·W + b)`, () => {
      const be = createBackend({ kind, threads: 2 });
      try {
        const rng = new Rng(`fd-linear-${kind}`);
        const [batch, inDim, outDim] = [9, 5, 6];
        const x64 = randn(rng, batch * inDim);
        const w64 = randn(rng, inDim * outDim, 0.5);
        const b64 = randn(rng, outDim, 0.5);
        const g64 = randn(rng, batch * outDim);
        const y64 = new Float64Array(batch * outDim);
        const loss = () => {
          gemmRef(x64, w64, y64, batch, outDim, inDim, false, false, b64, false, true);
          return dot(y64, g64);
        };
        const toBe = (a: Float64Array) => {
          const t = be.alloc(a.length);
          t.set(a);
          return t;
        };
        const [x, w, b, dy] = [x64, w64, b64, g64].map(toBe) as [
          Float32Array,
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        const y = be.alloc(batch * outDim);
        be.linearForward({ x, w, b, y, batch, inDim, outDim, relu: true });
        const dx = be.alloc(batch * inDim);
        const dw = be.alloc(inDim * outDim);
        const db = be.alloc(outDim);
        be.linearBackward({ x, w, y, dy, dx, dw, db, batch, inDim, outDim, relu: true });
        checkGrad('W', w64, dw, loss, 1e-4);
        checkGrad('b', b64, db, loss, 1e-4);
        checkGrad('x', x64, dx, loss, 1e-4);
      } finally {
        be.dispose();
      }
    });
  }
});

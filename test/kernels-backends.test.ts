// The WASM backend against the TypeScript reference on odd sizes (1, primes, empty), for plain and relaxed
// SIMD, and bit-identical results for 1, 2 and 3 threads.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { type Backend, createBackend, type F32, type I32, nativeAvailable } from '../src/kernels/index.ts';
import { openWebGpu } from './helpers/webgpu.ts';

type Buf = F32 | I32;
/** Runs one kernel call on a backend and returns copies of its outputs. */
type Case = (be: Backend, put: <T extends Buf>(a: T) => T) => Buf[];

const ts = createBackend({ kind: 'ts' });
/**
 * Every fast backend under test, by name: one line each (a new backend is tested by adding its line). Each is
 * made for 1, 2 and 3 threads (or `instances` times), and the instances must agree bit for bit unless
 * `nondeterministic` (the WebGPU scatters add with atomics in no fixed order: then each is held to the tolerance).
 */
const variants: {
  name: string;
  make: (threads: number) => Backend;
  instances?: number;
  nondeterministic?: boolean;
  /** Largest GEMM (m·n·k) run on this backend (a software GPU adapter is slow). */
  maxGemmMacs?: number;
}[] = [
  { name: 'wasm simd', make: (threads) => createBackend({ kind: 'wasm', threads, relaxedSimd: false }) },
];
try {
  createBackend({ kind: 'wasm', threads: 1, relaxedSimd: true }).dispose();
  variants.push({
    name: 'wasm relaxed-simd',
    make: (threads) => createBackend({ kind: 'wasm', threads, relaxedSimd: true }),
  });
} catch {
  // runtime without relaxed SIMD: only the plain build is tested
}
if (nativeAvailable())
  variants.push({ name: 'native', make: (threads) => createBackend({ kind: 'native', threads }) });
else if (process.env.CI) throw new Error('CI: the native kernels were not built (npm run build:native)');
const webgpu = openWebGpu();
if ('backend' in webgpu) {
  const device = webgpu.backend;
  // One device twice (threads mean nothing there): the second run gets every other input as a plain array
  // (staging); its results are held to the tolerance, not compared bit for bit (atomic scatters).
  variants.push({
    name: 'webgpu',
    make: () => device,
    instances: 2,
    nondeterministic: true,
    maxGemmMacs: 1e6,
  });
} else console.log(`# webgpu kernels not tested: ${webgpu.skip}`);
const backends = new Map<string, Backend[]>();
const nondeterministic = new Set(variants.filter((v) => v.nondeterministic).map((v) => v.name));
const maxGemmMacs = new Map(variants.map((v) => [v.name, v.maxGemmMacs ?? Number.POSITIVE_INFINITY]));
for (const v of variants) backends.set(v.name, [1, 2, 3].slice(0, v.instances ?? 3).map(v.make));
after(() => {
  for (const list of backends.values()) for (const be of list) be.dispose();
});

function randn(rng: Rng, n: number, scale = 1): F32 {
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

function uniform(rng: Rng, n: number, lo: number, hi: number): F32 {
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** Puts inputs into backend memory (or leaves every other one outside it, to exercise staging). */
function placer(be: Backend, foreign: boolean) {
  return <T extends Buf>(a: T): T => {
    if (foreign) return a.slice() as T;
    const t = (a instanceof Int32Array ? be.allocInt32(a.length) : be.alloc(a.length)) as T;
    t.set(a);
    return t;
  };
}

function assertClose(name: string, actual: Buf, expected: Buf, rtol: number, atol: number): void {
  assert.equal(actual.length, expected.length, `${name}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a === e) continue;
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${name}[${i}]: ${a} vs reference ${e}`);
  }
}

function assertIdentical(name: string, a: Buf, b: Buf): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Object.is(a[i], b[i]), `${name}[${i}]: ${a[i]} differs from ${b[i]} across thread counts`);
  }
}

/** Tolerance and size options of check(). */
interface CheckOptions {
  /** Absolute tolerance on backends that add in no fixed order (atomic scatters), instead of atol. */
  unorderedAtol?: number;
  /** GEMM size m·n·k: backends with a smaller maxGemmMacs skip the case. */
  macs?: number;
}

/** Runs a case on the reference and on every fast backend; compares within tolerance and across threads. */
function check(name: string, run: Case, rtol = 2e-5, atol = 2e-6, opts: CheckOptions = {}): void {
  const expected = run(ts, placer(ts, false));
  for (const [variant, list] of backends) {
    if ((opts.macs ?? 0) > maxGemmMacs.get(variant)!) continue;
    const tol = nondeterministic.has(variant) ? (opts.unorderedAtol ?? atol) : atol;
    const results = list.map((be, i) => run(be, placer(be, i === 1)).map((o) => o.slice()));
    results[0]!.forEach((out, k) => {
      assertClose(`${name} ${variant} output ${k}`, out, expected[k]!, rtol, tol);
      for (let t = 1; t < results.length; t++) {
        if (nondeterministic.has(variant))
          assertClose(`${name} ${variant} #${t} output ${k}`, results[t]![k]!, expected[k]!, rtol, tol);
        else assertIdentical(`${name} ${variant} output ${k}`, results[t]![k]!, out);
      }
    });
  }
}

describe('wasm kernels match the TypeScript reference', () => {
  const gemmShapes: [number, number, number][] = [
    [1, 1, 1],
    [0, 5, 3],
    [5, 0, 3],
    [3, 5, 0],
    [7, 13, 5],
    [33, 17, 31],
    [64, 40, 300],
    [262, 9, 1],
    [5, 70, 520],
    [521, 23, 50],
    [300, 65, 600],
    // Two or three outputs or inputs (the last layer of a label MLP and its backward): the small-shape path.
    [300, 3, 600],
    [70, 2, 1300],
    [513, 130, 3],
    [21, 4, 4],
  ];
  for (const [m, n, k] of gemmShapes) {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`gemm ${m}x${n}x${k} transA=${transA} transB=${transB}`, () => {
        const rng = new Rng(`gemm-${m}-${n}-${k}-${transA}-${transB}`);
        const a = randn(rng, m * k);
        const b = randn(rng, k * n);
        const bias = randn(rng, n);
        const c0 = randn(rng, m * n);
        const tol = 2e-6 * Math.sqrt(k + 1);
        check(
          'gemm plain',
          (be, put) => {
            const c = put(new Float32Array(m * n));
            be.gemm({ a: put(a), b: put(b), c, m, n, k, transA, transB });
            return [c];
          },
          1e-5,
          tol,
          { macs: m * n * k },
        );
        check(
          'gemm bias+accumulate+relu',
          (be, put) => {
            const c = put(c0);
            be.gemm({
              a: put(a),
              b: put(b),
              c,
              m,
              n,
              k,
              transA,
              transB,
              bias: put(bias),
              accumulate: true,
              relu: true,
            });
            return [c];
          },
          1e-5,
          tol,
          { macs: m * n * k },
        );
        const mask = Float32Array.from(randn(rng, m * n), (v, i) => (i % 7 === 0 ? 0 : v));
        check(
          'gemm mask',
          (be, put) => {
            const c = put(new Float32Array(m * n));
            be.gemm({ a: put(a), b: put(b), c, m, n, k, transA, transB, mask: put(mask) });
            for (let i = 0; i < m * n; i++) assert.ok(mask[i]! > 0 || c[i] === 0, `masked C[${i}] = ${c[i]}`);
            return [c];
          },
          1e-5,
          tol,
          { macs: m * n * k },
        );
      });
    }
  }

  for (const [rows, cols] of [
    [1, 1],
    [0, 3],
    [13, 5],
    [520, 131],
  ] as const) {
    it(`colSum ${rows}x${cols}`, () => {
      const rng = new Rng(`colsum-${rows}-${cols}`);
      const x = randn(rng, rows * cols);
      const out0 = randn(rng, cols);
      check(
        'colSum',
        (be, put) => {
          const out = put(out0);
          be.colSum(put(x), rows, cols, out, true);
          return [out];
        },
        1e-5,
        1e-5 * Math.sqrt(rows + 1),
      );
    });
  }

  for (const n of [0, 1, 5, 17, 70001]) {
    it(`relu, reluBackward, adam and ema on ${n} elements`, () => {
      const rng = new Rng(`elementwise-${n}`);
      const x = randn(rng, n);
      const dy = randn(rng, n);
      check('relu', (be, put) => {
        const y = put(new Float32Array(n));
        be.relu(put(x), y, n);
        const dx = put(new Float32Array(n));
        be.reluBackward(y, put(dy), dx, n);
        return [y, dx];
      });
      const p = randn(rng, n);
      const m = randn(rng, n, 0.1);
      const v = uniform(rng, n, 0, 0.1);
      check('adam', (be, put) => {
        const [param, mm, vv] = [put(p), put(m), put(v)];
        be.adam({ param, grad: put(dy), m: mm, v: vv, step: 3, lr: 0.01, beta2: 0.99, weightDecay: 1e-3 });
        return [param, mm, vv];
      });
      check('ema', (be, put) => {
        const target = put(p);
        be.ema({ target, source: put(x), momentum: 0.9 });
        return [target];
      });
    });
  }

  for (const [n, comps] of [
    [0, 2],
    [1, 1],
    [5, 3],
    [5000, 5],
  ] as const) {
    for (const sum of [false, true]) {
      it(`TensoRF VM gather / scatter: ${n} points, ${comps} components, sum=${sum}`, () => {
        const rng = new Rng(`vm-${n}-${comps}-${sum}`);
        const res = [5, 4, 7] as const;
        const [rx, ry, rz] = res;
        const planes = [ry * rx, rz * rx, rz * ry].map((s) => randn(rng, comps * s));
        const lines = [rz, ry, rx].map((s) => randn(rng, comps * s));
        const coords = uniform(rng, n * 3, -1.1, 1.1);
        const width = sum ? 1 : 3 * comps;
        const g = randn(rng, n * width);
        check(
          'vm',
          (be, put) => {
            const P = planes.map(put) as [F32, F32, F32];
            const L = lines.map(put) as [F32, F32, F32];
            const c = put(coords);
            const out = put(new Float32Array(n * width));
            be.vmGather({ planes: P, lines: L, res, comps, coords: c, n, sum, out });
            const gp = planes.map((p) => put(new Float32Array(p.length))) as [F32, F32, F32];
            const gl = lines.map((l) => put(new Float32Array(l.length))) as [F32, F32, F32];
            be.vmScatter({
              planes: P,
              lines: L,
              res,
              comps,
              coords: c,
              n,
              sum,
              gradOut: put(g),
              gradPlanes: gp,
              gradLines: gl,
            });
            return [out, ...gp, ...gl];
          },
          1e-4,
          1e-5,
          // scatter: float32 sums over ~10^3 points per texel against float64; in any order on WebGPU
          { unorderedAtol: 1e-4 },
        );
      });
    }
  }

  for (const [n, channels] of [
    [0, 2],
    [1, 1],
    [7, 3],
    [5000, 6],
    [5000, 4],
  ] as const) {
    it(`trilinear grid gather / scatter: ${n} points, ${channels} channels`, () => {
      const rng = new Rng(`grid-${n}-${channels}`);
      const res = [5, 4, 7] as const;
      const grid = randn(rng, res[0] * res[1] * res[2] * channels);
      const coords = uniform(rng, n * 3, -1.1, 1.1);
      const g = randn(rng, n * channels);
      check(
        'grid',
        (be, put) => {
          const out = put(new Float32Array(n * channels));
          const c = put(coords);
          be.gridGather({ grid: put(grid), res, channels, coords: c, n, out });
          const gradGrid = put(new Float32Array(grid.length));
          be.gridScatter({ gradGrid, res, channels, coords: c, n, gradOut: put(g) });
          return [out, gradGrid];
        },
        2e-5,
        2e-6,
        { unorderedAtol: 2e-5 },
      ); // ~300 points per voxel, added in any order on WebGPU
    });
  }

  for (const numRays of [0, 1, 7, 700]) {
    it(`compositing along ${numRays} ragged rays`, () => {
      const rng = new Rng(`rays-${numRays}`);
      const rayStart = new Int32Array(numRays + 1);
      rayStart[0] = 2;
      for (let r = 0; r < numRays; r++) rayStart[r + 1] = rayStart[r]! + (r % 5 === 3 ? 0 : rng.int(60));
      const ns = rayStart[numRays]!;
      const channels = 3;
      const sigma = uniform(rng, ns, 0, 4);
      const delta = uniform(rng, ns, 0.01, 0.3);
      const values = randn(rng, ns * channels);
      const gOut = randn(rng, numRays * channels);
      const gW = randn(rng, ns);
      const gOp = randn(rng, numRays);
      check('composite', (be, put) => {
        const rs = put(rayStart);
        const weights = put(new Float32Array(ns));
        const opacity = put(new Float32Array(numRays));
        be.renderWeights({ sigma: put(sigma), delta: put(delta), rayStart: rs, numRays, weights, opacity });
        const out = put(new Float32Array(numRays * channels));
        be.compositeValues({ weights, values: put(values), channels, rayStart: rs, numRays, out });
        const gradWeights = put(gW);
        const gradValues = put(new Float32Array(ns * channels));
        be.compositeValuesBackward({
          weights,
          values: put(values),
          channels,
          rayStart: rs,
          numRays,
          gradOut: put(gOut),
          gradWeights,
          gradValues,
          accumulate: true,
        });
        const gradSigma = put(new Float32Array(ns));
        be.renderWeightsBackward({
          sigma: put(sigma),
          delta: put(delta),
          rayStart: rs,
          numRays,
          gradWeights,
          gradOpacity: put(gOp),
          gradSigma,
        });
        return [weights, opacity, out, gradWeights, gradValues, gradSigma];
      });
    });
  }

  for (const [rows, cols] of [
    [1, 1],
    [0, 5],
    [7, 13],
    [70, 1030],
  ] as const) {
    it(`log-sum-exp and softmax rows ${rows}x${cols}`, () => {
      const rng = new Rng(`rows-${rows}-${cols}`);
      const x = randn(rng, rows * cols, 3);
      const rowLabels = Int32Array.from({ length: rows }, () => rng.int(4));
      const colLabels = Int32Array.from({ length: cols }, () => rng.int(4));
      const g = randn(rng, rows);
      const gy = randn(rng, rows * cols);
      check('lse', (be, put) => {
        const [X, rl, cl] = [put(x), put(rowLabels), put(colLabels)];
        const all = put(new Float32Array(rows));
        const pos = put(new Float32Array(rows));
        be.logSumExpRows({ x: X, rows, cols, out: all });
        be.logSumExpRows({ x: X, rows, cols, out: pos, rowLabels: rl, colLabels: cl, excludeDiagonal: true });
        const gradX = put(new Float32Array(rows * cols));
        be.logSumExpRowsBackward({ x: X, rows, cols, lse: all, gradOut: put(g), gradX });
        be.logSumExpRowsBackward({
          x: X,
          rows,
          cols,
          lse: pos,
          gradOut: put(g.map((v) => -v)),
          gradX,
          rowLabels: rl,
          colLabels: cl,
          excludeDiagonal: true,
          accumulate: true,
        });
        return [all, pos, gradX];
      });
      check('softmax', (be, put) => {
        const y = put(new Float32Array(rows * cols));
        be.softmaxRows({ x: put(x), rows, cols, y });
        const gradX = put(new Float32Array(rows * cols));
        be.softmaxRowsBackward({ y, gradY: put(gy), rows, cols, gradX });
        return [y, gradX];
      });
    });
  }
});

describe('slow-fast loss kernel matches the reference', () => {
  for (const [n1, n2, d, k] of [
    [1, 1, 1, 1],
    [37, 41, 3, 4],
    [300, 257, 5, 25],
  ] as const) {
    it(`slowFast ${n1}x${n2} d=${d} labels=${k}`, () => {
      const rng = new Rng(`sf-${n1}-${n2}-${d}`);
      const fast = randn(rng, n1 * d, 0.5);
      const slow = randn(rng, n2 * d, 0.5);
      const fl = Int32Array.from({ length: n1 }, () => rng.int(k + 1));
      const sl = Int32Array.from({ length: n2 }, () => rng.int(k));
      check('slowFast', (be, put) => {
        const grad = put(new Float32Array(n1 * d));
        const loss = be.slowFast({
          fast: put(fast),
          slow: put(slow),
          n1,
          n2,
          d,
          fastLabels: put(fl),
          slowLabels: put(sl),
          temperature: 0.7,
          logitScale: 10,
          grad,
        });
        return [Float32Array.of(loss), grad];
      });
    });
  }
});

describe('total-variation kernel matches the reference', () => {
  for (const [rows, cols, comps] of [
    [1, 1, 1],
    [1, 7, 3],
    [9, 1, 2],
    [37, 29, 16],
  ] as const) {
    it(`tvPlane ${rows}x${cols}x${comps}`, () => {
      const rng = new Rng(`tv-${rows}-${cols}-${comps}`);
      const data = randn(rng, rows * cols * comps);
      const grad0 = randn(rng, rows * cols * comps);
      check('tvPlane', (be, put) => {
        const grad = put(grad0);
        const loss = be.tvPlane({ data: put(data), grad, rows, cols, comps, weight: 0.3 });
        return [Float32Array.of(loss), grad];
      });
    });
  }
});

describe('SH colour kernels match the reference', () => {
  for (const n of [1, 5, 4099]) {
    it(`shColor and shColorBackward on ${n} points`, () => {
      const rng = new Rng(`sh-${n}`);
      const coefs = randn(rng, n * 27);
      const dirs = new Float32Array(n * 3);
      for (let i = 0; i < n; i++) {
        const v = [rng.normal(), rng.normal(), rng.normal()];
        const len = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
        for (let k = 0; k < 3; k++) dirs[i * 3 + k] = v[k]! / len;
      }
      const gradRgb = randn(rng, n * 3);
      check('shColor', (be, put) => {
        const rgb = put(new Float32Array(n * 3));
        be.shColor({ coefs: put(coefs), dirs: put(dirs), n, rgb });
        const gradCoefs = put(new Float32Array(n * 27));
        be.shColorBackward({ dirs: put(dirs), rgb, gradRgb: put(gradRgb), n, gradCoefs });
        return [rgb, gradCoefs];
      });
    });
  }
});

describe('frequency encoding kernel matches the reference', () => {
  for (const [n, dim, freqs] of [
    [1, 3, 0],
    [7, 3, 8],
    [5000, 3, 6],
  ] as const) {
    it(`frequencyEncode ${n}x${dim}, ${freqs} octaves`, () => {
      const x = uniform(new Rng(`enc-${n}`), n * dim, -1.2, 1.2);
      check('frequencyEncode', (be, put) => {
        const out = put(new Float32Array(n * dim * (1 + 2 * freqs)));
        be.frequencyEncode({ x: put(x), n, dim, frequencies: freqs, out });
        return [out];
      });
    });
  }
});

describe('vanilla contrastive loss matches the reference', () => {
  for (const [n, d] of [
    [0, 3],
    [1, 3],
    [9, 2],
    [300, 3],
  ] as const) {
    it(`vanillaContrastive ${n}×${d}`, () => {
      const rng = new Rng(`vanilla-${n}`);
      const emb = randn(rng, n * d, 0.7);
      // Label 99 appears once: an anchor without positives adds nothing, but still appears in others' sums.
      const labels = Int32Array.from({ length: n }, (_, i) => (i === 0 ? 99 : rng.int(4)));
      let loss = Number.NaN;
      check(
        'vanillaContrastive',
        (be, put) => {
          const grad = put(new Float32Array(n * d));
          const l = be.vanillaContrastive({
            emb: put(emb),
            labels,
            n,
            d,
            gammaPositive: 0.01,
            gammaNegative: 1,
            grad,
          });
          if (be === ts) loss = l;
          else assert.ok(Math.abs(l - loss) < 1e-5 * (1 + Math.abs(loss)), `loss ${l} vs ${loss}`);
          return [grad];
        },
        1e-4,
        1e-6,
      );
    });
  }
});

describe('density softplus matches the reference', () => {
  for (const n of [0, 1, 33, 70001]) {
    it(`softplus and its backward on ${n} values`, () => {
      const rng = new Rng(`softplus-${n}`);
      // Pre-activations around the shift of −10, past the linear threshold and deep into the flat tail.
      const x = Float32Array.from({ length: n }, () => rng.uniform(-40, 40));
      const g = randn(rng, n);
      check('softplus', (be, put) => {
        const pre = put(new Float32Array(n));
        const out = put(new Float32Array(n));
        be.softplus({ x: put(x), n, shift: -10, pre, out });
        const gradX = put(new Float32Array(n));
        be.softplusBackward({ pre, gradOut: put(g), n, gradX });
        return [pre, out, gradX];
      });
    });
  }
});

describe('ray marching kernel matches the reference', () => {
  for (const [numRays, withOcc] of [
    [1, false],
    [300, false],
    [700, true],
  ] as const) {
    it(`marchRays ${numRays} rays${withOcc ? ' with occupancy' : ''}`, () => {
      const rng = new Rng(`march-${numRays}`);
      const origins = uniform(rng, numRays * 3, -2, 2);
      const dirs = new Float32Array(numRays * 3);
      for (let r = 0; r < numRays; r++) {
        const v = [rng.normal(), rng.normal(), rng.normal()];
        const len = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
        for (let k = 0; k < 3; k++) dirs[r * 3 + k] = v[k]! / len;
      }
      const jitter = uniform(rng, numRays, 0, 1);
      const res = 9;
      const bits = Uint8Array.from({ length: res ** 3 }, () => (rng.next() < 0.4 ? 1 : 0));
      const occupancy = withOcc ? { bits, res, min: [-1, -1.2, -0.8], max: [1.1, 1, 0.9] } : null;
      check('marchRays', (be, put) => {
        const a = {
          origins: put(origins),
          dirs: put(dirs),
          numRays,
          boxMin: [-1, -1, -1],
          boxMax: [1, 1.2, 1],
          step: 0.05,
          jitter: put(jitter),
          occupancy,
          rayStart: put(new Int32Array(numRays + 1)),
        };
        be.marchRays(a);
        const m = a.rayStart[numRays]!;
        const xyz = put(new Float32Array(m * 3));
        const t = put(new Float32Array(m));
        be.marchRays({ ...a, xyz, t });
        return [a.rayStart, xyz, t];
      });
    });
  }
});

describe('wasm backend memory and errors', () => {
  it('grows the shared memory while earlier views stay valid, and reports exhaustion', () => {
    const be = createBackend({ kind: 'wasm', threads: 2, maxMemoryMiB: 64 });
    try {
      const small = be.alloc(5);
      small.set([1, 2, 3, 4, 5]);
      const big = be.alloc(6_000_000);
      assert.ok(big.byteOffset > small.byteOffset);
      big[5_999_999] = 7;
      be.ema({ target: small, source: big.subarray(0, 5), momentum: 0.5 });
      assert.deepEqual([...small], [0.5, 1, 1.5, 2, 2.5]);
      assert.throws(() => be.alloc(20_000_000), RangeError);
    } finally {
      be.dispose();
    }
  });

  it('reuses freed blocks, zero-filled', () => {
    const be = createBackend({ kind: 'wasm', threads: 1 });
    try {
      const a = be.alloc(100);
      a.fill(3);
      const offset = a.byteOffset;
      be.free(a);
      const b = be.alloc(100);
      assert.equal(b.byteOffset, offset);
      assert.ok(b.every((v) => v === 0));
    } finally {
      be.dispose();
    }
  });

  it('rejects wrong shapes in both backends and refuses calls after dispose', () => {
    const be = createBackend({ kind: 'wasm', threads: 2 });
    for (const b of [ts, be]) {
      assert.throws(
        () =>
          b.gemm({
            a: new Float32Array(6),
            b: new Float32Array(6),
            c: new Float32Array(3),
            m: 2,
            n: 2,
            k: 3,
          }),
        RangeError,
      );
      assert.throws(() => b.relu(new Float32Array(2), new Float32Array(2), 3), RangeError);
    }
    be.dispose();
    assert.throws(() => be.relu(new Float32Array(2), new Float32Array(2), 2), /disposed/);
  });
});

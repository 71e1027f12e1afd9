// Kernel benchmark (`npm run bench:kernels`): GEMM in three forms, an MLP training step, trilinear
// gather+scatter and the contrastive softmax, for the TS reference, WASM on one thread and WASM on all threads
// (plain and relaxed SIMD), native on one and all threads, and native OpenBLAS sgemm (numpy) on one thread on the
// GEMM shape when python3 with numpy is there. Prints a markdown table and writes it to bench/results/kernels.md.
// Options: --threads N (default: all cores), --note "text" (added to the results file), --no-write.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.ts';
import { type Backend, createBackend, type F32, nativeAvailable, TsBackend } from '../src/kernels/index.ts';
import { openBlasSgemm } from './lib/openblas.ts';

const argv = process.argv.slice(2);
const argOf = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const allThreads = Number(argOf('--threads') ?? availableParallelism());
const note = argOf('--note');

/** A timed workload: `run` does one iteration on a backend; `flops` per iteration (0 = not counted). */
interface Workload {
  name: string;
  flops: number;
  /** Work scale of the TS reference run relative to the full one (the reference is slow; timed smaller). */
  refScale: number;
  setup(be: Backend, scale: number): () => void;
}

/** Wall times (ms) of `runs` calls of fn after one warm-up call. */
function sample(fn: () => void, runs: number): number[] {
  fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function timeOnce(fn: () => void): number[] {
  const t0 = performance.now();
  fn();
  return [performance.now() - t0];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function randn(be: Backend, rng: Rng, n: number, scale = 1): F32 {
  const a = be.alloc(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

function gemmWorkload(form: 'NN' | 'NT' | 'TN'): Workload {
  const [m, n, k] = [8192, 256, 256];
  return {
    name: `GEMM ${m}x${n}x${k} ${form === 'NN' ? 'A·B' : form === 'NT' ? 'A·Bᵀ' : 'Aᵀ·B'}`,
    flops: 2 * m * n * k,
    refScale: 1 / 8,
    setup(be, scale) {
      const rng = new Rng(`bench-gemm-${form}`);
      // the reference runs with m scaled down (for TN the reduction dimension k is the batch)
      const ms = Math.round(m * scale);
      if (form === 'TN') {
        const a = randn(be, rng, ms * n);
        const b = randn(be, rng, ms * k);
        const c = be.alloc(n * k);
        return () => be.gemm({ a, b, c, m: n, n: k, k: ms, transA: true });
      }
      const a = randn(be, rng, ms * k);
      const b = randn(be, rng, k * n);
      const c = be.alloc(ms * n);
      const bias = randn(be, rng, n);
      return () =>
        be.gemm({ a, b, c, m: ms, n, k, transB: form === 'NT', bias: form === 'NN' ? bias : null });
    },
  };
}

const MLP_DIMS = [3, 256, 256, 256, 256, 16];
const MLP_BATCH = 8192;
const MLP_PARAMS = MLP_DIMS.slice(1).reduce((s, d, i) => s + d * MLP_DIMS[i]! + d, 0);

/** One forward + backward (MSE) + Adam step of the MLP 3→256→256→256→256→16. */
const mlpWorkload: Workload = {
  name: `MLP ${MLP_DIMS.join('→')} step, B=${MLP_BATCH}`,
  flops: 6 * MLP_PARAMS * MLP_BATCH,
  refScale: 1 / 16,
  setup(be, scale) {
    const batch = Math.round(MLP_BATCH * scale);
    const rng = new Rng('bench-mlp');
    const L = MLP_DIMS.length - 1;
    const params = be.alloc(MLP_PARAMS);
    const grads = be.alloc(MLP_PARAMS);
    const m = be.alloc(MLP_PARAMS);
    const v = be.alloc(MLP_PARAMS);
    const w: F32[] = [];
    const b: F32[] = [];
    const dw: F32[] = [];
    const db: F32[] = [];
    let off = 0;
    for (let l = 0; l < L; l++) {
      const [i, o] = [MLP_DIMS[l]!, MLP_DIMS[l + 1]!];
      w.push(params.subarray(off, off + i * o));
      dw.push(grads.subarray(off, off + i * o));
      off += i * o;
      b.push(params.subarray(off, off + o));
      db.push(grads.subarray(off, off + o));
      off += o;
      const s = Math.sqrt(2 / i);
      for (let j = 0; j < i * o; j++) w[l]![j] = s * rng.normal();
    }
    const acts = MLP_DIMS.map((d) => be.alloc(batch * d));
    const deltas = MLP_DIMS.map((d) => be.alloc(batch * d));
    for (let j = 0; j < acts[0]!.length; j++) acts[0]![j] = rng.uniform(-1, 1);
    const target = randn(be, rng, batch * MLP_DIMS[L]!);
    let step = 0;
    return () => {
      for (let l = 0; l < L; l++) {
        const [inDim, outDim] = [MLP_DIMS[l]!, MLP_DIMS[l + 1]!];
        be.linearForward({
          x: acts[l]!,
          w: w[l]!,
          b: b[l]!,
          y: acts[l + 1]!,
          batch,
          inDim,
          outDim,
          relu: l < L - 1,
        });
      }
      const out = acts[L]!;
      const dOut = deltas[L]!;
      const k = 2 / out.length;
      for (let j = 0; j < out.length; j++) dOut[j] = k * (out[j]! - target[j]!);
      for (let l = L - 1; l >= 0; l--) {
        const [inDim, outDim] = [MLP_DIMS[l]!, MLP_DIMS[l + 1]!];
        be.linearBackward({
          x: acts[l]!,
          w: w[l]!,
          y: acts[l + 1]!,
          dy: deltas[l + 1]!,
          dx: l > 0 ? deltas[l]! : null,
          dw: dw[l]!,
          db: db[l]!,
          batch,
          inDim,
          outDim,
          relu: l < L - 1,
        });
      }
      be.adam({ param: params, grad: grads, m, v, step: ++step, lr: 1e-4 });
    };
  },
};

const GRID_RES = [64, 64, 64] as const;
const GRID_C = 16;
const GRID_POINTS = 1_000_000;

/** Trilinear gather + scatter-add of 10^6 random points on a 64³×16 grid (gradient zeroed each time). */
const gridWorkload: Workload = {
  name: `trilinear gather+scatter 10^6 pts, ${GRID_RES.join('×')}×${GRID_C}`,
  flops: GRID_POINTS * 8 * GRID_C * 4,
  refScale: 1 / 4,
  setup(be, scale) {
    const n = Math.round(GRID_POINTS * scale);
    const rng = new Rng('bench-grid');
    const size = GRID_RES[0] * GRID_RES[1] * GRID_RES[2] * GRID_C;
    const grid = randn(be, rng, size, 0.1);
    const gradGrid = be.alloc(size);
    const coords = be.alloc(n * 3);
    for (let i = 0; i < coords.length; i++) coords[i] = rng.uniform(-1, 1);
    const out = be.alloc(n * GRID_C);
    const args = { res: GRID_RES, channels: GRID_C, coords, n };
    return () => {
      be.gridGather({ ...args, grid, out });
      gradGrid.fill(0);
      be.gridScatter({ ...args, gradGrid, gradOut: out });
    };
  },
};

const VM_RES = 128;
const VM_COMPS = 48;
const VM_POINTS = 1 << 18;

/** TensoRF VM gather + scatter for 2^18 ray samples (512 per ray), 48 components per mode, 128³ grid. */
const vmWorkload: Workload = {
  name: `TensoRF VM gather+scatter 2^18 ray samples, ${VM_COMPS} comps, ${VM_RES}³`,
  flops: 0,
  refScale: 1 / 16,
  setup(be, scale) {
    const n = Math.round(VM_POINTS * scale);
    const rng = new Rng('bench-vm');
    const res = [VM_RES, VM_RES, VM_RES] as const;
    const three = (size: number, s: number) =>
      [0, 1, 2].map(() => randn(be, rng, size, s)) as [F32, F32, F32];
    const planes = three(VM_COMPS * VM_RES * VM_RES, 0.1);
    const lines = three(VM_COMPS * VM_RES, 0.1);
    const gradPlanes = three(VM_COMPS * VM_RES * VM_RES, 0);
    const gradLines = three(VM_COMPS * VM_RES, 0);
    const coords = be.alloc(n * 3);
    for (let p = 0; p < n; p += 512) {
      const o = [rng.uniform(-1, 1), rng.uniform(-1, 1), -1];
      const d = [rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), 1];
      for (let s = 0; s < 512 && p + s < n; s++) {
        for (let a = 0; a < 3; a++) coords[(p + s) * 3 + a] = o[a]! + (d[a]! * 2 * s) / 512;
      }
    }
    const out = be.alloc(n * 3 * VM_COMPS);
    const args = { planes, lines, res, comps: VM_COMPS, coords, n };
    return () => {
      be.vmGather({ ...args, out });
      be.vmScatter({ ...args, gradOut: out, gradPlanes, gradLines });
    };
  },
};

const SM = 2048;

/** Contrastive softmax over a 2048×2048 similarity matrix: log-sum-exp over all and over positives, fwd+bwd. */
const softmaxWorkload: Workload = {
  name: `contrastive log-softmax ${SM}×${SM} fwd+bwd`,
  flops: 0,
  refScale: 1 / 4,
  setup(be, scale) {
    const rows = Math.round(SM * scale);
    const rng = new Rng('bench-softmax');
    const x = randn(be, rng, rows * SM);
    const rowLabels = be.allocInt32(rows);
    const colLabels = be.allocInt32(SM);
    for (let i = 0; i < rows; i++) rowLabels[i] = rng.int(20);
    for (let i = 0; i < SM; i++) colLabels[i] = rng.int(20);
    const all = be.alloc(rows);
    const pos = be.alloc(rows);
    const g = be.alloc(rows).fill(1 / rows);
    const gNeg = be.alloc(rows).fill(-1 / rows);
    const gradX = be.alloc(rows * SM);
    const mask = { rowLabels, colLabels };
    return () => {
      be.logSumExpRows({ x, rows, cols: SM, out: all });
      be.logSumExpRows({ x, rows, cols: SM, out: pos, ...mask });
      be.logSumExpRowsBackward({ x, rows, cols: SM, lse: all, gradOut: g, gradX });
      be.logSumExpRowsBackward({
        x,
        rows,
        cols: SM,
        lse: pos,
        gradOut: gNeg,
        gradX,
        ...mask,
        accumulate: true,
      });
    };
  },
};

const workloads = [
  gemmWorkload('NN'),
  gemmWorkload('NT'),
  gemmWorkload('TN'),
  mlpWorkload,
  gridWorkload,
  vmWorkload,
  softmaxWorkload,
];

function fmt(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

function gflops(w: Workload, ms: number): string {
  return w.flops > 0 ? fmt(w.flops / ms / 1e6) : '-';
}

const configs: { label: string; make: () => Backend }[] = [
  { label: 'simd 1T', make: () => createBackend({ kind: 'wasm', threads: 1, relaxedSimd: false }) },
  {
    label: `simd ${allThreads}T`,
    make: () => createBackend({ kind: 'wasm', threads: allThreads, relaxedSimd: false }),
  },
];
try {
  createBackend({ kind: 'wasm', threads: 1, relaxedSimd: true }).dispose();
  configs.push(
    { label: 'relaxed 1T', make: () => createBackend({ kind: 'wasm', threads: 1, relaxedSimd: true }) },
    {
      label: `relaxed ${allThreads}T`,
      make: () => createBackend({ kind: 'wasm', threads: allThreads, relaxedSimd: true }),
    },
  );
} catch (error) {
  console.error(`relaxed SIMD unavailable: ${(error as Error).message}`);
}

if (nativeAvailable()) {
  configs.push(
    { label: 'native 1T', make: () => createBackend({ kind: 'native', threads: 1 }) },
    { label: `native ${allThreads}T`, make: () => createBackend({ kind: 'native', threads: allThreads }) },
  );
} else console.error('native kernels not built: their columns are left out');

const rows: string[] = [];
const header = `| workload | TS ref ms | ${configs.map((c) => `${c.label} ms (GFLOP/s)`).join(' | ')} | 1T / ref | ${allThreads}T / 1T |`;
const rule = `|${' --- |'.repeat(4 + configs.length)}`;
console.log(header);
console.log(rule);
const ROUNDS = 3;
for (const w of workloads) {
  const ref = new TsBackend();
  const refMs = median(sample(w.setup(ref, w.refScale), 1)) / w.refScale;
  // all configurations stay alive and are timed in interleaved rounds, so load changes hit them alike
  const backends = configs.map((c) => c.make());
  const samples: number[][] = configs.map(() => []);
  try {
    const runs = backends.map((be) => w.setup(be, 1));
    for (let round = 0; round < ROUNDS; round++) {
      runs.forEach((run, i) => {
        const t0 = performance.now();
        const times = sample(run, 2);
        while (performance.now() - t0 < 400 && times.length < 10) times.push(...timeOnce(run));
        samples[i]!.push(...times);
      });
    }
  } finally {
    for (const be of backends) be.dispose();
  }
  const medians = samples.map(median);
  const cells = medians.map((ms) => `${fmt(ms)} (${gflops(w, ms)})`);
  const best1 = Math.min(...medians.filter((_, i) => i % 2 === 0));
  const bestN = Math.min(...medians.filter((_, i) => i % 2 === 1));
  const row = `| ${w.name} | ${fmt(refMs, 0)} | ${cells.join(' | ')} | ${fmt(refMs / best1)}× | ${fmt(best1 / bestN, 2)}× |`;
  rows.push(row);
  console.log(row);
}

const blas = openBlasSgemm(8192, 256, 256);
const blasLine = blas
  ? `Native OpenBLAS sgemm (numpy, one thread) on 8192×256·256×256 in the same run: ${fmt(blas.ms)} ms (${fmt(blas.gflops)} GFLOP/s).`
  : 'Native OpenBLAS: python3 with numpy not found, not measured.';
console.log(blasLine);
const date = new Date().toISOString().slice(0, 10);
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  '# Kernel benchmark',
  '',
  `Date: ${date}. Machine: ${cpu}, ${availableParallelism()} cores, Node ${process.version}.`,
  `Load average at the end of the run: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}.`,
  ...(note ? ['', `Note: ${note}`] : []),
  '',
  'Median wall time per iteration over 3 interleaved rounds of all configurations (GFLOP/s where counted).',
  '"TS ref" is the plain TypeScript reference backend, timed once on a smaller problem (1/4 to 1/16 of the rows,',
  'points or batch) and scaled to the full size. "1T / ref" is the speed-up of the best one-thread WASM build over',
  'it (of the WASM and native builds); the last column is the best one-thread time over the best all-thread time. "relaxed" is the relaxed-SIMD',
  '(fused multiply-add) build, the default where the runtime allows it. MLP FLOPs are counted as 6·params·B,',
  'trilinear FLOPs as 4·8·C per point.',
  '',
  header,
  rule,
  ...rows,
  '',
  blasLine,
  '',
];
if (!argv.includes('--no-write')) {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'kernels.md');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n'));
  console.log(`\nwritten ${file}`);
}

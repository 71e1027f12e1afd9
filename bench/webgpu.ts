/**
 * WebGPU rows of the kernel and step benchmarks: the cost of one blocking call to the device thread, kernel
 * times (GFLOP/s for GEMM) beside a CPU backend, and training-step time on a tiny generated scene. On a software
 * adapter (SwiftShader) the numbers are a correctness run, not a speed measurement, and are labelled so.
 * Writes bench/results/webgpu.md.
 * Usage: npx tsx bench/webgpu.ts [--quick] [--software] [--cpu native|wasm] [--steps N]  (--software: SwiftShader
 * when VK_ICD_FILENAMES is unset)
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { setCompute } from '../src/fields/compute.ts';
import { type Backend, createBackend, type F32, type WebGpuBackend } from '../src/kernels/index.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { train } from '../src/train/trainer.ts';
import { writeTinyScene } from '../test/helpers/tiny-scene.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && args.includes('--software') && existsSync(SWIFTSHADER_ICD))
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const gpu = createBackend({ kind: 'webgpu' }) as WebGpuBackend;
const software = /swiftshader|llvmpipe|lavapipe/i.test(gpu.adapter);
const quick = args.includes('--quick') || software;
const cpuKind = (opt('--cpu') ?? 'native') as 'native' | 'wasm';
const cpu = createBackend({ kind: cpuKind });
const steps = Number(opt('--steps') ?? (quick ? 10 : 50));
const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};

/** Median milliseconds of `run` over `reps` runs after one warm-up. */
function time(run: () => void, reps: number): number {
  run();
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}

function randn(be: Backend, rng: Rng, n: number): F32 {
  const a = be.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

say(`# WebGPU benchmark (${new Date().toISOString().slice(0, 10)})`);
say('');
say(`adapter: ${gpu.adapter}; CPU: ${cpuKind} on ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`);
if (software)
  say('**Software adapter: these are correctness runs of the WebGPU path, not GPU speed measurements.**');
say('');

// One blocking call: a round trip with no work, a small kernel whose output comes back, and the same kernel on
// resident buffers (returns once submitted), then a sync of its output.
{
  const x = gpu.alloc(1024);
  const y = gpu.alloc(1024);
  const ping = time(() => gpu.ping(), 200);
  const eager = time(() => gpu.relu(x, y, 1024), 100);
  gpu.keepResident(x);
  gpu.keepResident(y);
  const resident = time(() => gpu.relu(x, y, 1024), 100);
  const synced = time(() => {
    gpu.relu(x, y, 1024);
    gpu.syncToHost(y);
  }, 100);
  say('| call (1024 floats) | ms |');
  say('|---|---|');
  say(`| round trip to the device thread, no work | ${ping.toFixed(3)} |`);
  say(`| relu, output copied back (ordinary buffers) | ${eager.toFixed(3)} |`);
  say(`| relu on resident buffers (returns after submit) | ${resident.toFixed(3)} |`);
  say(`| relu on resident buffers + syncToHost | ${synced.toFixed(3)} |`);
  say('');
}

interface Row {
  name: string;
  flops: number;
  setup: (be: Backend) => () => void;
}

const m = quick ? 1024 : 8192;
const points = quick ? 1 << 14 : 1 << 18;
const rows: Row[] = (['NN', 'NT', 'TN'] as const).map((form) => ({
  name: `GEMM ${form === 'TN' ? `256x256x${m} Aᵀ·B` : `${m}x256x256 ${form === 'NN' ? 'A·B' : 'A·Bᵀ'}`}`,
  flops: 2 * m * 256 * 256,
  setup: (be: Backend) => {
    const rng = new Rng(`bench-webgpu-${form}`);
    const a = randn(be, rng, m * 256);
    const b = randn(be, rng, 256 * 256);
    const c = be.alloc(m * 256);
    if (form === 'TN') {
      const c2 = be.alloc(256 * 256);
      const b2 = randn(be, rng, m * 256);
      return () => be.gemm({ a, b: b2, c: c2, m: 256, n: 256, k: m, transA: true });
    }
    return () => be.gemm({ a, b, c, m, n: 256, k: 256, transB: form === 'NT' });
  },
}));
for (const scatter of [false, true]) {
  rows.push({
    name: `VM ${scatter ? 'scatter' : 'gather'} ${points} points, 48 comps, 128³`,
    flops: 0,
    setup: (be: Backend) => {
      const rng = new Rng('bench-webgpu-vm');
      const res = [128, 128, 128] as const;
      const comps = 48;
      const planes = [0, 1, 2].map(() => randn(be, rng, 128 * 128 * comps)) as [F32, F32, F32];
      const lines = [0, 1, 2].map(() => randn(be, rng, 128 * comps)) as [F32, F32, F32];
      const coords = be.alloc(points * 3);
      for (let i = 0; i < coords.length; i++) coords[i] = rng.uniform(-1, 1);
      const out = be.alloc(points * 3 * comps);
      const gp = planes.map((p) => be.alloc(p.length)) as [F32, F32, F32];
      const gl = lines.map((l) => be.alloc(l.length)) as [F32, F32, F32];
      const base = { planes, lines, res, comps, coords, n: points };
      return scatter
        ? () => be.vmScatter({ ...base, gradOut: out, gradPlanes: gp, gradLines: gl })
        : () => be.vmGather({ ...base, out });
    },
  });
}
say(`| kernel | ${cpuKind} ms (GFLOP/s) | webgpu ms (GFLOP/s) |`);
say('|---|---|---|');
for (const row of rows) {
  const cell = (be: Backend) => {
    const ms = time(row.setup(be), quick ? 3 : 10);
    return row.flops ? `${ms.toFixed(2)} (${(row.flops / ms / 1e6).toFixed(1)})` : ms.toFixed(2);
  };
  say(`| ${row.name} | ${cell(cpu)} | ${cell(gpu)} |`);
}
say('');

// Training steps on a tiny scene, every stage once (seconds per iteration over the whole short run).
{
  const sceneDir = writeTinyScene({ frames: 8, size: 32, stepDeg: 20 });
  await simulateSegmenter(sceneDir, { noise: 'none', seed: 1 });
  const config = parseTrainConfig(
    {
      iters: steps,
      seed: 3,
      trainSize: 32,
      batch: 1024,
      instanceBatch: 256,
      grid: { start: 32, end: 32, densityComponents: 8, appearanceComponents: 16, occupancy: 32 },
      stages: { semantic: 0.4, instance: 0.7, segment: 1 },
    },
    'bench',
  );
  say(`| training, tiny scene (8 views of 32², batch 1024), ${steps} iterations | s / iteration |`);
  say('|---|---|');
  for (const be of [cpu, gpu] as Backend[]) {
    setCompute(be);
    const t0 = performance.now();
    await train({ sceneDir, runDir: mkdtempSync(join(tmpdir(), 'clift-bench-webgpu-')), config });
    say(`| ${be.description} | ${((performance.now() - t0) / 1000 / steps).toFixed(3)} |`);
  }
}

const outDir = resolve(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'webgpu.md'), `${lines.join('\n')}\n`);
process.stdout.write(`wrote ${join(outDir, 'webgpu.md')}\n`);
gpu.dispose();
cpu.dispose();

/**
 * Where a training step's time goes: every backend call is timed through a wrapping backend, so each stage's step
 * time splits into time inside kernels (per kernel) and TypeScript glue around them. Same workload as
 * bench/compare.ts (bench/lib/workload.ts). Writes bench/results/step-profile.md.
 * Usage: npx tsx bench/step-profile.ts [--steps N] [--backend auto|native|wasm|ts]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { parseBackendChoice, setCompute } from '../src/fields/compute.ts';
import { type Backend, createBackend } from '../src/kernels/index.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { buildTraining, restoreTraining } from '../src/train/trainer.ts';
import { WORKLOAD_CONFIG, workload } from './lib/workload.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const steps = Number(opt('--steps') ?? 30);
const kind = parseBackendChoice(opt('--backend') ?? 'auto', '--backend');
const root = resolve(import.meta.dirname, '..');
const { scene, run } = workload();

/** Per-kernel milliseconds and call counts, collected while `active`. */
const kernelMs = new Map<string, { ms: number; calls: number }>();
let active = false;
const inner = createBackend({ kind });
/** The backend with every method call timed (nested calls, e.g. linearForward → gemm, count once). */
const timed = new Proxy(inner, {
  get(target, prop, receiver) {
    const v = Reflect.get(target, prop, receiver);
    if (typeof v !== 'function' || ['alloc', 'allocInt32', 'free', 'dispose'].includes(String(prop)))
      return v;
    return (...a: unknown[]) => {
      if (!active) return v.apply(target, a);
      active = false;
      const t0 = performance.now();
      try {
        return v.apply(target, a);
      } finally {
        const e = kernelMs.get(String(prop)) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t0;
        e.calls++;
        kernelMs.set(String(prop), e);
        active = true;
      }
    };
  },
}) as Backend;
setCompute(timed);

const config = parseTrainConfig(WORKLOAD_CONFIG, 'bench');
const { model, stages: st } = buildTraining(readScene(scene), config);
const { iteration } = restoreTraining(run, model, st);
const { geometry: g, labels: l } = st;
const rng = new Rng(config.seed).fork('bench');

/** Step time and kernel split of `steps` calls of fn after 3 untimed ones. */
function profile(fn: () => void): { stepMs: number; kernels: [string, number, number][] } {
  for (let i = 0; i < 3; i++) fn();
  kernelMs.clear();
  active = true;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) fn();
  const total = performance.now() - t0;
  active = false;
  const kernels = [...kernelMs]
    .map(([k, e]): [string, number, number] => [k, e.ms / steps, e.calls / steps])
    .sort((a, b) => b[1] - a[1]);
  return { stepMs: total / steps, kernels };
}

const stages: [string, () => void][] = [
  ['geometry', () => g.step(rng, iteration)],
  ['semantic', () => l.step(rng, false, false)],
  ['instance', () => l.step(rng, true, false)],
];
const date = new Date().toISOString().slice(0, 10);
const out = [
  '# Training step profile: time inside backend kernels vs TypeScript glue',
  '',
  `Measured ${date}, Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, backend ` +
    `${inner.description}; 25 objects, 100 views of 128², default config, geometry from a checkpoint at iteration 1000; ${steps} steps per stage after 3 untimed. ` +
    'Kernel time is wall time inside Backend calls (including their argument checks).',
  '',
  '| stage | ms / step | in kernels | glue | top kernels (ms / step, calls / step) |',
  '|---|---|---|---|---|',
];
for (const [name, fn] of stages) {
  if (name === 'semantic') l.ensureCache();
  const p = profile(fn);
  const inK = p.kernels.reduce((s, [, ms]) => s + ms, 0);
  const top = p.kernels
    .slice(0, 6)
    .map(([k, ms, c]) => `${k} ${ms.toFixed(1)} (${c.toFixed(0)})`)
    .join(', ');
  const row = `| ${name} | ${p.stepMs.toFixed(1)} | ${((100 * inK) / p.stepMs).toFixed(0)} % | ${(p.stepMs - inK).toFixed(1)} ms | ${top} |`;
  out.push(row);
  process.stdout.write(`${row}\n`);
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'step-profile.md'), `${out.join('\n')}\n`);
inner.dispose();

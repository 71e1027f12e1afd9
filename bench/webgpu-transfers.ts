/**
 * Bytes moved between host and device per training step on the WebGPU backend, with the model's parameters,
 * gradients and Adam state resident on the device and without (every view synced around every call), in one run
 * on the tiny test scene (6 views of 24², the WebGPU training test's config). Measures a geometry step and an
 * instance step with the slow-fast loss (its label step: semantic batch, instance batch, EMA of the slow field).
 * Bytes do not depend on the adapter, so SwiftShader measures them as well as a GPU would.
 * Writes bench/results/webgpu-transfers.md.
 * Usage: npx tsx bench/webgpu-transfers.ts [--steps N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readScene } from '../src/data/read-scene.ts';
import { createBackend, type WebGpuBackend } from '../src/kernels/index.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { writeTinyScene } from '../test/helpers/tiny-scene.ts';
import {
  type StepTransfers,
  stepTransfers,
  tinyWebGpuConfig,
  useSoftwareVulkan,
} from '../test/helpers/webgpu.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--steps');
const steps = at >= 0 ? Number(args[at + 1]) : 5;
useSoftwareVulkan(); // SwiftShader when VK_ICD_FILENAMES is unset: the bytes do not depend on the adapter

const sceneDir = writeTinyScene({ frames: 6, size: 24, stepDeg: 20 });
await simulateSegmenter(sceneDir, { noise: 'none', seed: 1 });
const scene = readScene(sceneDir);
const config = tinyWebGpuConfig();

/** Bytes per step on a fresh WebGPU backend, resident or synced around every call. */
function measure(resident: boolean): StepTransfers {
  const be = createBackend({ kind: 'webgpu', webgpu: { resident } }) as WebGpuBackend;
  try {
    return stepTransfers(be, scene, config, steps);
  } finally {
    be.dispose();
  }
}

const before = measure(false);
const after = measure(true);
const kb = (b: number) => (b / 1024).toFixed(1);
const lines = [
  `# WebGPU host ↔ device transfers per training step (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Tiny test scene (6 views of 24², batch 256, grid 16³, instance loss ${config.instanceLoss}); mean of ${steps} steps after one warm-up step.`,
  `Values the optimisers update: geometry ${kb(after.geometryParamBytes)} KiB, semantic + fast instance field ${kb(after.labelParamBytes)} KiB (gradients as much again, Adam's moments twice that).`,
  '',
  '| step | synced every call: up / down KiB | resident: up / down KiB (of it syncToHost) | ratio down | ratio total |',
  '|---|---|---|---|---|',
];
for (const key of ['geometry', 'instance'] as const) {
  const b = before[key];
  const a = after[key];
  const ratio = (b.up + b.down) / Math.max(1, a.up + a.down);
  const down = b.down / Math.max(1, a.down);
  const cells = [`${kb(b.up)} / ${kb(b.down)}`, `${kb(a.up)} / ${kb(a.down)} (${kb(a.synced)})`];
  lines.push(`| ${key} | ${cells.join(' | ')} | ${down.toFixed(2)}× | ${ratio.toFixed(2)}× |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
const outDir = resolve(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'webgpu-transfers.md'), `${lines.join('\n')}\n`);
process.stdout.write(`wrote ${join(outDir, 'webgpu-transfers.md')}\n`);

/**
 * Bytes moved between host and device per training step on the WebGPU backend, with the model's parameters,
 * gradients and Adam state resident on the device and without (every view synced around every call), in one run
 * on the tiny test scene (6 views of 24², the WebGPU training test's config). Measures a geometry step and an
 * instance step with the slow-fast loss (its label step: semantic batch, instance batch, EMA of the slow field).
 * Bytes do not depend on the adapter, so SwiftShader measures them as well as a GPU would.
 * Writes bench/results/webgpu-transfers.md.
 * Usage: npx tsx bench/webgpu-transfers.ts [--steps N]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { createBackend, type TransferStats, type WebGpuBackend } from '../src/kernels/index.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { modelParts } from '../src/model/model.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { buildTraining } from '../src/train/trainer.ts';
import { writeTinyScene } from '../test/helpers/tiny-scene.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--steps');
const steps = at >= 0 ? Number(args[at + 1]) : 5;
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;

const sceneDir = writeTinyScene({ frames: 6, size: 24, stepDeg: 20 });
await simulateSegmenter(sceneDir, { noise: 'none', seed: 1 });
const scene = readScene(sceneDir);
const config = parseTrainConfig(
  {
    iters: 20,
    seed: 3,
    trainSize: 24,
    batch: 256,
    instanceBatch: 128,
    instanceHidden: 32,
    semanticHidden: 16,
    grid: { start: 16, end: 16, densityComponents: 4, appearanceComponents: 8, occupancy: 16 },
    stages: { semantic: 0.5, instance: 0.9, segment: 1 },
  },
  'bench',
);

/** Mean bytes per step up and down, and the trainable values' bytes. */
interface Moved {
  geometry: { up: number; down: number };
  instance: { up: number; down: number };
  paramBytes: number;
}

/** Mean upload / download bytes of `steps` calls of `step` after one warm-up call (first uploads excluded). */
function perStep(stats: TransferStats, step: () => void): { up: number; down: number } {
  step();
  const [up0, down0] = [stats.uploadedBytes, stats.downloadedBytes];
  for (let s = 0; s < steps; s++) step();
  return { up: (stats.uploadedBytes - up0) / steps, down: (stats.downloadedBytes - down0) / steps };
}

function measure(resident: boolean): Moved {
  const be = createBackend({ kind: 'webgpu', webgpu: { resident } }) as WebGpuBackend;
  try {
    const { model, stages } = buildTraining(scene, config, undefined, be);
    const parts = modelParts(model);
    const paramBytes = [...parts.geometry, ...parts.semantic, ...parts.instance].reduce(
      (s, p) => s + p.data.byteLength,
      0,
    );
    const rng = new Rng('transfers');
    let it = 0;
    const geometry = perStep(be.stats, () => stages.geometry.step(rng, it++));
    stages.labels.ensureCache();
    const instance = perStep(be.stats, () => stages.labels.step(rng, true, false));
    return { geometry, instance, paramBytes };
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
  `Trainable values: ${kb(before.paramBytes)} KiB (their gradients as much again, Adam's moments twice that).`,
  '',
  '| step | synced every call: up / down KiB | resident: up / down KiB | ratio (total bytes) |',
  '|---|---|---|---|',
];
for (const key of ['geometry', 'instance'] as const) {
  const b = before[key];
  const a = after[key];
  const ratio = (b.up + b.down) / Math.max(1, a.up + a.down);
  lines.push(`| ${key} | ${kb(b.up)} / ${kb(b.down)} | ${kb(a.up)} / ${kb(a.down)} | ${ratio.toFixed(2)}× |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
const outDir = resolve(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'webgpu-transfers.md'), `${lines.join('\n')}\n`);
process.stdout.write(`wrote ${join(outDir, 'webgpu-transfers.md')}\n`);

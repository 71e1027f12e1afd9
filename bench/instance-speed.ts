/**
 * Paper table 6: instance-field training iterations per second of the slow-fast loss against Panoptic Lifting's
 * linear assignment with K = 25, 50, 100, 500 slots, measured in one run on synthetic cached samples (one image of
 * 128² pixels with K segments per step, 1024 pixels a batch, 3 cached samples a pixel).
 * Usage: npx tsx bench/instance-speed.ts [--steps N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import type { Frame } from '../src/data/scene.ts';
import type { ViewPixels } from '../src/data/training-views.ts';
import { compute } from '../src/fields/compute.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { buildModel } from '../src/model/model.ts';
import type { Normalization } from '../src/rays/normalize.ts';
import { LabelStage } from '../src/train/label-stage.ts';
import type { SampleCache } from '../src/train/sample-cache.ts';

const steps = Number(process.argv[process.argv.indexOf('--steps') + 1]) || 30;
const SIDE = 128;
const K_CACHE = 3;

/** One synthetic view whose pixels belong to K vertical stripes (segments), with a random sample cache. */
function syntheticView(k: number, rng: Rng): { view: ViewPixels; cache: SampleCache } {
  const n = SIDE * SIDE;
  const instance = Int32Array.from({ length: n }, (_, p) => 1 + Math.floor(((p % SIDE) / SIDE) * k));
  const frame = { index: 0, stem: 'v', filePath: 'v.png' } as Frame;
  const view: ViewPixels = {
    frame,
    intrinsics: {
      model: 'PINHOLE',
      fx: 1,
      fy: 1,
      cx: 0,
      cy: 0,
      w: SIDE,
      h: SIDE,
      k1: 0,
      k2: 0,
      p1: 0,
      p2: 0,
    },
    rgb: new Float32Array(n * 3),
    instance,
    semantic: new Uint16Array(n).fill(1),
    confidence: new Float32Array(n).fill(1),
    depth: null,
  };
  const xyz = Float32Array.from({ length: n * K_CACHE * 3 }, () => rng.uniform(-1, 1));
  const weight = Float32Array.from({ length: n * K_CACHE }, () => rng.uniform(0, 0.5));
  return { view, cache: { k: K_CACHE, views: [{ xyz, weight }] } };
}

function itersPerSecond(loss: 'slow-fast' | 'linear-assignment', k: number): number {
  const rng = new Rng(`bench-${loss}-${k}`);
  const config = parseTrainConfig({ instanceLoss: loss, slots: k, instanceBatch: 1024, batch: 1 }, 'bench');
  const { view, cache } = syntheticView(k, rng);
  const norm: Normalization = {
    center: [0, 0, 0],
    scale: 1,
    box: { min: [-1, -1, -1], max: [1, 1, 1] },
    source: 'aabb',
  };
  const model = buildModel(config, norm, 2);
  const stage = new LabelStage(model, [view], config);
  stage.cache = cache;
  for (let i = 0; i < 3; i++) stage.step(rng, true, false);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) stage.step(rng, true, false);
  return steps / ((performance.now() - t0) / 1000);
}

/**
 * The same slow-fast step in PyTorch on the CPU (the original code's framework), run by the anchor script in the
 * workspace's shared/anchors when python3 can import torch; one line per K, or a line saying why not.
 */
function torchAnchor(): string[] {
  const script = join(import.meta.dirname, '..', '..', 'shared', 'anchors', 'torch_instance_step.py');
  if (!existsSync(script))
    return ['PyTorch anchor: shared/anchors/torch_instance_step.py not found, not measured.'];
  const out: string[] = [];
  for (const k of [25, 500]) {
    const env = { ...process.env, OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? 'SkylakeX' };
    const r = spawnSync('/usr/bin/python3', [script, String(k), String(steps)], { encoding: 'utf8', env });
    if (r.status !== 0)
      return ['PyTorch anchor: python3-torch not importable (apt-get install python3-torch), not measured.'];
    out.push(`PyTorch (same machine, same run): ${r.stdout.trim()}`);
    process.stdout.write(`${out[out.length - 1]}\n`);
  }
  return out;
}

const rows: string[] = [];
const date = new Date().toISOString().slice(0, 10);
rows.push(`# Instance-field training speed: slow-fast vs linear assignment (paper table 6)`);
rows.push('');
rows.push(
  `Measured ${date}, Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, backend ${compute().description}; ` +
    `${steps} steps after 3 warm-up steps; 1024 pixels of one 128² image a step, K segments, 3 cached samples a pixel, MLP 3→256→256→256→D.`,
);
rows.push('');
rows.push(
  '| K | slow-fast it/s (D = 3) | linear-assignment it/s (D = K) | ratio slow-fast / linear-assignment |',
);
rows.push('|---|---|---|---|');
for (const k of [25, 50, 100, 500]) {
  const sf = itersPerSecond('slow-fast', k);
  const la = itersPerSecond('linear-assignment', k);
  rows.push(`| ${k} | ${sf.toFixed(1)} | ${la.toFixed(1)} | ${(sf / la).toFixed(2)} |`);
  process.stdout.write(`${rows[rows.length - 1]}\n`);
}
rows.push('', ...torchAnchor());
writeFileSync('bench/results/instance-speed.md', `${rows.join('\n')}\n`);
compute().dispose();

/**
 * Instance-stage iterations per second of the paper-table scenes, measured in one process with the scenes' steps
 * interleaved in blocks (so machine drift falls on every scene alike): each scene's shared run (geometry +
 * semantic field, from bench/paper-tables.ts) is loaded, its sample cache read (or built), and the instance
 * stage's step (semantic term + instance loss, as in training) timed. Writes bench/results/instance-rate.md.
 * Usage: npx tsx bench/instance-rate.ts --runs RUNROOT,RUNROOT,... [--loss slow-fast] [--steps 300] [--block 50]
 * (linear assignment gets K = max(25, N) slots, N read from the scene's bench-scene.json).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { basename, join } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { compute } from '../src/fields/compute.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { sampleCacheStore } from '../src/train/sample-cache-file.ts';
import { buildTraining, restoreTraining } from '../src/train/trainer.ts';
import { linearAssignmentSlots } from './lib/experiment.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const roots = opt('--runs', '').split(',').filter(Boolean);
if (roots.length === 0) {
  process.stderr.write(
    'usage: npx tsx bench/instance-rate.ts --runs RUNROOT,RUNROOT,... [--loss L] [--steps N] [--block B]\n',
  );
  process.exit(2);
}
const loss = opt('--loss', 'slow-fast');
const steps = Number(opt('--steps', '300'));
const block = Number(opt('--block', '50'));

/** One scene's instance stage, ready to step. */
function prepare(root: string) {
  const base = join(root, 'base');
  const saved = JSON.parse(readFileSync(join(base, 'bench-base.json'), 'utf8')) as {
    sceneDir: string;
    config: Record<string, unknown>;
  };
  // Linear assignment gets K = max(25, N) slots, as in the paper tables (N from the scene's benchmark marker).
  const marker = join(saved.sceneDir, 'bench-scene.json');
  const objects = existsSync(marker)
    ? (JSON.parse(readFileSync(marker, 'utf8')) as { objects: number }).objects
    : 25;
  const slots = loss === 'linear-assignment' ? { slots: linearAssignmentSlots(objects) } : {};
  const config = parseTrainConfig(
    { ...saved.config, instanceLoss: loss, ...slots },
    join(base, 'bench-base.json'),
  );
  const { model, stages } = buildTraining(readScene(saved.sceneDir), config);
  restoreTraining(base, model, stages, () => ({ semantic: true, instance: false }));
  stages.labels.store = sampleCacheStore(base, model, stages.views, { keep: false });
  const t0 = performance.now();
  stages.labels.ensureCache();
  process.stdout.write(
    `${basename(root)}: sample cache in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
  );
  const rng = new Rng(config.seed).fork('instance-rate');
  for (let i = 0; i < 5; i++) stages.labels.step(rng, true, false);
  return {
    name: basename(root),
    views: stages.views.length,
    step: () => stages.labels.step(rng, true, false),
  };
}

const scenes = roots.map(prepare);
const ms = scenes.map(() => [] as number[]);
for (let done = 0; done < steps; done += block)
  scenes.forEach((s, i) => {
    for (let j = 0; j < Math.min(block, steps - done); j++) {
      const t0 = performance.now();
      s.step();
      ms[i]!.push(performance.now() - t0);
    }
  });

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const rate = (a: number[]) => (1000 * a.length) / a.reduce((x, y) => x + y, 0);
const ref = rate(ms[0]!);
const rows = [
  '# Instance-stage iterations per second of the paper-table scenes',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'cpu'} × ${availableParallelism()}, backend ${compute().description}; ${loss} loss, ${steps} steps a scene after 5 warm-up steps, interleaved in blocks of ${block}, one process. A step is the instance stage's: the semantic term and the instance loss on the scene's cached samples.`,
  '',
  `| scene | training views | it/s | median ms a step | vs ${scenes[0]!.name} |`,
  '|---|---|---|---|---|',
  ...scenes.map(
    (s, i) =>
      `| ${s.name} | ${s.views} | ${rate(ms[i]!).toFixed(2)} | ${median(ms[i]!).toFixed(1)} | ${(rate(ms[i]!) / ref).toFixed(3)} |`,
  ),
];
process.stdout.write(`${rows.join('\n')}\n`);
writeFileSync('bench/results/instance-rate.md', `${rows.join('\n')}\n`);
compute().dispose();

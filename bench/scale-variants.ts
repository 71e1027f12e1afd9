/**
 * Variants of one full-mode Messy Rooms scene beyond the paper tables' settings: a finer density/colour grid for
 * the shared run, a longer instance stage, other instance-field seeds, and the losses to compare. Every variant
 * branches from one shared run per grid, each step in its own process and cached under --work like
 * bench/paper-tables.ts's, and its score is kept in bench/results/scale-variants/ (one JSON per variant);
 * bench/results/scale-variants.md tables every kept variant.
 * Usage: npx tsx bench/scale-variants.ts [--env old_room|large_corridor] [--objects N] [--grid CELLS]
 *   [--losses slow-fast,vanilla,...] [--seeds 0,1,...] [--steps-x K] [--views M] [--size PX] [--work DIR]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  INSTANCE_LOSSES,
  type InstanceLossName,
  parseTrainConfig,
  type TrainConfig,
} from '../src/model/config.ts';
import { stageStarts } from '../src/train/trainer.ts';
import {
  benchCommit,
  benchMachine,
  branchConfig,
  fullModeIters,
  linearAssignmentSlots,
  type RunSpec,
  type SceneSpec,
  type Score,
  sceneName,
  viewCounts,
} from './lib/experiment.ts';
import { isolated } from './lib/isolated.ts';

const HELP = `bench/scale-variants.ts: one full-mode scene, lifted with variants of the shared run and instance stage.
  --env NAME       old_room (default) or large_corridor
  --objects N      objects in the scene (default 500)
  --grid CELLS     density/colour grid's final cells along the longest side (default 128, the training default)
  --losses LIST    instance losses, comma-separated (default slow-fast; linear assignment uses K = max(25, N))
  --seeds LIST     instance-stage seeds, comma-separated (default 0; the shared run always uses seed 0)
  --steps-x K      instance stage K times the full mode's (4 steps per training view × K; default 1)
  --views M        views (default 0: the paper's count min(1200, ⌊600·√(N/25)⌋))
  --size PX        image side (default 192)
  --iters N        the shared run's and a 1× branch's iterations (default: the full mode's, 4 instance steps per view)
  --work DIR       scenes and runs (default runs/bench; scenes shared with bench/paper-tables.ts)
  --results DIR    where the records and the table go (default bench/results)`;

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(HELP);
  process.exit(0);
}
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? '') : fallback;
};
const int = (name: string, fallback: number, min: number) => {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isInteger(v) || v < min)
    throw new Error(`${name}: expected an integer ≥ ${min}, got ${arg(name, '')}`);
  return v;
};
const env = arg('--env', 'old_room') as SceneSpec['env'];
if (env !== 'old_room' && env !== 'large_corridor')
  throw new Error(`--env: expected old_room or large_corridor, got ${env}`);
const objects = int('--objects', 500, 1);
const defaults = parseTrainConfig({}, 'defaults');
const grid = int('--grid', defaults.grid.end, 8);
const stepsX = int('--steps-x', 1, 1);
const work = arg('--work', 'runs/bench');
const losses = arg('--losses', 'slow-fast').split(',') as InstanceLossName[];
for (const l of losses)
  if (!INSTANCE_LOSSES.includes(l))
    throw new Error(`--losses: unknown loss ${l} (${INSTANCE_LOSSES.join(', ')})`);
const seeds = arg('--seeds', '0').split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s)))
  throw new Error(`--seeds: expected integers, got ${arg('--seeds', '')}`);

const spec: SceneSpec = {
  objects,
  env,
  views: int('--views', 0, 0),
  size: int('--size', 192, 16),
  noise: 'medium',
  seed: 0,
};
const { views, train: trainViews } = viewCounts(spec);
const full = argv.includes('--iters') ? int('--iters', 0, 100) : fullModeIters(trainViews, 6000);
const run: RunSpec = {
  iters: full,
  trainSize: spec.size,
  seed: 0,
  ...(grid !== defaults.grid.end ? { shared: { grid: { ...defaults.grid, end: grid } } } : {}),
};
/** Where the shared run's semantic and instance stages start (the instance stage of a 1× branch runs to `full`). */
const starts = stageStarts(branchConfig(run, {}));

/** Iterations and stage fractions of a branch whose instance stage is `stepsX` times the full mode's. */
function longer(): Partial<TrainConfig> {
  if (stepsX === 1) return {};
  const { semantic, instance } = starts;
  const iters = instance + stepsX * (full - instance);
  // Half an iteration past each start, so the fraction's floor lands on the same iteration as the shared run's.
  return {
    iters,
    checkpointEvery: iters,
    stages: { semantic: (semantic + 0.5) / iters, instance: (instance + 0.5) / iters, segment: 1 },
  };
}

const t0 = performance.now();
const log = (line: string) =>
  process.stdout.write(`[${((performance.now() - t0) / 60000).toFixed(1).padStart(5)} min] ${line}\n`);
const commit = benchCommit();
const machine = benchMachine();
const results = arg('--results', 'bench/results');
const recordDir = join(results, 'scale-variants');
mkdirSync(recordDir, { recursive: true });

const scene = isolated<string>('scene', { root: join(work, 'scenes'), spec });
const sceneDir = scene.result;
const runRoot = join(work, 'variants', `${sceneName(spec)}-i${run.iters}-t${run.trainSize}-g${grid}`);
log(
  `${sceneName(spec)}: ${views} views (${trainViews} training), grid ${grid}, shared run to iteration ${starts.instance}`,
);
const base = isolated<string>('base', { sceneDir, runRoot, run });
for (const seed of seeds) {
  for (const loss of losses) {
    const name = `${loss}-seed${seed}-x${stepsX}`;
    const instance: Partial<TrainConfig> = {
      instanceLoss: loss,
      seed,
      ...(loss === 'linear-assignment' ? { slots: linearAssignmentSlots(objects) } : {}),
      ...longer(),
    };
    log(`${name}: training`);
    const branch = isolated<{ dir: string; seconds: number }>('branch', {
      sceneDir,
      runRoot,
      run,
      branch: { name, instance },
    });
    const seg = isolated<Score>('segment', {
      sceneDir,
      runDir: branch.result.dir,
      method: 'hdbscan',
      seconds: branch.result.seconds,
    });
    const s = seg.result;
    log(`${name}: PQ^scene ${s.pq.toFixed(1)}, thing PQ ${s.thingPq?.toFixed(1)}, ${s.instances} instances`);
    const record = {
      scene: sceneName(spec),
      grid,
      loss,
      seed,
      stepsX,
      instanceStepsPerView: ((stepsX * (full - starts.instance)) / trainViews).toFixed(1),
      score: s,
      peakRssMiB: Math.max(base.peakRssMiB, branch.peakRssMiB, seg.peakRssMiB),
      measured: new Date().toISOString().slice(0, 10),
      commit,
      machine,
    };
    writeFileSync(
      join(recordDir, `${sceneName(spec)}-g${grid}-${name}.json`),
      `${JSON.stringify(record, null, 1)}\n`,
    );
  }
}

/** One kept variant, as written above. */
type VariantRecord = {
  scene: string;
  grid: number;
  loss: string;
  seed: number;
  stepsX: number;
  instanceStepsPerView: string;
  score: Score;
  peakRssMiB: number;
  measured: string;
  commit: string;
  machine: string;
};
const records = readdirSync(recordDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(recordDir, f), 'utf8')) as VariantRecord);
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(1));
const table = [
  '# Full-mode scenes with other grids, instance-stage lengths and seeds',
  '',
  'Made by `npx tsx bench/scale-variants.ts`: the full mode of bench/paper-tables.ts (the paper view count at 192²,',
  'medium-noise simulated segmenter, 4 instance steps per training view) with the density/colour grid ending at',
  '`grid` cells, the instance stage `steps ×` as long, and the instance stage seeded with `seed`',
  '(the shared run always seed 0). PQ^scene on the test views, HDBSCAN with automatic cluster size.',
  '',
  '| scene | grid | loss | seed | steps × (per view) | PQ^scene | thing PQ | instances | PSNR | instance s | segment s | peak RSS GiB | measured |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...records.map(
    (r) =>
      `| ${r.scene} | ${r.grid} | ${r.loss} | ${r.seed} | ${r.stepsX} (${r.instanceStepsPerView}) | ${fmt(r.score.pq)} | ${fmt(r.score.thingPq)} | ${r.score.instances} | ${fmt(r.score.psnr)} | ${r.score.seconds.toFixed(0)} | ${(r.score.segmentSeconds ?? 0).toFixed(0)} | ${(r.peakRssMiB / 1024).toFixed(2)} | ${r.measured}, ${r.commit}, ${r.machine} |`,
  ),
  '',
].join('\n');
writeFileSync(join(results, 'scale-variants.md'), table);
log(`done: ${join(results, 'scale-variants.md')}`);

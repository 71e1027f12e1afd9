/**
 * Lifts one 1000-object scene with the full mode's protocol (the paper's 1200 views of 192², medium-noise
 * simulated segmenter, at least 4 instance steps per training view) and reports slow-fast's PQ^scene beside the
 * raw 2D segmenter, with every step's seconds and peak memory: the check that clift has no upper bound on objects.
 * Steps are cached under --work like bench/paper-tables.ts's, so an interrupted run resumes.
 * Usage: npx tsx bench/thousand-objects.ts [--work DIR] [--objects N] [--env old_room|large_corridor]
 * (results in bench/results/thousand-objects.md)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrainConfig } from '../src/model/config.ts';
import { stageStarts } from '../src/train/trainer.ts';
import {
  benchCommit,
  benchMachine,
  branchConfig,
  fullModeIters,
  type RunSpec,
  runTimings,
  type SceneSpec,
  type Score,
  sceneName,
  sceneSeconds,
  viewCounts,
} from './lib/experiment.ts';
import { isolated } from './lib/isolated.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const work = arg('--work', 'runs/bench');
const objects = Number(arg('--objects', '1000'));
const env = arg('--env', 'old_room') as SceneSpec['env'];
if (!Number.isInteger(objects) || objects < 1)
  throw new Error(`--objects: expected a positive integer, got ${arg('--objects', '')}`);
if (env !== 'old_room' && env !== 'large_corridor')
  throw new Error(`--env: expected old_room or large_corridor, got ${env}`);

const spec: SceneSpec = { objects, env, views: 0, size: 192, noise: 'medium', seed: 0 };
const { views, train: trainViews } = viewCounts(spec);
const run: RunSpec = {
  iters: fullModeIters(trainViews, 6000),
  trainSize: spec.size,
  seed: 0,
};
const t0 = performance.now();
const log = (line: string) =>
  process.stdout.write(`[${((performance.now() - t0) / 60000).toFixed(1).padStart(5)} min] ${line}\n`);
const steps: { name: string; seconds: number; peakRssMiB: number }[] = [];

log(`${sceneName(spec)}: ${views} views (${trainViews} training), ${run.iters} iterations`);
const scene = isolated<string>('scene', { root: join(work, 'scenes'), spec });
const sceneDir = scene.result;
steps.push({
  name: 'scene + simulated segmenter',
  seconds: sceneSeconds(sceneDir) ?? 0,
  peakRssMiB: scene.peakRssMiB,
});
const runRoot = join(work, 'runs', `${sceneName(spec)}-i${run.iters}-t${run.trainSize}`);
const base = isolated<string>('base', { sceneDir, runRoot, run });
const baseSeconds = runTimings(base.result);
steps.push({
  name: 'geometry + semantic',
  seconds: Object.values(baseSeconds).reduce((a, b) => a + b, 0),
  peakRssMiB: base.peakRssMiB,
});
const branch = isolated<{ dir: string; seconds: number }>('branch', {
  sceneDir,
  runRoot,
  run,
  branch: { name: 'slow-fast', instance: { instanceLoss: 'slow-fast' } },
});
steps.push({
  name: 'slow-fast instance stage',
  seconds: branch.result.seconds,
  peakRssMiB: branch.peakRssMiB,
});
const seg = isolated<Score>('segment', {
  sceneDir,
  runDir: branch.result.dir,
  method: 'hdbscan',
  seconds: branch.result.seconds,
});
steps.push({
  name: 'segment (hdbscan)',
  seconds: seg.result.segmentSeconds ?? 0,
  peakRssMiB: seg.peakRssMiB,
});
const raw = isolated<Score>('baseline', { sceneDir, track: 'none' });
steps.push({ name: '2D segmenter baseline', seconds: raw.result.seconds, peakRssMiB: raw.peakRssMiB });

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(1));
const commit = benchCommit();
const machine = benchMachine();
const peak = Math.max(...steps.map((s) => s.peakRssMiB));
const lift = steps.slice(1, 4).reduce((a, s) => a + s.seconds, 0);
const { semantic, instance } = stageStarts(branchConfig(run, {}));
const text = [
  `# ${objects} objects: one lift`,
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} at ${commit} on ${machine}. Scene ${sceneName(spec)}:`,
  `${views} views of ${spec.size}² (${trainViews} train, every 5th held out), medium-noise simulated segmenter;`,
  `${run.iters} iterations (geometry / semantic / instance ${semantic} / ${instance - semantic} / ${run.iters - instance},`,
  `${((run.iters - instance) / trainViews).toFixed(1)} instance steps per training view), embedding size ${parseTrainConfig({}, 'default').embedDim}, seed 0;`,
  'HDBSCAN with automatic cluster size; PQ^scene on the test views. Made by `npx tsx bench/thousand-objects.ts`.',
  '',
  '| method | PQ^scene | thing PQ | instances | PSNR |',
  '|---|---|---|---|---|',
  `| 2D segmenter (no tracking) | ${fmt(raw.result.pq)} | ${fmt(raw.result.thingPq)} | ${raw.result.instances} | — |`,
  `| clift (slow-fast) | ${fmt(seg.result.pq)} | ${fmt(seg.result.thingPq)} | ${seg.result.instances} | ${fmt(seg.result.psnr)} |`,
  '',
  `Whole lift (geometry + semantic + slow-fast + segmentation): ${(lift / 60).toFixed(1)} min; peak RSS ${(peak / 1024).toFixed(2)} GiB.`,
  '',
  '| step | seconds | peak RSS GiB |',
  '|---|---|---|',
  ...steps.map((s) => `| ${s.name} | ${s.seconds.toFixed(0)} | ${(s.peakRssMiB / 1024).toFixed(2)} |`),
  '',
].join('\n');
writeFileSync(join('bench/results', 'thousand-objects.md'), text);
log(
  `PQ^scene slow-fast ${fmt(seg.result.pq)} (${seg.result.instances} instances), 2D segmenter ${fmt(raw.result.pq)}`,
);
log('done: bench/results/thousand-objects.md');

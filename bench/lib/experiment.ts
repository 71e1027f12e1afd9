/**
 * Cached building blocks of the paper's experiments: generated scenes, 2D baselines, a shared geometry +
 * semantic run per scene, and instance-stage branches of it. Every step leaves a marker with its parameters, so
 * an interrupted benchmark picks up where it stopped and a changed parameter redoes only what depends on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ClusterParams } from '../../src/cluster/types.ts';
import { runBaseline, type TrackMode } from '../../src/eval/baselines/run-baseline.ts';
import { evaluatePrediction, type Metrics } from '../../src/eval/evaluate.ts';
import { segmentRun } from '../../src/infer/segment.ts';
import { parseTrainConfig, type TrainConfig } from '../../src/model/config.ts';
import { generateScene } from '../../src/synth/generate.ts';
import { defaultViewCount } from '../../src/synth/layout.ts';
import type { NoiseName } from '../../src/synth/mask-levels.ts';
import { simulateSegmenter } from '../../src/synth/segmenter2d.ts';
import { checkpointPath, stageStarts, train } from '../../src/train/trainer.ts';

/** A generated scene of the benchmark. */
export interface SceneSpec {
  objects: number;
  env: 'old_room' | 'large_corridor';
  /** Number of views; 0 = the generator's paper count min(1200, ⌊600·√(N/25)⌋). */
  views: number;
  size: number;
  noise: NoiseName;
  seed: number;
}

/** What one evaluated prediction scored, with the seconds its training (instance stage) took. */
export interface Score {
  pq: number;
  thingPq: number | null;
  miou: number | null;
  /** PSNR of the rendered test views (null when the prediction has no RGB). */
  psnr?: number | null;
  instances: number;
  seconds: number;
  /** Seconds the segmentation (or the baseline) took. */
  segmentSeconds?: number;
}

/**
 * Config keys added after runs were cached whose default is the behaviour from before they existed: a marker
 * written without one still matches a config holding its default.
 */
const NEUTRAL_DEFAULTS: Record<string, unknown> = { occupancyVisibility: false };

/** Config keys only the instance stage reads: the shared base run stops before it, so they do not make it differ. */
const INSTANCE_ONLY = [
  'instanceLoss',
  'instanceTemperature',
  'instanceLogitScale',
  'embedDim',
  'slots',
  'instanceHidden',
  'instanceBatch',
  'instanceMinPerSegment',
  'instanceGrid',
  'emaMomentum',
] as const;

/** What a step's marker keeps of a config: only the keys that step reads (a branch's loss uses slots or embedDim). */
export function markerConfig(
  config: Record<string, unknown>,
  step: 'base' | 'branch',
): Record<string, unknown> {
  const c: Record<string, unknown> = { ...config };
  if (step === 'base') {
    for (const key of INSTANCE_ONLY) delete c[key];
    for (const nested of ['lr', 'labelFrequencies']) {
      const { instance: _unused, ...rest } = (c[nested] ?? {}) as Record<string, unknown>;
      if (nested in c) c[nested] = rest;
    }
  } else delete c[c.instanceLoss === 'linear-assignment' ? 'embedDim' : 'slots'];
  return c;
}

/** Whether the marker at `path` holds `value`, comparing only the keys its step reads. */
function sameMarker(path: string, value: unknown, step?: 'base' | 'branch'): boolean {
  if (!existsSync(path)) return false;
  const text = readFileSync(path, 'utf8');
  if (text === `${JSON.stringify(value)}\n`) return true;
  const old = JSON.parse(text) as { config?: Record<string, unknown> };
  const now = value as { config?: Record<string, unknown> };
  if (!old.config || !now.config) return false;
  const config = { ...now.config };
  for (const [key, neutral] of Object.entries(NEUTRAL_DEFAULTS))
    if (!(key in old.config) && config[key] === neutral) delete config[key];
  const kept = (c: Record<string, unknown>) => (step ? markerConfig(c, step) : c);
  return (
    JSON.stringify({ ...old, config: kept(old.config) }) === JSON.stringify({ ...now, config: kept(config) })
  );
}

/** Refuses to mark a training step done when it stopped early (a signal writes a checkpoint and returns). */
function checkFinished(dir: string, reached: number, target: number): void {
  if (reached !== target)
    throw new Error(`${dir}: training stopped at iteration ${reached} of ${target}; rerun to continue`);
}

function writeMarker(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value)}\n`);
}

/** Views of a scene spec (the paper's count when 0) and how many of them train (every 5th is a test view). */
export function viewCounts(spec: SceneSpec): { views: number; train: number } {
  const views = spec.views > 0 ? spec.views : defaultViewCount(spec.objects);
  return { views, train: views - Math.floor(views / 5) };
}

/** Full mode: instance steps per training view at least (each step trains on pixels of one view). */
export const INSTANCE_DRAWS = 4;

/** Full mode's iterations: at least `min`, more where needed for INSTANCE_DRAWS instance steps per training view. */
export function fullModeIters(trainViews: number, min: number): number {
  // The instance stage runs from the default stages.instance (0.55) to the end.
  const instanceShare = 1 - 0.55;
  return Math.max(min, Math.ceil((INSTANCE_DRAWS * trainViews) / instanceShare / 100) * 100);
}

/** The machine a benchmark runs on, for its tables: Node version, core count and CPU model. */
export function benchMachine(): string {
  return `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}`;
}

/** The commit the benchmark ran at, so rows measured in different sessions say which code made them. */
export function benchCommit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown commit';
}

/** Short folder name of a scene spec. */
export function sceneName(s: SceneSpec): string {
  return `${s.env}-n${s.objects}-v${s.views}-s${s.size}-${s.noise}-seed${s.seed}`;
}

/** Generates the scene and its simulated 2D segmentation unless an identical one is already there. */
export async function ensureScene(root: string, spec: SceneSpec, log: (l: string) => void): Promise<string> {
  const dir = join(root, sceneName(spec));
  const marker = join(dir, 'bench-scene.json');
  if (sameMarker(marker, spec)) return dir;
  rmSync(dir, { recursive: true, force: true });
  log(`generating ${sceneName(spec)}`);
  const t0 = performance.now();
  const { views, ...rest } = spec;
  const res = await generateScene({ ...rest, ...(views > 0 ? { views } : {}), out: dir });
  if (!res.settled) log(`  note: physics hit its step limit after ${res.physicsSteps} steps`);
  await simulateSegmenter(dir, { noise: spec.noise, seed: spec.seed });
  writeMarker(join(dir, 'bench-scene-cost.json'), { seconds: (performance.now() - t0) / 1000 });
  writeMarker(marker, spec);
  return dir;
}

/** Seconds the scene's generation and simulated segmentation took (null for scenes cached before this was kept). */
export function sceneSeconds(sceneDir: string): number | null {
  const path = join(sceneDir, 'bench-scene-cost.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { seconds: number }).seconds : null;
}

function scoreOf(m: Metrics, instances: number, seconds: number, segmentSeconds: number): Score {
  return {
    pq: m.pq_scene ?? 0,
    thingPq: m.per_class.find((c) => c.thing)?.pq ?? null,
    miou: m.miou,
    psnr: m.psnr,
    instances,
    seconds,
    segmentSeconds,
  };
}

/** PQ^scene of one 2D baseline on the scene's test views (cached in the prediction folder). */
export async function baselineScore(sceneDir: string, track: TrackMode): Promise<Score> {
  const out = join(sceneDir, '..', `${sceneDirName(sceneDir)}-baselines`, track);
  const cache = join(out, 'bench-score.json');
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as Score;
  const t0 = performance.now();
  const summary = await runBaseline(sceneDir, { track, out });
  const elapsed = (performance.now() - t0) / 1000;
  const score = scoreOf(evaluatePrediction(sceneDir, out), summary.tracks, elapsed, elapsed);
  writeFileSync(cache, `${JSON.stringify(score)}\n`);
  return score;
}

function sceneDirName(sceneDir: string): string {
  return sceneDir.split(/[\\/]/).filter(Boolean).at(-1)!;
}

/** Linear assignment's slot count for a scene of n objects: K = max(25, N), as in the paper tables. */
export function linearAssignmentSlots(n: number): number {
  return Math.max(25, n);
}

/** Training settings shared by every run of a benchmark. */
export interface RunSpec {
  iters: number;
  trainSize: number;
  seed: number;
  /** Further settings of the shared run and every branch (e.g. a finer density grid); none in the paper tables. */
  shared?: Partial<TrainConfig>;
}

/** The config of one branch: the shared settings plus instance-loss choices. */
export function branchConfig(run: RunSpec, instance: Partial<TrainConfig>): TrainConfig {
  return parseTrainConfig(
    {
      iters: run.iters,
      trainSize: run.trainSize,
      seed: run.seed,
      checkpointEvery: run.iters,
      ...run.shared,
      ...instance,
    },
    'bench',
  );
}

/** Trains geometry and semantic field up to the instance stage once per scene and run settings. */
export async function ensureBase(sceneDir: string, runRoot: string, run: RunSpec, log: (l: string) => void) {
  const dir = join(runRoot, 'base');
  const marker = join(dir, 'bench-base.json');
  const config = branchConfig(run, {});
  const value = { sceneDir, config };
  if (sameMarker(marker, value, 'base') && existsSync(checkpointPath(dir))) return dir;
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  log(`  geometry + semantic: ${stageStarts(config).instance} iterations`);
  const stopAt = stageStarts(config).instance;
  // The base keeps its sample cache: every branch reads it instead of rendering all training pixels again.
  checkFinished(
    dir,
    (await train({ sceneDir, runDir: dir, config, stopAt, keepSamples: true })).iteration,
    stopAt,
  );
  log(`  … ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  writeMarker(marker, value);
  return dir;
}

/** One instance-stage variant: its name, config overrides and how its field is clustered. */
export interface Branch {
  name: string;
  instance: Partial<TrainConfig>;
}

/** Trains one branch from the base run (unless done) and returns its run folder and instance-stage seconds. */
export async function ensureBranch(
  sceneDir: string,
  runRoot: string,
  run: RunSpec,
  branch: Branch,
  log: (l: string) => void,
): Promise<{ dir: string; seconds: number }> {
  const base = await ensureBase(sceneDir, runRoot, run, log);
  const dir = join(runRoot, branch.name);
  const marker = join(dir, 'bench-branch.json');
  const config = branchConfig(run, branch.instance);
  const value = { sceneDir, config };
  if (sameMarker(marker, value, 'branch')) return { dir, seconds: instanceSeconds(dir) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const trained = await train({ sceneDir, runDir: dir, config, branchFrom: base });
  checkFinished(dir, trained.iteration, config.iters);
  writeMarker(marker, value);
  return { dir, seconds: instanceSeconds(dir) };
}

/** Seconds per stage and hook of a run, from its timings.json. */
export function runTimings(runDir: string): Record<string, number> {
  const t = JSON.parse(readFileSync(join(runDir, 'timings.json'), 'utf8')) as {
    seconds: Record<string, number>;
  };
  return t.seconds;
}

/** Seconds a run's instance stage took, from its timings.json. */
function instanceSeconds(runDir: string): number {
  return runTimings(runDir).instance ?? 0;
}

/** Segments a trained run's test views with one clustering method and scores them (cached by method). */
export async function segmentScore(
  sceneDir: string,
  runDir: string,
  method: ClusterParams['method'],
  seconds: number,
): Promise<Score> {
  const out = join(runDir, `pred-${method}`);
  const cache = join(out, 'bench-score.json');
  if (existsSync(cache) && statSync(cache).mtimeMs > statSync(checkpointPath(runDir)).mtimeMs)
    return JSON.parse(readFileSync(cache, 'utf8')) as Score;
  const t0 = performance.now();
  const seg = await segmentRun({ runDir, sceneDir, views: 'test', method, parameter: 'auto', out });
  const elapsed = (performance.now() - t0) / 1000;
  const score = scoreOf(evaluatePrediction(sceneDir, out), seg.instances, seconds, elapsed);
  writeFileSync(cache, `${JSON.stringify(score)}\n`);
  return score;
}

/**
 * The staged training run (appendix B.2, in iterations scaled to the run length): geometry only, then the
 * semantic field on cached samples, then the instance field, then segment consistency. Checkpoints are written
 * atomically and a run resumes from its last one with the same results as an uninterrupted run.
 */
import { appendFileSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressFn } from '../core/progress.ts';
import { Rng } from '../core/rng.ts';
import { maybeYield } from '../core/yield.ts';
import { ensureFolder, writeFileAtomic } from '../data/png.ts';
import { readScene } from '../data/read-scene.ts';
import { framesOf, type Scene } from '../data/scene.ts';
import { loadTrainingViews } from '../data/training-views.ts';
import type { Param } from '../fields/params.ts';
import { type Normalization, normalizeScene } from '../rays/normalize.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import type { TrainConfig } from './config.ts';
import { GeometryStage, upsampleSchedule } from './geometry-stage.ts';
import { LabelStage } from './label-stage.ts';
import { configDifferences, type RunSoFar, runSoFar } from './resume-check.ts';
import { buildSampleCache } from './sample-cache.ts';

/** Samples kept per pixel in the cache. */
export const CACHE_SAMPLES = 3;
const OCCUPANCY_EVERY = 100;
const OCCUPANCY_FROM = 200;
const LOG_EVERY = 10;
export const LOSS_COLUMNS = [
  'iter',
  'stage',
  'rgb',
  'psnr',
  'depth',
  'tv',
  'semantic',
  'segment',
  'instance',
  'seconds',
] as const;

/** Iteration at which each stage starts. */
export interface StageStarts {
  semantic: number;
  instance: number;
  segment: number;
}

/** Stage start iterations for a config. */
export function stageStarts(config: TrainConfig): StageStarts {
  return {
    semantic: Math.floor(config.stages.semantic * config.iters),
    instance: Math.floor(config.stages.instance * config.iters),
    segment: Math.floor(config.stages.segment * config.iters),
  };
}

/** Stage name at an iteration. */
export function stageAt(s: StageStarts, it: number): 'geometry' | 'semantic' | 'instance' | 'segment' {
  return it < s.semantic
    ? 'geometry'
    : it < s.instance
      ? 'semantic'
      : it < s.segment
        ? 'instance'
        : 'segment';
}

/** Options of a training run. */
export interface TrainOptions {
  sceneDir: string;
  runDir: string;
  config: TrainConfig;
  resume?: boolean;
  /** Stop (after writing a checkpoint) once this iteration is reached; for tests of resuming. */
  stopAt?: number;
  /**
   * Start from another run's checkpoint taken before the instance stage: every field that had started training
   * by then (geometry; the semantic field if past its stage start), its optimiser state and the random state are
   * taken from it, the others start fresh from this config (so experiments that differ only in later stages share
   * the earlier training).
   */
  branchFrom?: string;
  onProgress?: ProgressFn;
  log?: (line: string) => void;
}

/** Everything a finished (or stopped) run holds in memory. */
export interface TrainedModel {
  scene: Scene;
  norm: Normalization;
  geometry: GeometryStage;
  labels: LabelStage;
  iteration: number;
  lastLosses: Record<string, number>;
}

function allParams(g: GeometryStage, l: LabelStage): Param[] {
  return [
    ...g.field.params(),
    ...l.semantic.params(),
    ...l.instance.fast.params(),
    ...l.instance.slow.params(),
  ];
}

/** Path of a run's checkpoint. */
export function checkpointPath(runDir: string): string {
  return join(runDir, 'checkpoint.bin');
}

function writeCheckpoint(
  runDir: string,
  g: GeometryStage,
  l: LabelStage,
  it: number,
  rng: Rng,
  config: TrainConfig,
  norm: Normalization,
): void {
  const tensors = new Map<string, Float32Array>();
  for (const p of allParams(g, l)) tensors.set(p.name, p.data);
  tensors.set('occupancy', Float32Array.from(g.occupancy.bits));
  for (const [k, t] of [
    ...g.adam.stateTensors('adam.geometry'),
    ...l.semanticAdam.stateTensors('adam.semantic'),
    ...l.instanceAdam.stateTensors('adam.instance'),
  ]) {
    tensors.set(k, t);
  }
  saveCheckpoint(checkpointPath(runDir), {
    meta: {
      iteration: it,
      rng: rng.getState(),
      res: g.res,
      adamT: { geometry: g.adam.t, semantic: l.semanticAdam.t, instance: l.instanceAdam.t },
      config,
      normalization: norm,
      classes: l.classes,
      labelBox: l.labelBox,
    },
    tensors,
  });
}

function restoreParams(params: Param[], tensors: Map<string, Float32Array>, source: string): void {
  for (const p of params) {
    const t = tensors.get(p.name);
    if (!t || t.length !== p.data.length)
      throw new Error(`${source}: tensor ${p.name} missing or of the wrong size`);
    p.data.set(t);
  }
}

/** Builds the fields for a scene and config, at initial state (no training). */
export function buildModel(
  scene: Scene,
  config: TrainConfig,
  onProgress?: ProgressFn,
): {
  views: ReturnType<typeof loadTrainingViews>;
  norm: Normalization;
  geometry: GeometryStage;
  labels: LabelStage;
} {
  const trainFrames = framesOf(scene, 'train');
  if (trainFrames.length === 0) throw new Error(`${scene.transformsPath}: no frame with split "train"`);
  const views = loadTrainingViews(scene, trainFrames, config.trainSize, onProgress);
  const norm = normalizeScene(scene, trainFrames);
  return { views, norm, ...buildFields(views, norm, classCount(scene), config) };
}

/** Number of semantic outputs for a scene: one per class id up to the largest. */
export function classCount(scene: Scene): number {
  return scene.classes.reduce((m, c) => Math.max(m, c.id + 1), 0);
}

/** Fields with their optimisers at initial state (views may be empty when only rendering). */
export function buildFields(
  views: ReturnType<typeof loadTrainingViews>,
  norm: Normalization,
  classes: number,
  config: TrainConfig,
): { geometry: GeometryStage; labels: LabelStage } {
  const rng = new Rng(config.seed);
  const geometry = new GeometryStage(views, norm, config, rng.fork('geometry'));
  const labels = new LabelStage(views, classes, config, rng.fork('labels'));
  return { geometry, labels };
}

/** Loads a run's checkpoint into freshly built fields (shapes follow the saved grid resolution). */
export function restoreModel(
  runDir: string,
  model: { geometry: GeometryStage; labels: LabelStage },
  /** Which label fields to take, decided from the checkpoint's iteration (default: all). */
  parts: (iteration: number) => { semantic: boolean; instance: boolean } = () => ({
    semantic: true,
    instance: true,
  }),
): { iteration: number; rng: number[]; meta: Record<string, unknown> } {
  const path = checkpointPath(runDir);
  const ck = loadCheckpoint(path);
  if (!ck) throw new Error(`${path}: no checkpoint to resume from`);
  const { geometry: g, labels: l } = model;
  const res = ck.meta.res as number;
  if (res !== g.res) g.upsample(res);
  const take = parts(ck.meta.iteration as number);
  const skipped = new Set([
    ...(take.semantic ? [] : l.semantic.params()),
    ...(take.instance ? [] : [...l.instance.fast.params(), ...l.instance.slow.params()]),
  ]);
  restoreParams(
    allParams(g, l).filter((p) => !skipped.has(p)),
    ck.tensors,
    path,
  );
  const occ = ck.tensors.get('occupancy');
  if (occ && occ.length === g.occupancy.bits.length)
    for (let i = 0; i < occ.length; i++) g.occupancy.bits[i] = occ[i]!;
  const t = ck.meta.adamT as { geometry: number; semantic: number; instance: number };
  g.adam.loadState('adam.geometry', ck.tensors, t.geometry);
  if (take.semantic) l.semanticAdam.loadState('adam.semantic', ck.tensors, t.semantic);
  if (take.instance) l.instanceAdam.loadState('adam.instance', ck.tensors, t.instance);
  return { iteration: ck.meta.iteration as number, rng: ck.meta.rng as number[], meta: ck.meta };
}

function formatRow(values: Record<string, number | string>): string {
  return LOSS_COLUMNS.map((c) => {
    const v = values[c];
    return typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(6)) : '') : (v ?? '');
  }).join(',');
}

/** Keeps only the losses.csv rows of iterations before `it` (used when resuming). */
function truncateLossLog(path: string, it: number): void {
  if (!existsSync(path)) return;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const kept = lines.filter((l, i) => i === 0 || Number(l.split(',')[0]) < it);
  writeFileSync(path, `${kept.join('\n')}\n`);
}

/** Runs (or resumes) training; writes config.json, losses.csv and checkpoint.bin into the run folder. */
export async function train(opts: TrainOptions): Promise<TrainedModel> {
  const { config, runDir } = opts;
  const log = opts.log ?? (() => {});
  const scene = readScene(opts.sceneDir);
  const { norm, geometry: g, labels: l, views } = buildModel(scene, config);
  // The run folder is made only once the scene has been read, so a refused scene leaves nothing behind.
  ensureFolder(runDir);
  const rng = new Rng(config.seed).fork('train');
  const lossPath = join(runDir, 'losses.csv');
  let start = 0;
  let before: RunSoFar = { seconds: 0, stages: {}, fromIteration: 0 };
  if (opts.resume) {
    const saved = loadCheckpoint(checkpointPath(runDir));
    if (!saved)
      throw new Error(`${checkpointPath(runDir)}: no checkpoint to resume from (train without --resume)`);
    const differ = configDifferences(saved.meta.config, config);
    if (differ.length > 0)
      throw new Error(
        `${checkpointPath(runDir)}: the checkpoint was trained with another config (${differ.join(', ')}); resume with the run's own config or train into a new folder`,
      );
    const r = restoreModel(runDir, { geometry: g, labels: l });
    start = r.iteration;
    rng.setState(r.rng);
    truncateLossLog(lossPath, start);
    before = runSoFar(runDir, lossPath);
    log(`resuming from iteration ${start}`);
  } else if (opts.branchFrom) {
    const starts = stageStarts(config);
    const r = restoreModel(opts.branchFrom, { geometry: g, labels: l }, (it) => {
      if (it > starts.instance)
        throw new Error(
          `${checkpointPath(opts.branchFrom!)}: taken at iteration ${it}, after this run's instance stage starts (${starts.instance})`,
        );
      return { semantic: it > starts.semantic, instance: false };
    });
    start = r.iteration;
    rng.setState(r.rng);
    copyFileSync(join(opts.branchFrom, 'losses.csv'), lossPath);
    truncateLossLog(lossPath, start);
    log(`branching from ${opts.branchFrom} at iteration ${start}`);
  } else {
    writeFileSync(lossPath, `${LOSS_COLUMNS.join(',')}\n`);
  }
  writeFileAtomic(
    join(runDir, 'config.json'),
    `${JSON.stringify({ scene: opts.sceneDir, config, normalization: norm, trainViews: views.length }, null, 2)}\n`,
  );
  const stages = stageStarts(config);
  const ups = upsampleSchedule(config, stages.semantic);
  // After a resume the seconds column and timings.json continue from the part already trained.
  const t0 = performance.now() - before.seconds * 1000;
  let lastLosses: Record<string, number> = {};
  const end = Math.min(config.iters, opts.stopAt ?? config.iters);
  const seconds: Record<string, number> = { ...before.stages };
  let tick = performance.now();
  const charge = (what: string) => {
    const now = performance.now();
    seconds[what] = (seconds[what] ?? 0) + (now - tick) / 1000;
    tick = now;
  };
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let it = start;
  // The handlers go even when a step throws (a full disk), so a later Ctrl-C or SIGTERM ends the process.
  try {
    for (; it < end && !interrupted; it++) {
      const stage = stageAt(stages, it);
      if (stage === 'geometry') {
        const res = ups.get(it);
        if (res !== undefined) g.upsample(res);
        if (it >= OCCUPANCY_FROM && it % OCCUPANCY_EVERY === 0) g.updateOccupancy();
        const loss = g.step(rng, { colourEverySample: !g.seededFromDepth && it < OCCUPANCY_FROM });
        lastLosses = { rgb: loss.rgb, psnr: loss.psnr, depth: loss.depth, tv: loss.tv };
      } else {
        if (!l.cache) {
          charge('other');
          l.setCache(buildSampleCache(views, norm, g.settings(), CACHE_SAMPLES, opts.onProgress));
          charge('cache');
        }
        const loss = l.step(rng, stage === 'instance' || stage === 'segment', stage === 'segment');
        lastLosses = { semantic: loss.semantic, segment: loss.segment, instance: loss.instance };
      }
      charge(stage);
      await maybeYield();
      const done = it + 1;
      if (done % LOG_EVERY === 0 || done === config.iters) {
        appendFileSync(
          lossPath,
          `${formatRow({ iter: it, stage, ...lastLosses, seconds: (performance.now() - t0) / 1000 })}\n`,
        );
      }
      if (done % config.checkpointEvery === 0 || done === end || interrupted) {
        writeCheckpoint(runDir, g, l, done, rng, config, norm);
        if (interrupted) log(`interrupted: checkpoint written at iteration ${done}; continue with --resume`);
      }
      opts.onProgress?.(
        done,
        config.iters,
        `${stage} ${Object.entries(lastLosses)
          .filter(([, v]) => Number.isFinite(v))
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(' ')}`,
      );
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  if (interrupted) process.exitCode = 130;
  if (!l.cache && it > stages.semantic)
    l.setCache(buildSampleCache(views, norm, g.settings(), CACHE_SAMPLES));
  charge('other');
  const timings = Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  writeFileAtomic(
    join(runDir, 'timings.json'),
    `${JSON.stringify({ fromIteration: opts.resume ? before.fromIteration : start, toIteration: it, seconds: timings }, null, 2)}\n`,
  );
  log(`seconds per stage: ${JSON.stringify(timings)}`);
  return { scene, norm, geometry: g, labels: l, iteration: it, lastLosses };
}

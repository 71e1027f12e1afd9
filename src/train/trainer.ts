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
import type { Backend } from '../kernels/backend.ts';
import {
  type Checkpoint,
  loadCheckpoint,
  loadModelState,
  modelCheckpoint,
  saveCheckpoint,
  type TakeParts,
} from '../model/checkpoint.ts';
import type { TrainConfig } from '../model/config.ts';
import { buildModel, type CliftModel, classCount } from '../model/model.ts';
import { normalizeScene } from '../rays/normalize.ts';
import { GeometryStage } from './geometry-stage.ts';
import { LabelStage } from './label-stage.ts';
import { configDifferences, type RunSoFar, runSoFar } from './resume-check.ts';
import { sampleCacheStore } from './sample-cache-file.ts';

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
  /**
   * Keep the sample cache in the run folder (samples.bin, 16·K bytes per training pixel) so a resume, or a run
   * branched from this one, reads it instead of rendering every training pixel again.
   */
  keepSamples?: boolean;
  onProgress?: ProgressFn;
  log?: (line: string) => void;
}

/** Everything a finished (or stopped) run holds in memory. */
export interface TrainedModel {
  scene: Scene;
  model: CliftModel;
  stages: TrainingStages;
  iteration: number;
  lastLosses: Record<string, number>;
}

/** A model with its training stages (optimisers, batches, schedules) and the views they draw from. */
export interface TrainingStages {
  views: ReturnType<typeof loadTrainingViews>;
  geometry: GeometryStage;
  labels: LabelStage;
}

/** Path of a run's checkpoint. */
export function checkpointPath(runDir: string): string {
  return join(runDir, 'checkpoint.bin');
}

function writeCheckpoint(
  runDir: string,
  model: CliftModel,
  st: TrainingStages,
  it: number,
  rng: Rng,
  config: TrainConfig,
): void {
  const ck = modelCheckpoint(model);
  for (const [k, t] of [
    ...st.geometry.adam.stateTensors('adam.geometry'),
    ...st.labels.semanticAdam.stateTensors('adam.semantic'),
    ...st.labels.instanceAdam.stateTensors('adam.instance'),
  ]) {
    ck.tensors.set(k, t);
  }
  const adamT = {
    geometry: st.geometry.adam.t,
    semantic: st.labels.semanticAdam.t,
    instance: st.labels.instanceAdam.t,
  };
  saveCheckpoint(checkpointPath(runDir), {
    meta: { iteration: it, rng: rng.getState(), adamT, config, ...ck.meta },
    tensors: ck.tensors,
  });
}

/**
 * A scene's model at initial state with its training stages (`onProgress` reports building the sample cache), on
 * `backend` (default: the one --backend / --threads chose).
 */
export function buildTraining(
  scene: Scene,
  config: TrainConfig,
  onProgress?: ProgressFn,
  backend?: Backend,
): { model: CliftModel; stages: TrainingStages } {
  const trainFrames = framesOf(scene, 'train');
  if (trainFrames.length === 0) throw new Error(`${scene.transformsPath}: no frame with split "train"`);
  const views = loadTrainingViews(scene, trainFrames, config.trainSize);
  const model = buildModel(config, normalizeScene(scene, trainFrames), classCount(scene), backend);
  const geometry = new GeometryStage(model.geometry, views, config, stageStarts(config).semantic);
  const labels = new LabelStage(model, views, config, onProgress);
  return { model, stages: { views, geometry, labels } };
}

/** Loads a run's checkpoint into a freshly built model and its optimisers (`take` decides from the iteration). */
export function restoreTraining(
  runDir: string,
  model: CliftModel,
  st: TrainingStages,
  take: (iteration: number) => TakeParts = () => ({ semantic: true, instance: true }),
  /** The run's checkpoint when the caller has already read it. */
  loaded?: Checkpoint,
): { iteration: number; rng: number[] } {
  const path = checkpointPath(runDir);
  const ck = loaded ?? loadCheckpoint(path);
  if (!ck) throw new Error(`${path}: no checkpoint to resume from`);
  const parts = take(ck.meta.iteration as number);
  loadModelState(model, ck, path, parts);
  st.geometry.syncOptimizer();
  const t = ck.meta.adamT as { geometry: number; semantic: number; instance: number };
  st.geometry.adam.loadState('adam.geometry', ck.tensors, t.geometry);
  if (parts.semantic) st.labels.semanticAdam.loadState('adam.semantic', ck.tensors, t.semantic);
  if (parts.instance) st.labels.instanceAdam.loadState('adam.instance', ck.tensors, t.instance);
  return { iteration: ck.meta.iteration as number, rng: ck.meta.rng as number[] };
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
  const { model, stages: st } = buildTraining(scene, config, opts.onProgress);
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
    const r = restoreTraining(runDir, model, st, undefined, saved);
    start = r.iteration;
    rng.setState(r.rng);
    truncateLossLog(lossPath, start);
    before = runSoFar(runDir, lossPath);
    log(`resuming from iteration ${start}`);
  } else if (opts.branchFrom) {
    const starts = stageStarts(config);
    const r = restoreTraining(opts.branchFrom, model, st, (it) => {
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
    `${JSON.stringify({ scene: opts.sceneDir, config, normalization: model.norm, trainViews: st.views.length }, null, 2)}\n`,
  );
  st.labels.store = sampleCacheStore(runDir, model, st.views, {
    ...(opts.branchFrom ? { branchFrom: opts.branchFrom } : {}),
    keep: opts.keepSamples ?? false,
  });
  const stages = stageStarts(config);
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
      const owner = stage === 'geometry' ? st.geometry : st.labels;
      charge('other');
      for (const hook of owner.hooks) {
        hook.run(it);
        charge(hook.name);
      }
      if (stage === 'geometry') {
        const loss = st.geometry.step(rng, it);
        lastLosses = { rgb: loss.rgb, psnr: loss.psnr, depth: loss.depth, tv: loss.tv };
      } else {
        const loss = st.labels.step(rng, stage === 'instance' || stage === 'segment', stage === 'segment');
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
        writeCheckpoint(runDir, model, st, done, rng, config);
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
  if (it > stages.semantic) st.labels.ensureCache();
  charge('other');
  const timings = Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  writeFileAtomic(
    join(runDir, 'timings.json'),
    `${JSON.stringify({ fromIteration: opts.resume ? before.fromIteration : start, toIteration: it, seconds: timings }, null, 2)}\n`,
  );
  log(`seconds per stage: ${JSON.stringify(timings)}`);
  return { scene, model, stages: st, iteration: it, lastLosses };
}

/** `clift train`: fit the neural field (geometry, semantics, instance embeddings) to a scene. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeLossCurve } from '../export/loss-curve.ts';
import { INSTANCE_LOSSES, parseTrainConfig } from '../model/config.ts';
import { train } from '../train/trainer.ts';
import { addBackendOptions, applyBackendFlags, type BackendFlags } from './flags.ts';
import { progressBar } from './progress.ts';

interface TrainFlags extends BackendFlags {
  scene: string;
  out: string;
  config?: string;
  iters?: string;
  instanceLoss?: string;
  embedDim?: string;
  slots?: string;
  batch?: string;
  trainSize?: string;
  grid?: string;
  seed?: string;
  resume?: boolean;
}

const int = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got "${v}"`);
  return n;
};

/** The config object from a JSON file (if any) with flags layered on top. */
export function configFromFlags(flags: TrainFlags): ReturnType<typeof parseTrainConfig> {
  let base: Record<string, unknown> = {};
  let source = 'flags';
  if (flags.config) {
    if (!existsSync(flags.config)) throw new Error(`${flags.config}: config file not found`);
    try {
      base = JSON.parse(readFileSync(flags.config, 'utf8'));
    } catch (e) {
      throw new Error(`${flags.config}: not valid JSON (${(e as Error).message})`);
    }
    source = flags.config;
  }
  const o: Record<string, unknown> = { ...base };
  if (flags.iters) o.iters = int('--iters', flags.iters);
  if (flags.instanceLoss) o.instanceLoss = flags.instanceLoss;
  if (flags.embedDim) o.embedDim = int('--embed-dim', flags.embedDim);
  if (flags.slots) o.slots = int('--slots', flags.slots);
  if (flags.batch) o.batch = int('--batch', flags.batch);
  if (flags.trainSize) o.trainSize = int('--train-size', flags.trainSize);
  if (flags.grid) {
    const end = int('--grid', flags.grid);
    const grid = typeof base.grid === 'object' && base.grid !== null ? base.grid : {};
    o.grid = { ...grid, start: Math.max(8, Math.round(end / 2)), end };
  }
  if (flags.seed) o.seed = int('--seed', flags.seed);
  return parseTrainConfig(o, source);
}

/** Registers `clift train`. */
export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train the neural field on a scene: geometry, then semantics, then instance embeddings')
    .requiredOption('--scene <dir>', 'scene folder (transforms.json with 2D segmenter maps)')
    .requiredOption('--out <rundir>', 'run folder: config.json, losses.csv, loss-curve.png, checkpoint.bin')
    .option('--config <file>', 'JSON training config (validated; flags override its values)')
    .option('--iters <n>', 'total iterations over all stages (default 3000)')
    .option('--instance-loss <name>', `instance loss: ${INSTANCE_LOSSES.join(', ')} (default slow-fast)`)
    .option('--embed-dim <d>', 'instance embedding size, 1–32 (default 3)')
    .option('--slots <k>', 'output slots of the linear-assignment loss (default 25)')
    .option('--batch <n>', 'rays per geometry/semantic step (default 2048)')
    .option(
      '--train-size <px>',
      'larger image side used for training; views are reduced by an integer factor (default 128)',
    )
    .option(
      '--grid <n>',
      'final density/colour grid resolution per axis; training starts at half and upsamples (default 96)',
    )
    .option('--seed <n>', 'random seed: the same seed gives the same run (default 0)')
    .option('--resume', 'continue from the run folder’s last checkpoint');
  addBackendOptions(cmd).action(async (flags: TrainFlags) => {
    const config = configFromFlags(flags);
    applyBackendFlags(flags, config.threads);
    const bar = progressBar('train');
    const t0 = performance.now();
    const model = await train({
      sceneDir: flags.scene,
      runDir: flags.out,
      config,
      resume: flags.resume ?? false,
      onProgress: bar.update,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    bar.stop();
    writeLossCurve(join(flags.out, 'losses.csv'), join(flags.out, 'loss-curve.png'));
    process.stdout.write(
      `trained ${model.iteration} iterations in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${flags.out}\n`,
    );
  });
}

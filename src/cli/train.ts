/** `clift train`: fit the neural field (geometry, semantics, instance embeddings) to a scene. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { instanceWarnings } from '../data/instance-checks.ts';
import { readScene } from '../data/read-scene.ts';
import { writeLossCurve } from '../export/loss-curve.ts';
import { INSTANCE_LOSSES, parseTrainConfig } from '../model/config.ts';
import type { train } from '../train/trainer.ts';
import { addBackendOptions, addExamples, applyBackendFlags, type BackendFlags, intFlag } from './flags.ts';
import { progressBar } from './progress.ts';
import { checkRunFolder } from './run-folder.ts';

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
  force?: boolean;
  keepSamples?: boolean;
}

/** Smallest --train-size: below it a view has too few pixels to train on. */
export const MIN_TRAIN_SIZE = 16;

/** The default training config as JSON (what `clift train --print-config` prints). */
export function defaultConfigJson(): string {
  return `${JSON.stringify(parseTrainConfig({}, 'defaults'), null, 2)}\n`;
}

/** The config a run folder was trained with (its config.json), to resume it without repeating --config. */
export function runConfigFile(runDir: string): string | undefined {
  const path = join(runDir, 'config.json');
  if (!existsSync(path)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { config?: unknown };
    return typeof saved.config === 'object' && saved.config !== null ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The config object from a JSON file (if any; on --resume the run's own) with flags layered on top. */
export function configFromFlags(flags: TrainFlags): ReturnType<typeof parseTrainConfig> {
  let base: Record<string, unknown> = {};
  let source = 'flags';
  const own = !flags.config && flags.resume ? runConfigFile(flags.out) : undefined;
  if (own) {
    base = (JSON.parse(readFileSync(own, 'utf8')) as { config: Record<string, unknown> }).config;
    source = own;
  } else if (flags.config) {
    if (!existsSync(flags.config)) throw new Error(`${flags.config}: config file not found`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(flags.config, 'utf8'));
    } catch (e) {
      throw new Error(`${flags.config}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error(`${flags.config}: must hold a JSON object of config keys`);
    base = parsed as Record<string, unknown>;
    source = flags.config;
  }
  const o: Record<string, unknown> = { ...base };
  if (flags.iters !== undefined) o.iters = intFlag('iters', flags.iters, 1);
  if (flags.instanceLoss !== undefined) {
    if (!(INSTANCE_LOSSES as readonly string[]).includes(flags.instanceLoss))
      throw new Error(
        `--instance-loss must be one of ${INSTANCE_LOSSES.join(', ')}, got "${flags.instanceLoss}"`,
      );
    o.instanceLoss = flags.instanceLoss;
  }
  if (flags.embedDim !== undefined) o.embedDim = intFlag('embed-dim', flags.embedDim, { min: 1, max: 32 });
  if (flags.slots !== undefined) o.slots = intFlag('slots', flags.slots, 2);
  if (flags.batch !== undefined) o.batch = intFlag('batch', flags.batch, 1);
  if (flags.trainSize !== undefined) o.trainSize = intFlag('train-size', flags.trainSize, MIN_TRAIN_SIZE);
  if (flags.grid !== undefined) {
    const end = intFlag('grid', flags.grid, 8);
    const grid = typeof base.grid === 'object' && base.grid !== null ? base.grid : {};
    o.grid = { ...grid, start: Math.max(8, Math.round(end / 2)), end };
  }
  if (flags.seed !== undefined) o.seed = intFlag('seed', flags.seed);
  return parseTrainConfig(o, source);
}

/** Registers `clift train`. */
export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train the neural field on a scene: geometry, then semantics, then instance embeddings')
    .requiredOption('--scene <dir>', 'scene folder (transforms.json with 2D segmenter maps)')
    .requiredOption('--out <rundir>', 'run folder: config.json, losses.csv, loss-curve.png, checkpoint.bin')
    .option(
      '--config <file>',
      'JSON training config, keys as --print-config shows (validated; flags override it)',
    )
    .option('--print-config', 'print the full default config as JSON (every key --config accepts) and exit')
    .option('--iters <n>', 'total iterations over all stages (default: 6000)')
    .option('--instance-loss <name>', `instance loss: ${INSTANCE_LOSSES.join(', ')} (default: slow-fast)`)
    .option('--embed-dim <d>', 'instance embedding size, 1–32 (default: 8)')
    .option('--slots <k>', 'output slots of the linear-assignment loss, ≥ 2 (default: 25)')
    .option('--batch <n>', 'rays per geometry/semantic step (default: 2048)')
    .option(
      '--train-size <px>',
      `larger image side used for training, ≥ ${MIN_TRAIN_SIZE}; views are reduced by an integer factor (default: 128)`,
    )
    .option(
      '--grid <n>',
      'final density/colour grid resolution per axis; training starts at half and upsamples (default: 128)',
    )
    .option('--seed <n>', 'random seed: the same seed gives the same run (default: 0)')
    .option(
      '--resume',
      'continue from the run folder’s last checkpoint, with the config it was trained with (flags or --config must not change it)',
    )
    .option('--force', 'train into a folder that already holds a run, overwriting it')
    .option(
      '--keep-samples',
      'keep the sample cache in the run folder (samples.bin, 48 bytes per training pixel) so a --resume after the geometry stage does not render every training pixel again',
    );
  cmd.on('option:print-config', () => {
    process.stdout.write(defaultConfigJson());
    process.exit(0);
  });
  addExamples(
    addBackendOptions(cmd),
    'clift train --scene scenes/room25 --out runs/room25',
    'clift train --scene scenes/room25 --out runs/room25 --resume',
    'clift train --print-config > my-config.json',
  ).action(async (flags: TrainFlags) => {
    const config = configFromFlags(flags);
    const resume = flags.resume ?? false;
    checkRunFolder(flags.out, { resume, force: flags.force ?? false });
    applyBackendFlags(flags, config.threads);
    for (const w of instanceWarnings(readScene(flags.scene))) process.stderr.write(`clift: warning: ${w}\n`);
    const { train } = await import('../train/trainer.ts');
    const bar = progressBar('train');
    const t0 = performance.now();
    let model: Awaited<ReturnType<typeof train>>;
    try {
      model = await train({
        sceneDir: flags.scene,
        runDir: flags.out,
        config,
        resume,
        keepSamples: flags.keepSamples ?? false,
        onProgress: bar.update,
        log: bar.log,
      });
    } finally {
      bar.stop();
    }
    writeLossCurve(join(flags.out, 'losses.csv'), join(flags.out, 'loss-curve.png'));
    process.stdout.write(
      `trained ${model.iteration} iterations in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${flags.out}\n`,
    );
  });
}

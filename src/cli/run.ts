/** `clift run`: generate (optionally) → 2D baselines → train → segment → eval, and a report to look at. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readInstances, readRgb } from '../data/maps.ts';
import { readScene } from '../data/read-scene.ts';
import { framesOf } from '../data/scene.ts';
import { reducedIntrinsics } from '../data/training-views.ts';
import { runBaseline, TRACK_MODES } from '../eval/baselines/run-baseline.ts';
import { evaluatePrediction, type Metrics } from '../eval/evaluate.ts';
import { readPrediction } from '../eval/prediction.ts';
import { writeImageGridPng } from '../export/image-grid.ts';
import { writeLossCurve } from '../export/loss-curve.ts';
import { overlayInstances } from '../export/overlay.ts';
import { writeReport } from '../export/report.ts';
import { segmentRun } from '../infer/segment.ts';
import { INSTANCE_LOSSES } from '../model/config.ts';
import { ENV_NAMES } from '../synth/environment.ts';
import { NOISE_NAMES } from '../synth/mask-levels.ts';
import { train } from '../train/trainer.ts';
import {
  addBackendOptions,
  addExamples,
  applyBackendFlags,
  type BackendFlags,
  choiceFlag,
  intFlag,
} from './flags.ts';
import { MIN_VIEWS } from './generate.ts';
import { progressBar } from './progress.ts';
import { configFromFlags } from './train.ts';

interface RunFlags extends BackendFlags {
  scene?: string;
  out: string;
  objects: string;
  views: string;
  size: string;
  env: string;
  noise: string;
  seed: string;
  iters: string;
  trainSize: string;
  grid: string;
  config?: string;
  instanceLoss?: string;
}

async function step<T>(
  label: string,
  fn: (bar: ReturnType<typeof progressBar>) => Promise<T> | T,
): Promise<T> {
  const bar = progressBar(label);
  try {
    return await fn(bar);
  } finally {
    bar.stop();
  }
}

/** Registers `clift run`. */
export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description(
      'the whole pipeline: (generate a scene,) 2D baselines, train, segment, evaluate, and write report.html / report.md',
    )
    .requiredOption('--out <rundir>', 'run folder (scene/ is generated inside it when --scene is absent)')
    .option('--scene <dir>', 'an existing scene folder; without it a scene is generated from the flags below')
    .option('--objects <n>', 'objects in the generated scene', '25')
    .option('--views <m>', `views of the generated scene, ≥ ${MIN_VIEWS}`, '60')
    .option('--size <px>', 'image size of the generated scene', '96')
    .option('--env <name>', `backdrop of the generated scene: ${ENV_NAMES.join(', ')}`, 'old_room')
    .option(
      '--noise <level>',
      `2D segmenter noise of the generated scene: ${NOISE_NAMES.join(', ')}, or off to skip it`,
      'medium',
    )
    .option('--seed <n>', 'seed for generation and training', '0')
    .option('--iters <n>', 'training iterations', '1500')
    .option('--train-size <px>', 'larger image side used for training', '96')
    .option('--grid <n>', 'final density/colour grid resolution per axis (training starts at half)', '96')
    .option('--instance-loss <name>', `instance loss: ${INSTANCE_LOSSES.join(', ')} (default: slow-fast)`)
    .option(
      '--config <file>',
      'JSON training config, keys as `clift train --print-config` shows (flags override it)',
    );
  addExamples(
    addBackendOptions(cmd),
    'clift run --out runs/demo',
    'clift run --scene scenes/room25 --out runs/room25 --iters 6000 --train-size 128 --grid 128',
  ).action(async (flags: RunFlags) => {
    const out = resolve(flags.out);
    const seed = intFlag('seed', flags.seed);
    let sceneDir = flags.scene ? resolve(flags.scene) : join(out, 'scene');
    const config = configFromFlags({
      scene: sceneDir,
      out,
      iters: flags.iters,
      trainSize: flags.trainSize,
      grid: flags.grid,
      seed: flags.seed,
      ...(flags.config ? { config: flags.config } : {}),
      ...(flags.instanceLoss ? { instanceLoss: flags.instanceLoss } : {}),
    });
    const generator = flags.scene
      ? null
      : {
          noise: choiceFlag('noise', flags.noise, [...NOISE_NAMES, 'off'] as const),
          env: choiceFlag('env', flags.env, ENV_NAMES),
          objects: intFlag('objects', flags.objects, 1),
          views: intFlag('views', flags.views, MIN_VIEWS),
          size: intFlag('size', flags.size, 8),
        };
    applyBackendFlags(flags);
    if (generator) {
      const { noise, env, objects, views, size } = generator;
      const { generateScene } = await import('../synth/generate.ts');
      const { simulateSegmenter } = await import('../synth/segmenter2d.ts');
      await step('generate', async (bar) => {
        await generateScene({ objects, views, size, env, seed, out: sceneDir, onProgress: bar.update });
        if (noise !== 'off') await simulateSegmenter(sceneDir, { noise, seed, onProgress: bar.update });
      });
    }
    sceneDir = resolve(sceneDir);
    const scene = readScene(sceneDir);
    const results: { method: string; m: Metrics }[] = [];
    for (const track of TRACK_MODES) {
      const pred = join(out, 'baselines', track);
      await step(`baseline ${track}`, (bar) =>
        runBaseline(sceneDir, { track, out: pred, onProgress: bar.update }),
      );
      results.push({
        method: `2D segmenter${track === 'none' ? '' : ` + ${track} tracking`}`,
        m: evaluatePrediction(scene, pred),
      });
    }
    const t0 = performance.now();
    await step('train', (bar) =>
      train({
        sceneDir,
        runDir: out,
        config,
        resume: existsSync(join(out, 'checkpoint.bin')),
        onProgress: bar.update,
      }),
    );
    const trainSeconds = (performance.now() - t0) / 1000;
    writeLossCurve(join(out, 'losses.csv'), join(out, 'loss-curve.png'));
    const predDir = join(out, 'prediction');
    const seg = await step('segment', (bar) =>
      segmentRun({
        runDir: out,
        sceneDir,
        views: 'test',
        method: 'hdbscan',
        parameter: 'auto',
        out: predDir,
        onProgress: bar.update,
      }),
    );
    results.unshift({ method: `clift (${config.instanceLoss})`, m: evaluatePrediction(scene, predDir) });
    const tests = framesOf(scene, 'test');
    const shown = tests.filter((_, i) => i % Math.max(1, Math.floor(tests.length / 4)) === 0).slice(0, 4);
    const cells = shown.map((f) => {
      const { w, h } = f.intrinsics;
      const photo = readRgb(scene, f);
      const seg2d = f.maps.instance_file_path
        ? readInstances(scene, f, 'instance_file_path')
        : new Uint16Array(w * h);
      const gt = f.maps.gt_instance_file_path
        ? readInstances(scene, f, 'gt_instance_file_path')
        : new Uint16Array(w * h);
      const ours = readPrediction(predDir, f).instance;
      return [
        photo,
        overlayInstances(photo, seg2d, w, h),
        overlayInstances(photo, ours, w, h),
        overlayInstances(photo, gt, w, h),
      ].map((rgb) => ({ rgb, w, h }));
    });
    writeImageGridPng(join(out, 'test-views.png'), cells, {
      columnTitles: ['RGB', '2D segmenter', 'clift', 'ground truth'],
      rowTitles: shown.map((f) => f.stem),
    });
    // The training resolution is the scene's own when it is smaller than --train-size.
    const { w: trainW, h: trainH } = reducedIntrinsics(scene.frames[0]!.intrinsics, config.trainSize);
    const report = writeReport(out, {
      title: `clift run on ${sceneDir}`,
      facts: [
        [
          'scene',
          `${scene.frames.length} views (${tests.length} test), ${scene.frames[0]!.intrinsics.w}×${scene.frames[0]!.intrinsics.h} px`,
        ],
        [
          'training',
          `${config.iters} iterations at ${trainW}×${trainH} px, ${config.instanceLoss} loss, ${trainSeconds.toFixed(0)} s`,
        ],
        ['clustering', `${JSON.stringify(seg.params)} → ${seg.instances} instances`],
        ['date', new Date().toISOString().slice(0, 10)],
      ],
      rows: results.map(({ method, m }) => ({ method, ...m })),
      images: [
        {
          path: 'test-views.png',
          caption: 'Test views: RGB | 2D segmenter | clift | ground truth (same colour = same id)',
        },
        { path: 'loss-curve.png', caption: 'Training losses' },
      ],
    });
    process.stdout.write(`${readFileSync(report.md, 'utf8')}\nreport: ${report.html}\n`);
  });
}

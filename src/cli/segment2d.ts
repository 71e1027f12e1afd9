/** `clift segment2d`: run the simulated noisy 2D segmenter on a scene's ground truth, or a model (--onnx). */
import type { Command } from 'commander';
import { isNoiseName, NOISE_LEVELS, NOISE_NAMES } from '../synth/mask-levels.ts';
import { simulateSegmenter } from '../synth/segmenter2d.ts';
import { intFlag } from './flags.ts';
import { progressBar } from './progress.ts';
import { addOnnxOptions, checkFlagUse, type OnnxFlags, runOnnxCommand } from './segment2d-onnx.ts';

/** One help line per noise level with its main rates. */
function levelHelp(): string {
  return NOISE_NAMES.map((name) => {
    const l = NOISE_LEVELS[name];
    return `  ${name.padEnd(7)} miss ${l.missRate}, merge ${l.mergeRate}, split ${l.splitRate}, boundary ${l.boundaryRate}, false blobs/view ${l.falsePositives}`;
  }).join('\n');
}

/** Registers `clift segment2d`. */
export function registerSegment2d(program: Command): void {
  const cmd = program
    .command('segment2d')
    .description(
      'simulate a noisy 2D instance segmenter from the scene ground truth (or run an ONNX model on the RGB: --onnx): writes segments/{instance,semantic,confidence}/<stem>.png with fresh random ids in every view and adds them to transforms.json',
    )
    .requiredOption('--scene <dir>', 'scene folder with transforms.json and gt/instance, gt/semantic maps')
    .option('--noise <level>', `noise level: ${NOISE_NAMES.join(', ')}`, 'medium')
    .option('--seed <n>', 'random seed (same seed, same masks)', '0');
  addOnnxOptions(cmd)
    .addHelpText('after', `\nNoise levels (rates per object, touching pair, segment, view):\n${levelHelp()}`)
    .addHelpText(
      'after',
      '\nExamples:\n  $ clift segment2d --scene scenes/room25 --noise high --seed 1\n  $ clift segment2d --scene scenes/room25 --onnx model.onnx --class-map labels.json',
    )
    .action(async (opts: { scene: string; noise: string; seed: string } & OnnxFlags) => {
      checkFlagUse(cmd, opts.onnx !== undefined);
      if (opts.onnx !== undefined) return runOnnxCommand({ ...opts, onnx: opts.onnx });
      if (!isNoiseName(opts.noise)) {
        throw new Error(`--noise must be one of ${NOISE_NAMES.join(', ')}, got "${opts.noise}"`);
      }
      const seed = intFlag('seed', opts.seed);
      const bar = progressBar('segment2d');
      try {
        await simulateSegmenter(opts.scene, { noise: opts.noise, seed, onProgress: bar.update });
      } finally {
        bar.stop();
      }
      process.stdout.write(`wrote ${opts.noise} segmenter maps to ${opts.scene}/segments (seed ${seed})\n`);
    });
}

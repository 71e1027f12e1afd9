/** `clift eval`: score a prediction folder against a scene's ground truth. */
import type { Command } from 'commander';
import { writeFileAtomic } from '../data/png.ts';
import type { Split } from '../data/scene.ts';
import { evaluatePrediction, formatMetrics } from '../eval/evaluate.ts';
import { progressBar } from './progress.ts';

/** Registers `clift eval`. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'score predicted instance/semantic maps against ground truth (PQ^scene, SQ, RQ, per-frame PQ, mIoU, PSNR)',
    )
    .requiredOption('--scene <dir>', 'scene folder with transforms.json and gt_* maps')
    .requiredOption(
      '--pred <dir>',
      'prediction folder: instance/<stem>.png, semantic/<stem>.png, optional rgb/<stem>.png',
    )
    .option('--split <split>', 'frames to score: train, val, test or all', 'test')
    .option('--out <file>', 'also write the metrics as JSON to this file')
    .option('--json', 'print JSON instead of a table')
    .action((opts: { scene: string; pred: string; split: string; out?: string; json?: boolean }) => {
      if (!['train', 'val', 'test', 'all'].includes(opts.split)) {
        throw new Error(`--split must be train, val, test or all, got "${opts.split}"`);
      }
      const bar = progressBar('eval');
      const metrics = evaluatePrediction(opts.scene, opts.pred, opts.split as Split | 'all', bar.update);
      bar.stop();
      const json = `${JSON.stringify(metrics, null, 2)}\n`;
      if (opts.out) writeFileAtomic(opts.out, json);
      process.stdout.write(opts.json ? json : `${formatMetrics(metrics)}\n`);
    });
}

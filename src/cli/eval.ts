/** `clift eval`: score a prediction folder against a scene's ground truth. */
import type { Command } from 'commander';
import { writeFileAtomic } from '../data/png.ts';
import { evaluatePrediction, formatMetrics } from '../eval/evaluate.ts';
import { addExamples, choiceFlag } from './flags.ts';
import { progressBar } from './progress.ts';

const SPLITS = ['train', 'val', 'test', 'all'] as const;

/** Registers `clift eval`. */
export function registerEval(program: Command): void {
  const cmd = program
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
    .option('--json', 'print the metrics as JSON instead of a table');
  addExamples(
    cmd,
    'clift eval --scene scenes/room25 --pred preds/clift',
    'clift eval --scene scenes/room25 --pred preds/cloud --split all --json --out metrics.json',
  ).action((opts: { scene: string; pred: string; split: string; out?: string; json?: boolean }) => {
    const split = choiceFlag('split', opts.split, SPLITS);
    const bar = progressBar('eval');
    let metrics: ReturnType<typeof evaluatePrediction>;
    try {
      metrics = evaluatePrediction(opts.scene, opts.pred, split, bar.update);
    } finally {
      bar.stop();
    }
    const json = `${JSON.stringify(metrics, null, 2)}\n`;
    if (opts.out) writeFileAtomic(opts.out, json);
    process.stdout.write(opts.json ? json : `${formatMetrics(metrics)}\n`);
  });
}

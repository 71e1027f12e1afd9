/** `clift eval`: score a prediction folder against a scene's ground truth, or for cross-view consistency. */
import type { Command } from 'commander';
import { writeFileAtomic } from '../data/png.ts';
import { evaluateConsistency, formatConsistency } from '../eval/consistency.ts';
import { evaluatePrediction, formatMetrics } from '../eval/evaluate.ts';
import { addExamples, choiceFlag, intFlag } from './flags.ts';
import { progressBar } from './progress.ts';

const SPLITS = ['train', 'val', 'test', 'all'] as const;

interface EvalFlags {
  scene: string;
  pred: string;
  split: string;
  out?: string;
  json?: boolean;
  consistency?: boolean;
  pairs?: string;
  maxOffset?: string;
}

/** Registers `clift eval`. */
export function registerEval(program: Command): void {
  const cmd = program
    .command('eval')
    .description(
      'score predicted instance/semantic maps against ground truth (PQ^scene, SQ, RQ, per-frame PQ, mIoU, PSNR), or with --consistency without ground truth: how often a pixel carried into a nearby view by depth and poses lands on its own instance id',
    )
    .requiredOption(
      '--scene <dir>',
      'scene folder with transforms.json and gt_* maps (depth maps for --consistency)',
    )
    .requiredOption(
      '--pred <dir>',
      'prediction folder: instance/<stem>.png, semantic/<stem>.png, optional rgb/<stem>.png',
    )
    .option('--split <split>', 'frames to score: train, val, test or all', 'test')
    .option('--out <file>', 'also write the metrics as JSON to this file')
    .option('--json', 'print the metrics as JSON instead of a table')
    .option(
      '--consistency',
      'score cross-view consistency instead (no ground truth): every pixel with depth is carried into each of its view’s nearest views of the split; where its depth agrees there (occlusion test, 5 % relative) it is checked; pixels with id 0 on both sides are not scored, the others agree when the id is the same',
    )
    .option(
      '--pairs <n>',
      '--consistency only: nearest views per view, by camera distance + axis angle × median depth (default: 3)',
    )
    .option(
      '--max-offset <px>',
      '--consistency only: a pixel also agrees when its id lies within this many pixels of where it lands (default: 0)',
    );
  addExamples(
    cmd,
    'clift eval --scene scenes/room25 --pred preds/clift',
    'clift eval --scene scenes/room25 --pred preds/cloud --split all --json --out metrics.json',
    'clift eval --consistency --scene scenes/office --pred preds/clift --pairs 4',
  ).action((opts: EvalFlags) => {
    const split = choiceFlag('split', opts.split, SPLITS);
    if (!opts.consistency && (opts.pairs !== undefined || opts.maxOffset !== undefined)) {
      throw new Error('--pairs and --max-offset apply to --consistency only');
    }
    const pairs = intFlag('pairs', opts.pairs ?? '3', 1);
    const maxOffset = intFlag('max-offset', opts.maxOffset ?? '0', { min: 0, max: 32 });
    const bar = progressBar('eval');
    let metrics: object;
    let text: string;
    try {
      if (opts.consistency) {
        const m = evaluateConsistency(opts.scene, opts.pred, {
          split,
          pairs,
          maxOffset,
          onProgress: bar.update,
        });
        metrics = m;
        text = formatConsistency(m);
      } else {
        const m = evaluatePrediction(opts.scene, opts.pred, split, bar.update);
        metrics = m;
        text = formatMetrics(m);
      }
    } finally {
      bar.stop();
    }
    const json = `${JSON.stringify(metrics, null, 2)}\n`;
    if (opts.out) writeFileAtomic(opts.out, json);
    process.stdout.write(opts.json ? json : `${text}\n`);
  });
}

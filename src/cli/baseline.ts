/** `clift baseline`: the 2D segmenter with or without cross-view tracking, as a prediction folder. */
import type { Command } from 'commander';
import { runBaseline, TRACK_MODES } from '../eval/baselines/run-baseline.ts';
import { DEFAULT_MIN_IOU } from '../eval/baselines/tracks.ts';
import { choiceFlag, realFlag } from './flags.ts';
import { progressBar } from './progress.ts';

/** Registers `clift baseline`. */
export function registerBaseline(program: Command): void {
  program
    .command('baseline')
    .description(
      'make the 2D segmenter maps consistent across views with a tracking baseline and write a prediction folder for `clift eval` (all frames, in frame order)',
    )
    .requiredOption(
      '--scene <dir>',
      'scene folder whose frames have instance_file_path and semantic_file_path',
    )
    .requiredOption(
      '--track <mode>',
      `none: segmenter ids as they are; iou: Hungarian matching of consecutive views by 2D IoU; warp: by IoU after warping the previous view with depth and poses; cloud: incremental fusion into a labelled 3D point cloud, matched by projected IoU (${TRACK_MODES.join('|')})`,
    )
    .requiredOption('--out <dir>', 'prediction folder to write: instance/<stem>.png and semantic/<stem>.png')
    .option(
      '--min-iou <x>',
      'minimum IoU for a segment to continue a track, in (0, 1]',
      String(DEFAULT_MIN_IOU),
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ clift baseline --scene scenes/room25 --track cloud --out preds/cloud\n  $ clift eval --scene scenes/room25 --pred preds/cloud',
    )
    .action(async (opts: { scene: string; track: string; out: string; minIou: string }) => {
      const track = choiceFlag('track', opts.track, TRACK_MODES);
      const minIou = realFlag('min-iou', opts.minIou, { above: 0, max: 1 });
      const bar = progressBar(`baseline ${opts.track}`);
      let summary: Awaited<ReturnType<typeof runBaseline>>;
      try {
        summary = await runBaseline(opts.scene, {
          track,
          out: opts.out,
          minIou,
          onProgress: bar.update,
        });
      } finally {
        bar.stop();
      }
      process.stdout.write(`wrote ${summary.frames} frames with ${summary.tracks} tracks to ${opts.out}\n`);
    });
}

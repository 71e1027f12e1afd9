/** `clift segment`: consistent instance ids for any view of a trained run. */
import type { Command } from 'commander';
import {
  DEFAULT_SAMPLE_PIXELS,
  DEFAULT_THING_SHARE,
  MIN_SELECTION_VIEWS,
  segmentRun,
} from '../infer/segment.ts';
import { addBackendOptions, applyBackendFlags, type BackendFlags, intFlag } from './flags.ts';
import { progressBar } from './progress.ts';

interface SegmentFlags extends BackendFlags {
  run: string;
  scene?: string;
  views: string;
  cluster: string;
  minClusterSize: string;
  eps?: string;
  bandwidth?: string;
  samplePixels: string;
  thingShare: string;
  selectionViews?: string;
  renderSize?: string;
  perObject?: boolean;
  seed?: string;
  out: string;
}

/** Registers `clift segment`. */
export function registerSegment(program: Command): void {
  const cmd = program
    .command('segment')
    .description('cluster the trained instance field and label views with consistent instance ids')
    .requiredOption('--run <rundir>', 'a trained run folder (from clift train)')
    .requiredOption(
      '--out <preddir>',
      'prediction folder: instance/, semantic/, rgb/, overlays/, centroids.json, points.ply',
    )
    .option('--scene <dir>', 'scene folder (default: the one the run was trained on)')
    .option(
      '--views <which>',
      'views to label: test, train, val, all, or a transforms-style JSON file of camera poses',
      'test',
    )
    .option('--cluster <method>', 'clustering: hdbscan, dbscan or meanshift', 'hdbscan')
    .option(
      '--min-cluster-size <n|auto>',
      'HDBSCAN minimum cluster size; auto picks it by per-frame PQ against the 2D segmenter on training views',
      'auto',
    )
    .option(
      '--selection-views <n>',
      `training views the auto parameter is scored on (default: the larger of ${MIN_SELECTION_VIEWS} and 10 % of them)`,
    )
    .option('--eps <r|auto>', 'DBSCAN radius in the [0,1]-rescaled embedding space (default auto)')
    .option(
      '--bandwidth <b|auto>',
      'MeanShift bandwidth in the [0,1]-rescaled embedding space (default auto)',
    )
    .option(
      '--sample-pixels <n>',
      'rendered training pixels the centroids are fitted on (auto cluster-size candidates scale with it)',
      String(DEFAULT_SAMPLE_PIXELS),
    )
    .option(
      '--thing-share <f>',
      'share of sampled pixels drawn where the 2D segmenter sees a thing class (only things are clustered); 0 = uniform',
      String(DEFAULT_THING_SHARE),
    )
    .option(
      '--render-size <px>',
      'larger side of rendered views; larger frames are rendered smaller and labels upsampled (default 512)',
    )
    .option('--per-object', 'also write objects/<id>.ply, one point cloud per instance')
    .option('--seed <n>', 'random seed (default: the run’s seed)');
  addBackendOptions(cmd).action(async (flags: SegmentFlags) => {
    applyBackendFlags(flags);
    const method = flags.cluster;
    if (method !== 'hdbscan' && method !== 'dbscan' && method !== 'meanshift') {
      throw new Error(`--cluster must be hdbscan, dbscan or meanshift, got "${method}"`);
    }
    const raw =
      method === 'hdbscan'
        ? flags.minClusterSize
        : method === 'dbscan'
          ? (flags.eps ?? 'auto')
          : (flags.bandwidth ?? 'auto');
    const parameter = raw === 'auto' ? 'auto' : Number(raw);
    if (parameter !== 'auto' && !(parameter > 0))
      throw new Error(`the ${method} parameter must be a positive number or auto, got "${raw}"`);
    const thingShare = Number(flags.thingShare);
    if (!(thingShare >= 0 && thingShare <= 1))
      throw new Error(`--thing-share must be a number in [0, 1], got "${flags.thingShare}"`);
    const samplePixels = intFlag('sample-pixels', flags.samplePixels, 1);
    const selectionViews =
      flags.selectionViews === undefined ? undefined : intFlag('selection-views', flags.selectionViews, 1);
    const bar = progressBar('segment');
    const result = await segmentRun({
      runDir: flags.run,
      ...(flags.scene ? { sceneDir: flags.scene } : {}),
      views: flags.views,
      method,
      parameter,
      out: flags.out,
      samplePixels,
      thingShare,
      ...(selectionViews ? { selectionViews } : {}),
      ...(flags.renderSize ? { renderSize: Number(flags.renderSize) } : {}),
      perObject: flags.perObject ?? false,
      ...(flags.seed ? { seed: Number(flags.seed) } : {}),
      onProgress: bar.update,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    bar.stop();
    process.stdout.write(`${result.instances} instances, ${result.frames} views labelled → ${flags.out}\n`);
  });
}

/** `clift segment`: consistent instance ids for any view of a trained run. */
import type { Command } from 'commander';
import type { segmentRun } from '../infer/segment.ts';
import {
  DEFAULT_SAMPLE_PIXELS,
  DEFAULT_THING_SHARE,
  MIN_SELECTION_VIEWS,
} from '../infer/segment-defaults.ts';
import {
  addBackendOptions,
  addExamples,
  applyBackendFlags,
  autoOrReal,
  type BackendFlags,
  choiceFlag,
  intFlag,
  realFlag,
} from './flags.ts';
import { progressBar } from './progress.ts';

const CLUSTER_METHODS = ['hdbscan', 'dbscan', 'meanshift'] as const;

/** Smallest --render-size: a view rendered smaller carries too little to label. */
export const MIN_RENDER_SIZE = 8;

interface SegmentFlags extends BackendFlags {
  run: string;
  scene?: string;
  views: string;
  cluster: string;
  minClusterSize: string;
  singleCluster: string;
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
      'views to label: test, train, val, all, or a transforms-style JSON file of camera poses (with intrinsics)',
      'test',
    )
    .option('--cluster <method>', 'clustering: hdbscan, dbscan or meanshift', 'hdbscan')
    .option(
      '--min-cluster-size <n|auto>',
      '--cluster hdbscan only: minimum cluster size, an integer ≥ 2; auto picks it by per-frame PQ against the 2D segmenter on training views',
      'auto',
    )
    .option(
      '--single-cluster <auto|yes|no>',
      '--cluster hdbscan only: whether a thing class may come out as one cluster (the root of its tree); auto scores both with an auto size and allows it with a fixed one (the reference setting)',
      'auto',
    )
    .option(
      '--selection-views <n>',
      `training views the auto parameter is scored on (default: the larger of ${MIN_SELECTION_VIEWS} and 10 % of them)`,
    )
    .option(
      '--eps <r|auto>',
      '--cluster dbscan only: DBSCAN radius in the [0,1]-rescaled embedding space (default: auto)',
    )
    .option(
      '--bandwidth <b|auto>',
      '--cluster meanshift only: MeanShift bandwidth in the [0,1]-rescaled embedding space (default: auto)',
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
      'larger side of rendered views; larger frames are rendered smaller and labels upsampled (default: 512)',
    )
    .option('--per-object', 'also write objects/<id>.ply, one point cloud per instance')
    .option('--seed <n>', 'random seed, an integer (default: the run’s seed)');
  addExamples(
    addBackendOptions(cmd),
    'clift segment --run runs/room25 --out preds/clift',
    'clift segment --run runs/room25 --out preds/all --views all --cluster dbscan --eps 0.05',
  ).action(async (flags: SegmentFlags) => {
    const method = choiceFlag('cluster', flags.cluster, CLUSTER_METHODS);
    const parameter =
      method === 'hdbscan'
        ? flags.minClusterSize === 'auto'
          ? 'auto'
          : intFlag('min-cluster-size', flags.minClusterSize, 2)
        : method === 'dbscan'
          ? autoOrReal('eps', flags.eps ?? 'auto', { above: 0 })
          : autoOrReal('bandwidth', flags.bandwidth ?? 'auto', { above: 0 });
    const single = choiceFlag('single-cluster', flags.singleCluster, ['auto', 'yes', 'no'] as const);
    if (method !== 'hdbscan' && single !== 'auto')
      throw new Error(`--single-cluster applies to --cluster hdbscan, not ${method}`);
    const unused =
      method === 'hdbscan' ? ['eps', 'bandwidth'] : method === 'dbscan' ? ['bandwidth'] : ['eps'];
    for (const name of unused)
      if (flags[name as 'eps' | 'bandwidth'] !== undefined)
        throw new Error(
          `--${name} applies to --cluster ${name === 'eps' ? 'dbscan' : 'meanshift'}, not ${method}`,
        );
    const thingShare = realFlag('thing-share', flags.thingShare, { min: 0, max: 1 });
    const samplePixels = intFlag('sample-pixels', flags.samplePixels, 1);
    const selectionViews =
      flags.selectionViews === undefined ? undefined : intFlag('selection-views', flags.selectionViews, 1);
    const renderSize =
      flags.renderSize === undefined ? undefined : intFlag('render-size', flags.renderSize, MIN_RENDER_SIZE);
    const seed = flags.seed === undefined ? undefined : intFlag('seed', flags.seed);
    applyBackendFlags(flags);
    const { segmentRun } = await import('../infer/segment.ts');
    const bar = progressBar('segment');
    let result: Awaited<ReturnType<typeof segmentRun>>;
    try {
      result = await segmentRun({
        runDir: flags.run,
        ...(flags.scene ? { sceneDir: flags.scene } : {}),
        views: flags.views,
        method,
        parameter,
        ...(single !== 'auto' ? { singleCluster: single === 'yes' } : {}),
        out: flags.out,
        samplePixels,
        thingShare,
        ...(selectionViews ? { selectionViews } : {}),
        ...(renderSize !== undefined ? { renderSize } : {}),
        perObject: flags.perObject ?? false,
        ...(seed !== undefined ? { seed } : {}),
        onProgress: bar.update,
        log: bar.log,
      });
    } finally {
      bar.stop();
    }
    process.stdout.write(`${result.instances} instances, ${result.frames} views labelled → ${flags.out}\n`);
  });
}

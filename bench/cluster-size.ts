/**
 * How `clift segment` picks HDBSCAN's minimum cluster size, studied on trained slow-fast runs at several N: every
 * candidate size scored by the automatic selection (per-frame PQ against the 2D segmenter on training views), by
 * the same per-frame PQ against ground truth on the same views, and by PQ^scene on the test views, with the
 * sampled pixel count of the 2D segments beside it. Shares its cached scenes and runs with paper-tables --quick.
 * Usage: npx tsx bench/cluster-size.ts [--objects 25,50,100] [--env old_room] [--views 80] [--size 128]
 *   [--iters 1500] [--work runs/bench] [--out bench/results/cluster-size.md]
 *   (the full-mode runs of paper-tables: --views 0 --size 192 --iters 8600 at M = 1200)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterParams } from '../src/cluster/types.ts';
import { Rng } from '../src/core/rng.ts';
import { readInstances, readSemantics } from '../src/data/maps.ts';
import { framesOf } from '../src/data/scene.ts';
import { reducedIntrinsics } from '../src/data/training-views.ts';
import { classKinds } from '../src/eval/evaluate.ts';
import type { LabelPair } from '../src/eval/labels.ts';
import { panopticQuality } from '../src/eval/panoptic-quality.ts';
import { assignInstances, extractCentroids, type LinkageCache } from '../src/infer/class-centroids.ts';
import { loadRun } from '../src/infer/load-model.ts';
import {
  DEFAULT_SAMPLE_PIXELS,
  DEFAULT_SAMPLE_VIEWS,
  DEFAULT_THING_SHARE,
  segmentSample,
  selectionFrames,
  selectionViews,
} from '../src/infer/segment.ts';
import { candidateParams, centroidScore } from '../src/infer/select-parameter.ts';
import { renderLabels } from '../src/model/label-render.ts';
import { ensureBranch, ensureScene, type SceneSpec, sceneName } from './lib/experiment.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const objects = arg('--objects', '25,50,100').split(',').map(Number);
const env = arg('--env', 'old_room') as SceneSpec['env'];
const views = Number(arg('--views', '80'));
const size = Number(arg('--size', '128'));
const iters = Number(arg('--iters', '1500'));
const work = arg('--work', 'runs/bench');
const outPath = arg('--out', 'bench/results/cluster-size.md');
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Sizes scored beyond the automatic candidates. */
const EXTRA_SIZES = [20, 50, 100, 200, 400, 800, 1500, 3000];

interface Row {
  size: number;
  /** Whether HDBSCAN may return a class's root as its one cluster. */
  single: boolean;
  auto: boolean;
  vsSegmenter: number;
  vsTruth: number;
  pqScene: number;
  instances: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function study(n: number): Promise<{ rows: Row[]; segments: number[]; gtObjects: number }> {
  const spec: SceneSpec = { objects: n, env, views, size, noise: 'medium', seed: 0 };
  const sceneDir = await ensureScene(join(work, 'scenes'), spec, log);
  const runRoot = join(work, 'runs', `${sceneName(spec)}-i${iters}-t${size}`);
  const run = { iters, trainSize: size, seed: 0 };
  const { dir } = await ensureBranch(
    sceneDir,
    runRoot,
    run,
    { name: 'slow-fast', instance: { instanceLoss: 'slow-fast' } },
    log,
  );
  const loaded = loadRun(dir, sceneDir);
  const { scene, config, model } = loaded;
  if (
    config.trainSize <
    Math.max(...framesOf(scene, 'all').map((f) => Math.max(f.intrinsics.w, f.intrinsics.h)))
  )
    throw new Error(
      'this study compares with ground truth at the training size: give --size equal to the train size',
    );
  const kinds = classKinds(scene);
  const things = [...kinds.things].sort((a, b) => a - b);
  const train = framesOf(scene, 'train');
  const rng = new Rng(config.seed).fork('segment');
  const sample = segmentSample(loaded, train, {}, rng);
  const chosen = selectionFrames(train, rng);
  const sel = selectionViews(loaded, chosen);
  const sweep = rng.fork('sweep');
  // The same views scored against ground truth in place of the segmenter.
  const selTruth = sel.map((v, i) => ({
    ...v,
    segmenterSemantic: readSemantics(scene, chosen[i]!, 'gt_semantic_file_path'),
    segmenterInstance: readInstances(scene, chosen[i]!, 'gt_instance_file_path'),
  }));
  const test = framesOf(scene, 'test').map((f) => ({
    r: renderLabels(model, f, reducedIntrinsics(f.intrinsics, size)),
    semantic: readSemantics(scene, f, 'gt_semantic_file_path'),
    instance: readInstances(scene, f, 'gt_instance_file_path'),
  }));
  // Sampled pixels per 2D segment: each view draws `per` pixels, a share of them among its thing pixels.
  const per = Math.ceil(DEFAULT_SAMPLE_PIXELS / Math.min(DEFAULT_SAMPLE_VIEWS, train.length));
  const segments: number[] = [];
  for (const v of sel) {
    const area = new Map<number, number>();
    let thing = 0;
    v.segmenterInstance.forEach((id, i) => {
      if (id === 0 || !kinds.things.has(v.segmenterSemantic[i]!)) return;
      thing++;
      area.set(id, (area.get(id) ?? 0) + 1);
    });
    for (const a of area.values()) segments.push((per * DEFAULT_THING_SHARE * a) / thing);
  }
  const gtObjects = new Set(test.flatMap((t) => [...t.instance].filter((i) => i > 0))).size;
  const auto = candidateParams('hdbscan', sample.semantic.length, sample.dim) as Extract<
    ClusterParams,
    { method: 'hdbscan' }
  >[];
  const sizes = [...new Set([...auto.map((p) => p.minClusterSize), ...EXTRA_SIZES])].sort((a, b) => a - b);
  const rows: Row[] = [];
  const trees: LinkageCache = new Map();
  for (const single of [true, false])
    for (const s of sizes) {
      const params: ClusterParams = {
        method: 'hdbscan',
        minClusterSize: s,
        minSamples: 1,
        allowSingleCluster: single,
      };
      const key = JSON.stringify(params);
      const centroids = extractCentroids(sample, things, params, sweep.fork(key), undefined, trees);
      const testPairs: LabelPair[] = test.map((t) => ({
        predSemantic: t.r.semantic,
        predInstance: assignInstances(t.r.embedding, sample.dim, t.r.semantic, centroids),
        gtSemantic: t.semantic,
        gtInstance: t.instance,
      }));
      const row = {
        size: s,
        single,
        auto: single && auto.some((p) => p.minClusterSize === s),
        vsSegmenter: centroidScore(centroids, sample.dim, sel, kinds),
        vsTruth: centroidScore(centroids, sample.dim, selTruth, kinds),
        pqScene: panopticQuality(testPairs, kinds).pq,
        instances: centroids.reduce((a, c) => a + c.centroids.length, 0),
      };
      rows.push(row);
      log(
        `N=${n} size ${s}${single ? '' : ' (no single cluster)'}: vs segmenter ${(100 * row.vsSegmenter).toFixed(2)}, vs truth ${(100 * row.vsTruth).toFixed(2)}, PQ^scene ${(100 * row.pqScene).toFixed(2)}, ${row.instances} instances`,
      );
    }
  writeFileSync(
    join(dir, 'cluster-size.json'),
    `${JSON.stringify({ rows, segments, gtObjects, thingClasses: things.length })}\n`,
  );
  return { rows, segments, gtObjects };
}

const out: string[] = [
  '# Choosing the minimum cluster size (HDBSCAN)',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)}: ${env}, ${views === 0 ? 'the paper’s M views' : `${views} views`} of ${size}², medium-noise simulated segmenter, slow-fast run of ${iters} iterations, seed 0; the default sample (3·10⁵ pixels, three quarters on the segmenter's things). Per-frame PQ (all things merged) on the automatic selection's training views, against the segmenter ("vs segmenter", what the selection maximises) and against ground truth; PQ^scene on the test views. ★ = the automatic choice.`,
  '',
];
for (const n of objects) {
  const { rows, segments, gtObjects } = await study(n);
  const best = rows.filter((r) => r.auto).reduce((a, b) => (b.vsSegmenter > a.vsSegmenter ? b : a));
  out.push(
    `## N = ${n} (${gtObjects} objects in the test views)`,
    '',
    `Sampled pixels per 2D thing segment on those views: median ${quantile(segments, 0.5).toFixed(0)}, quartiles ${quantile(segments, 0.25).toFixed(0)} / ${quantile(segments, 0.75).toFixed(0)} (${segments.length} segments).`,
    '',
    '| min cluster size | single cluster allowed | candidate | per-frame PQ vs segmenter | per-frame PQ vs truth | PQ^scene (test) | instances |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.size}${r === best ? ' ★' : ''} | ${r.single ? 'yes' : 'no'} | ${r.auto ? 'yes' : ''} | ${(100 * r.vsSegmenter).toFixed(2)} | ${(100 * r.vsTruth).toFixed(2)} | ${(100 * r.pqScene).toFixed(2)} | ${r.instances} |`,
    ),
    '',
  );
  writeFileSync(outPath, `${out.join('\n')}\n`);
}

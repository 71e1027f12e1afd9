/**
 * The paper's experiments on generated scenes, at a reduced size stated in every table:
 * table 2 (PQ^scene of slow-fast, vanilla and linear assignment as N grows, both environments), table 4 (the
 * 2D baselines vs clift), table 3 / appendix E (every instance loss), table 7 (HDBSCAN vs DBSCAN vs MeanShift) and
 * figure 5 (embedding size 3 / 8 / 24). Like the paper, geometry, colour and semantic field are trained once per
 * scene and every variant trains only its instance field from that shared state.
 * Usage: npx tsx bench/paper-tables.ts [--quick] [--work DIR]   (results in bench/results/)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { TRACK_MODES } from '../src/eval/baselines/run-baseline.ts';
import { writePlotPng } from '../src/export/line-plot.ts';
import type { TrainConfig } from '../src/model/config.ts';
import {
  type Branch,
  baselineScore,
  ensureBranch,
  ensureScene,
  type RunSpec,
  type SceneSpec,
  type Score,
  sceneName,
  segmentScore,
} from './lib/experiment.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const quick = process.argv.includes('--quick');
const work = arg('--work', 'runs/bench');
const results = 'bench/results';
mkdirSync(results, { recursive: true });

/**
 * Sizes: --quick is what the README's tables show (three scenes, about 45 minutes on 2 cores); the full
 * mode is the same protocol on all eight scenes at a larger size.
 */
const sizes = quick
  ? {
      objects: [25, 100],
      envs: ['old_room', 'large_corridor'] as const,
      views: 80,
      size: 128,
      iters: 1500,
      skip: ['large_corridor/100'],
    }
  : {
      objects: [25, 50, 100, 500],
      envs: ['old_room', 'large_corridor'] as const,
      views: 150,
      size: 192,
      iters: 3000,
      skip: [] as string[],
    };
const run: RunSpec = { iters: sizes.iters, trainSize: sizes.size, seed: 0 };
const noise = 'medium' as const;
const t0 = performance.now();
const log = (line: string) =>
  process.stdout.write(`[${((performance.now() - t0) / 60000).toFixed(1).padStart(5)} min] ${line}\n`);

const date = new Date().toISOString().slice(0, 10);
const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}`;
const protocol = (spec: string) =>
  [
    `Measured ${date} (${quick ? '`--quick`' : 'full'} mode) on ${machine}.`,
    `${spec} Simulated 2D segmenter at ${noise} noise; ${run.iters} iterations at ${run.trainSize}² (instance stage`,
    `from iteration ${Math.floor(0.55 * run.iters)}, geometry and semantic field shared by every variant), seed ${run.seed};`,
    'HDBSCAN with automatic cluster size unless stated; PQ^scene on the test views (every 5th view held out).',
  ].join(' ');

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(1));

function sceneSpec(objects: number, env: SceneSpec['env']): SceneSpec {
  return { objects, env, views: sizes.views, size: sizes.size, noise, seed: 0 };
}

/** Trains (or reuses) one variant on a scene and scores it with a clustering method. */
async function variant(
  spec: SceneSpec,
  name: string,
  instance: Partial<TrainConfig>,
  method: 'hdbscan' | 'dbscan' | 'meanshift' = 'hdbscan',
): Promise<Score> {
  const sceneDir = await ensureScene(join(work, 'scenes'), spec, log);
  const runRoot = join(work, 'runs', `${sceneName(spec)}-i${run.iters}-t${run.trainSize}`);
  const branch: Branch = { name, instance };
  const { dir, seconds } = await ensureBranch(sceneDir, runRoot, run, branch, log);
  const score = await segmentScore(sceneDir, dir, method, seconds);
  log(`  ${sceneName(spec)} ${name} ${method}: PQ^scene ${fmt(score.pq)} (${score.instances} instances)`);
  return score;
}

const slots = (n: number) => Math.max(25, n);
const methods: { label: string; name: string; instance: (n: number) => Partial<TrainConfig> }[] = [
  {
    label: 'Linear assignment (Panoptic Lifting)',
    name: 'linear-assignment',
    instance: (n) => ({ instanceLoss: 'linear-assignment', slots: slots(n) }),
  },
  { label: 'Vanilla contrastive', name: 'vanilla', instance: () => ({ instanceLoss: 'vanilla' }) },
  {
    label: 'Slow-fast (+ concentration)',
    name: 'slow-fast',
    instance: () => ({ instanceLoss: 'slow-fast' }),
  },
];

// Table 2 and table 4: every scene, three instance losses, four baselines.
const table2: Record<string, Record<string, Score>> = {};
const table4: Record<string, Record<string, Score>> = {};
for (const env of sizes.envs) {
  for (const n of sizes.objects) {
    const spec = sceneSpec(n, env);
    const key = `${env}/${n}`;
    if (sizes.skip.includes(key)) continue;
    log(`scene ${key}`);
    table2[key] = {};
    for (const m of methods) table2[key]![m.name] = await variant(spec, m.name, m.instance(n));
    const sceneDir = await ensureScene(join(work, 'scenes'), spec, log);
    table4[key] = {};
    for (const track of TRACK_MODES) table4[key]![track] = await baselineScore(sceneDir, track);
  }
}
const cols = sizes.envs.flatMap((env) => sizes.objects.map((n) => `${env}/${n}`)).filter((c) => table2[c]);
const header = (first: string) => [
  `| ${first} | ${cols.map((c) => c.replace('/', ', N = ')).join(' | ')} |`,
  `|---|${cols.map(() => '---').join('|')}|`,
];
writeFileSync(
  join(results, 'scaling.md'),
  [
    '# PQ^scene as the number of objects grows (paper table 2)',
    '',
    protocol(`Scenes: ${sizes.views} views of ${sizes.size}² per scene, N objects, both environments.`),
    `Linear assignment uses K = max(25, N) slots; the contrastive losses an embedding of size 3.`,
    '',
    ...header('method'),
    ...methods.map((m) => `| ${m.label} | ${cols.map((c) => fmt(table2[c]![m.name]!.pq)).join(' | ')} |`),
    '',
    'Instance-stage training seconds:',
    '',
    ...header('method'),
    ...methods.map(
      (m) => `| ${m.label} | ${cols.map((c) => table2[c]![m.name]!.seconds.toFixed(0)).join(' | ')} |`,
    ),
    '',
  ].join('\n'),
);
writePlotPng(
  join(results, 'scaling.png'),
  sizes.envs.flatMap((env) =>
    methods.map((m) => ({
      name: `${m.name} (${env})`,
      x: sizes.objects.filter((n) => table2[`${env}/${n}`]),
      y: sizes.objects.filter((n) => table2[`${env}/${n}`]).map((n) => table2[`${env}/${n}`]![m.name]!.pq),
    })),
  ),
  { title: 'PQ^scene vs number of objects', xLabel: 'objects N', yLabel: 'PQ^scene' },
);
const trackLabel = (t: string) =>
  t === 'none' ? '2D segmenter (no tracking)' : `2D segmenter + ${t} tracking`;
writeFileSync(
  join(results, 'baselines.md'),
  [
    '# clift vs the 2D segmenter with tracking (paper table 4)',
    '',
    protocol(`Scenes as in scaling.md (${sizes.views} views of ${sizes.size}²).`),
    'Tracking: none; iou = Hungarian matching of consecutive frames on 2D IoU; warp = on IoU after warping with',
    'ground-truth depth and pose; cloud = fusing segments into a ground-truth point cloud.',
    '',
    ...header('method'),
    ...TRACK_MODES.map(
      (t) => `| ${trackLabel(t)} | ${cols.map((c) => fmt(table4[c]![t]!.pq)).join(' | ')} |`,
    ),
    `| clift (slow-fast) | ${cols.map((c) => fmt(table2[c]!['slow-fast']!.pq)).join(' | ')} |`,
    '',
  ].join('\n'),
);

// Table 3 / appendix E, table 7 and figure 5 on the first scene.
const first = sceneSpec(sizes.objects[0]!, sizes.envs[0]);
const firstName = `${first.env}, N = ${first.objects}`;
log(`losses, clustering and embedding size on ${firstName}`);
const losses: [string, string, Partial<TrainConfig>][] = [
  ['slow-fast', 'L_sf + L_conc (slow-fast)', { instanceLoss: 'slow-fast' }],
  ['vanilla', 'L_contr (vanilla)', { instanceLoss: 'vanilla' }],
  ['vanilla+conc', 'L_contr + L_conc(fast)', { instanceLoss: 'vanilla+conc' }],
  ['ae', 'associative embedding', { instanceLoss: 'ae' }],
  ['margin', 'margin (discriminative) loss', { instanceLoss: 'margin' }],
  ['linear-assignment', 'linear assignment, K = 25', { instanceLoss: 'linear-assignment', slots: 25 }],
];
const lossRows: string[] = [];
for (const [name, label, instance] of losses) {
  const s = await variant(first, name, instance);
  lossRows.push(
    `| ${label} | ${fmt(s.pq)} | ${fmt(s.thingPq)} | ${s.instances} | ${fmt(s.miou)} | ${s.seconds.toFixed(0)} |`,
  );
}
writeFileSync(
  join(results, 'losses.md'),
  [
    '# Instance losses (paper table 3 and appendix E)',
    '',
    protocol(`Scene: ${firstName}, ${sizes.views} views of ${sizes.size}².`),
    'Linear assignment is read out by arg-max slot, not clustered.',
    '',
    '| loss | PQ^scene | thing PQ | instances | mIoU | instance-stage s |',
    '|---|---|---|---|---|---|',
    ...lossRows,
    '',
  ].join('\n'),
);
const clusterRows: string[] = [];
for (const [method, label] of [
  ['dbscan', 'DBSCAN (eps selected)'],
  ['meanshift', 'MeanShift (bandwidth selected)'],
  ['hdbscan', 'HDBSCAN (min cluster size selected)'],
] as const) {
  const s = await variant(first, 'slow-fast', { instanceLoss: 'slow-fast' }, method);
  clusterRows.push(`| ${label} | ${fmt(s.pq)} | ${s.instances} |`);
}
writeFileSync(
  join(results, 'clustering.md'),
  [
    '# Clustering methods (paper table 7)',
    '',
    protocol(`Scene: ${firstName}; one slow-fast run (embedding size 3), clustered three ways.`),
    'Each method’s parameter is picked automatically by per-frame PQ against the 2D segmenter on the larger of',
    '40 and 10 % of the training views, as for HDBSCAN.',
    '',
    '| clustering | PQ^scene | instances |',
    '|---|---|---|',
    ...clusterRows,
    '',
  ].join('\n'),
);
const dims = [3, 8, 24];
const dimScores: Score[] = [];
for (const d of dims)
  dimScores.push(
    await variant(first, d === 3 ? 'slow-fast' : `slow-fast-d${d}`, {
      instanceLoss: 'slow-fast',
      embedDim: d,
    }),
  );
writeFileSync(
  join(results, 'embedding-size.md'),
  [
    '# Embedding size (paper figure 5)',
    '',
    protocol(`Scene: ${firstName}; slow-fast loss.`),
    '',
    '| embedding size | PQ^scene | instances | instance-stage s |',
    '|---|---|---|---|',
    ...dims.map(
      (d, i) =>
        `| ${d} | ${fmt(dimScores[i]!.pq)} | ${dimScores[i]!.instances} | ${dimScores[i]!.seconds.toFixed(0)} |`,
    ),
    '',
  ].join('\n'),
);
writePlotPng(
  join(results, 'embedding-size.png'),
  [{ name: 'slow-fast', x: dims, y: dimScores.map((s) => s.pq) }],
  { title: `PQ^scene vs embedding size (${firstName})`, xLabel: 'embedding size', yLabel: 'PQ^scene' },
);
log(`done: tables in ${results}/ (scaling, baselines, losses, clustering, embedding-size)`);

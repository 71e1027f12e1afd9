/**
 * The paper's experiments on generated scenes, at a reduced size stated in every table:
 * table 2 (PQ^scene of slow-fast, vanilla and linear assignment as N grows, both environments), table 4 (the
 * 2D baselines vs clift), table 3 / appendix E (every instance loss), table 7 (HDBSCAN vs DBSCAN vs MeanShift) and
 * figure 5 (embedding size 3 / 8 / 24). Like the paper, geometry, colour and semantic field are trained once per
 * scene and every variant trains only its instance field from that shared state.
 * Every step (scene, shared run, branch, segmentation, baseline) runs in its own child process, is cached, and is
 * reported with its seconds and peak memory in messy-rooms-cost.md.
 * Usage: npx tsx bench/paper-tables.ts [--quick | --smoke] [--work DIR] [--only ENV/N,...]   (results in
 * bench/results/, full mode's as scaling-full.md and baselines-full.md; --only runs just those scenes' tables 2 and 4
 * and nothing else; every finished scene's scores and costs are kept in bench/results/scenes[-full]/ENV-nN.json, and
 * the tables hold every scene found there, so the full table is built across sessions one scene at a time;
 * --smoke checks the machinery on tiny scenes and writes its tables under the work folder)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/data/png.ts';
import { TRACK_MODES } from '../src/eval/baselines/run-baseline.ts';
import { writePlotPng } from '../src/export/line-plot.ts';
import { parseTrainConfig, type TrainConfig } from '../src/model/config.ts';
import {
  benchCommit,
  benchMachine,
  fullModeIters,
  INSTANCE_DRAWS,
  linearAssignmentSlots,
  type RunSpec,
  runTimings,
  type SceneSpec,
  type Score,
  sceneName,
  sceneSeconds,
  viewCounts,
} from './lib/experiment.ts';
import { isolated } from './lib/isolated.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const smoke = process.argv.includes('--smoke');
const quick = smoke || process.argv.includes('--quick');
const work = arg('--work', 'runs/bench');
const results = process.argv.includes('--smoke')
  ? join(arg('--work', 'runs/bench'), 'results')
  : 'bench/results';
mkdirSync(results, { recursive: true });

/**
 * Sizes: --quick is what the README's tables showed so far (three scenes, about 45 minutes on 2 cores); the full
 * mode is the paper's protocol: all eight scenes, the paper's view count M = min(1200, ⌊600·√(N/25)⌋), 192² images
 * trained at full size, and an instance stage of at least INSTANCE_DRAWS steps per training view.
 */
const sizes = smoke
  ? // --smoke: a minute's check of the machinery (tiny scenes, numbers meaningless), results in --work only.
    {
      objects: [4, 6],
      envs: ['old_room', 'large_corridor'] as const,
      views: 10,
      size: 48,
      iters: 80,
      skip: ['large_corridor/6'],
    }
  : quick
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
        views: 0,
        size: 192,
        iters: 6000,
        skip: [] as string[],
      };
const only = arg('--only', '').split(',').filter(Boolean);
/** Full-mode tables go to their own files (scaling-full.md, …) beside the --quick ones the README quotes. */
const suffix = quick ? '' : '-full';
const noise = 'medium' as const;

/** The run settings of a scene: quick mode's fixed length, or long enough for INSTANCE_DRAWS steps per view. */
function runFor(spec: SceneSpec): RunSpec {
  if (quick) return { iters: sizes.iters, trainSize: sizes.size, seed: 0 };
  return { iters: fullModeIters(viewCounts(spec).train, sizes.iters), trainSize: sizes.size, seed: 0 };
}
const run = runFor(sceneSpec(sizes.objects[0]!, sizes.envs[0]));
const t0 = performance.now();
const log = (line: string) =>
  process.stdout.write(`[${((performance.now() - t0) / 60000).toFixed(1).padStart(5)} min] ${line}\n`);

const date = new Date().toISOString().slice(0, 10);
const machine = benchMachine();
const commit = benchCommit();
const protocol = (spec: string) =>
  [
    measuredOn(),
    `${spec} Simulated 2D segmenter at ${noise} noise;`,
    quick
      ? `${run.iters} iterations at ${run.trainSize}² (instance stage from iteration ${Math.floor(0.55 * run.iters)},`
      : `at least ${sizes.iters} iterations at ${run.trainSize}², more where needed for ${INSTANCE_DRAWS} instance steps per training view (per scene in messy-rooms-cost.md;`,
    `geometry and semantic field shared by every variant), seed ${run.seed};`,
    'HDBSCAN with automatic cluster size unless stated; PQ^scene on the test views (every 5th view held out).',
  ].join(' ');

/** The contrastive losses' embedding size: the config default, as a user gets it. */
const EMBED_DIM = parseTrainConfig({}, 'default config').embedDim;

/** "an embedding of size D", naming each scene's size where the kept records differ. */
function embeddingSizes(): string {
  const bySize = new Map<number, string[]>();
  for (const [name, c] of Object.entries(costs))
    bySize.set(c.embedDim ?? 3, [...(bySize.get(c.embedDim ?? 3) ?? []), name]);
  if (bySize.size <= 1) return `an embedding of size ${[...bySize.keys()][0] ?? EMBED_DIM}`;
  return `an embedding of size ${[...bySize].map(([d, names]) => `${d} (${names.join(', ')})`).join(', ')}`;
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(1));

function sceneSpec(objects: number, env: SceneSpec['env']): SceneSpec {
  return { objects, env, views: sizes.views, size: sizes.size, noise, seed: 0 };
}

/** Every scene of this mode in table order, keyed ENV/N. */
const modeScenes = sizes.envs.flatMap((env) =>
  sizes.objects.map((n) => ({ key: `${env}/${n}`, n, spec: sceneSpec(n, env) })),
);

/** One scene's costs: generation, the shared run, and every branch and segmentation, with peak memory. */
interface SceneCost {
  /** When and on what the scene's steps ran (scenes of one table may come from different sessions). */
  measured: string;
  machine: string;
  commit: string;
  views: number;
  trainViews: number;
  run: RunSpec;
  sceneSeconds: number | null;
  base: Record<string, number>;
  steps: { name: string; seconds: number; peakRssMiB: number }[];
  psnr: number | null;
  /** Embedding size of the contrastive losses (absent in records from before it was kept: 3, the default then). */
  embedDim?: number;
}
const costs: Record<string, SceneCost> = {};

/** A finished scene as kept on disk: its rows of tables 2 and 4 and its cost. */
interface SceneRecord {
  table2: Record<string, Score>;
  table4: Record<string, Score>;
  cost: SceneCost;
}
const recordDir = join(results, `scenes${suffix}`);
const recordPath = (spec: SceneSpec) => join(recordDir, `${sceneName(spec)}.json`);

/** The kept record of a scene, or null when it has none. */
function loadRecord(spec: SceneSpec): SceneRecord | null {
  const path = recordPath(spec);
  if (!existsSync(path)) return null;
  const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<SceneRecord>;
  if (!r.table2 || !r.table4 || !r.cost)
    throw new Error(`${path}: not a scene record (needs table2, table4, cost)`);
  return r as SceneRecord;
}

/** "Measured DATE on MACHINE" when every scene shares them, else a pointer to the per-scene cost table. */
function measuredOn(): string {
  const seen = [...new Set(Object.values(costs).map((c) => `${c.measured} on ${c.machine}`))];
  return seen.length === 1
    ? `Measured ${seen[0]} (${quick ? '`--quick`' : 'full'} mode).`
    : `Measured in ${quick ? '`--quick`' : 'full'} mode over several sessions (date and machine of each scene in messy-rooms-cost.md).`;
}

function sceneDirOf(spec: SceneSpec): string {
  const { result, peakRssMiB } = isolated<string>('scene', { root: join(work, 'scenes'), spec });
  const c = costOf(spec, result);
  if (!c.steps.some((s) => s.name === 'scene')) c.steps.push({ name: 'scene', seconds: 0, peakRssMiB });
  return result;
}

function costOf(spec: SceneSpec, sceneDir: string): SceneCost {
  const key = sceneName(spec);
  const { views, train } = viewCounts(spec);
  costs[key] ??= {
    measured: date,
    machine,
    commit,
    views,
    trainViews: train,
    run: runFor(spec),
    sceneSeconds: sceneSeconds(sceneDir),
    base: {},
    steps: [],
    psnr: null,
    embedDim: EMBED_DIM,
  };
  return costs[key]!;
}

/** Trains (or reuses) one variant on a scene and scores it with a clustering method. */
async function variant(
  spec: SceneSpec,
  name: string,
  instance: Partial<TrainConfig>,
  method: 'hdbscan' | 'dbscan' | 'meanshift' = 'hdbscan',
): Promise<Score> {
  const sceneDir = sceneDirOf(spec);
  const cost = costOf(spec, sceneDir);
  const runSpec = cost.run;
  const runRoot = join(work, 'runs', `${sceneName(spec)}-i${runSpec.iters}-t${runSpec.trainSize}`);
  const base = isolated<string>('base', { sceneDir, runRoot, run: runSpec });
  cost.base = runTimings(base.result);
  if (!cost.steps.some((s) => s.name === 'geometry + semantic'))
    cost.steps.push({
      name: 'geometry + semantic',
      seconds: Object.values(cost.base).reduce((x, y) => x + y, 0),
      peakRssMiB: base.peakRssMiB,
    });
  const branch = isolated<{ dir: string; seconds: number }>('branch', {
    sceneDir,
    runRoot,
    run: runSpec,
    branch: { name, instance },
  });
  const { dir, seconds } = branch.result;
  const seg = isolated<Score>('segment', { sceneDir, runDir: dir, method, seconds });
  const score = seg.result;
  cost.steps.push({ name: `${name} instance stage`, seconds, peakRssMiB: branch.peakRssMiB });
  cost.steps.push({
    name: `${name} segment (${method})`,
    seconds: score.segmentSeconds ?? 0,
    peakRssMiB: seg.peakRssMiB,
  });
  cost.psnr ??= score.psnr ?? null;
  log(`  ${sceneName(spec)} ${name} ${method}: PQ^scene ${fmt(score.pq)} (${score.instances} instances)`);
  return score;
}

/** Writes messy-rooms-cost.md: per scene its views, iterations per stage, PSNR, seconds and peak memory. */
function writeCosts(): void {
  const order = modeScenes.map((m) => sceneName(m.spec));
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const scenes = Object.entries(costs).sort(([a], [b]) => rank(a) - rank(b));
  const rows = scenes.map(([name, c]) => {
    const semantic = Math.floor(0.4 * c.run.iters);
    const instance = Math.floor(0.55 * c.run.iters);
    const its = `${semantic} / ${instance - semantic} / ${c.run.iters - instance}`;
    const perView = ((c.run.iters - instance) / c.trainViews).toFixed(1);
    const seconds = (pattern: RegExp) =>
      c.steps
        .filter((s) => pattern.test(s.name))
        .map((s) => s.seconds.toFixed(0))
        .join(' / ') || '—';
    const peak = Math.max(...c.steps.map((s) => s.peakRssMiB));
    const stages = ['geometry', 'semantic']
      .map((k) => `${k} ${(c.base[k] ?? 0).toFixed(0)}`)
      .concat(
        Object.keys(c.base)
          .filter((k) => !['geometry', 'semantic'].includes(k))
          .map((k) => `${k} ${c.base[k]!.toFixed(0)}`),
      )
      .join(', ');
    return `| ${name} | ${c.measured}, ${c.commit}, ${c.machine} | ${c.views} (${c.trainViews}) | ${its} | ${perView} | ${fmt(c.psnr)} | ${c.sceneSeconds === null ? '—' : c.sceneSeconds.toFixed(0)} | ${stages} | ${seconds(/instance stage$/)} | ${seconds(/segment \(hdbscan\)$/)} | ${(peak / 1024).toFixed(2)} |`;
  });
  const steps = scenes.flatMap(([name, c]) =>
    c.steps.map(
      (s) => `| ${name} | ${s.name} | ${s.seconds.toFixed(0)} | ${(s.peakRssMiB / 1024).toFixed(2)} |`,
    ),
  );
  writeFileSync(
    join(results, 'messy-rooms-cost.md'),
    [
      '# What each scene of the benchmark cost',
      '',
      `${quick ? '`--quick`' : 'Full'} mode; every step in its own process, each scene on the date and machine its row names.`,
      'Iterations: geometry / semantic / instance stage. Instance seconds and segmentation seconds are per method,',
      "in the order the tables list them. Peak RSS: the largest of the scene's steps (each step's below).",
      '',
      '| scene | measured | views (train) | iterations | instance steps per training view | PSNR | scene s | geometry + semantic s | instance s | segment s | peak RSS GiB |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      '| scene | step | seconds | peak RSS GiB |',
      '|---|---|---|---|',
      ...steps,
      '',
    ].join('\n'),
  );
}

const methods: { label: string; name: string; instance: (n: number) => Partial<TrainConfig> }[] = [
  {
    label: 'Linear assignment (Panoptic Lifting)',
    name: 'linear-assignment',
    instance: (n) => ({ instanceLoss: 'linear-assignment', slots: linearAssignmentSlots(n) }),
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
for (const { key, spec } of modeScenes) {
  const r = loadRecord(spec);
  if (!r) continue;
  table2[key] = r.table2;
  table4[key] = r.table4;
  costs[sceneName(spec)] = r.cost;
}
for (const { key, n, spec } of modeScenes) {
  if (sizes.skip.includes(key) || (only.length > 0 && !only.includes(key))) continue;
  log(`scene ${key}`);
  delete costs[sceneName(spec)];
  table2[key] = {};
  for (const m of methods) table2[key]![m.name] = await variant(spec, m.name, m.instance(n));
  const sceneDir = sceneDirOf(spec);
  table4[key] = {};
  for (const track of TRACK_MODES) {
    const b = isolated<Score>('baseline', { sceneDir, track });
    table4[key]![track] = b.result;
    costOf(spec, sceneDir).steps.push({
      name: `baseline ${track}`,
      seconds: b.result.segmentSeconds ?? b.result.seconds,
      peakRssMiB: b.peakRssMiB,
    });
  }
  const record: SceneRecord = { table2: table2[key]!, table4: table4[key]!, cost: costs[sceneName(spec)]! };
  mkdirSync(recordDir, { recursive: true });
  writeFileAtomic(recordPath(spec), `${JSON.stringify(record, null, 1)}\n`);
  writeCosts();
}
const cols = modeScenes.map((m) => m.key).filter((c) => table2[c]);
const header = (first: string) => [
  `| ${first} | ${cols.map((c) => c.replace('/', ', N = ')).join(' | ')} |`,
  `|---|${cols.map(() => '---').join('|')}|`,
];
writeFileSync(
  join(results, `scaling${suffix}.md`),
  [
    '# PQ^scene as the number of objects grows (paper table 2)',
    '',
    protocol(
      `Scenes: ${sizes.views > 0 ? sizes.views : 'the paper’s M = min(1200, ⌊600·√(N/25)⌋)'} views of ${sizes.size}² per scene, N objects, both environments.`,
    ),
    `Linear assignment uses K = max(25, N) slots; the contrastive losses ${embeddingSizes()}.`,
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
  join(results, `scaling${suffix}.png`),
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
  join(results, `baselines${suffix}.md`),
  [
    '# clift vs the 2D segmenter with tracking (paper table 4)',
    '',
    protocol(
      `Scenes as in scaling${suffix}.md (${sizes.views > 0 ? sizes.views : 'M'} views of ${sizes.size}²).`,
    ),
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
if (only.length > 0) {
  writeCosts();
  log(
    `done: --only ${only.join(',')}: tables 2 and 4 in ${results}/ (scaling${suffix}, baselines${suffix}, messy-rooms-cost)`,
  );
  process.exit(0);
}
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
    protocol(`Scene: ${firstName}, ${viewCounts(first).views} views of ${sizes.size}².`),
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
    protocol(`Scene: ${firstName}; one slow-fast run (embedding size ${EMBED_DIM}), clustered three ways.`),
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
    await variant(first, d === EMBED_DIM ? 'slow-fast' : `slow-fast-d${d}`, {
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
writeCosts();
log(`done: tables in ${results}/ (scaling, baselines, losses, clustering, embedding-size, messy-rooms-cost)`);

/**
 * Clustering benchmark: HDBSCAN exact (on the TypeScript reference and on the native kernels) vs kNN path, DBSCAN
 * and MeanShift on seeded Gaussian blobs with 5 % uniform noise, up to 10^5 points in 24-D. Prints a markdown table
 * and writes it to bench/results/cluster.md.
 * Usage: tsx bench/cluster.ts [--full]   (--full adds the exact path at 10^5 points in 3-D)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adjustedRandIndex } from '../src/cluster/ari.ts';
import { cluster } from '../src/cluster/cluster.ts';
import type { ClusterParams, ClusterResult } from '../src/cluster/types.ts';
import { compute, setCompute } from '../src/fields/compute.ts';
import { type BackendKind, createBackend } from '../src/kernels/index.ts';
import { gaussianBlobs, type LabelledPoints } from '../test/helpers/cluster-blobs.ts';

interface Case {
  n: number;
  d: number;
  params: ClusterParams;
  /** Key of an earlier case whose labels this one should reproduce exactly. */
  sameAs?: string;
  key?: string;
  /** The backend whose exact HDBSCAN kernels run (default: native when built). */
  backend?: BackendKind;
}

const full = process.argv.includes('--full');
const hdb = (path: 'exact' | 'knn', minClusterSize = 10, minSamples = 5): ClusterParams => ({
  method: 'hdbscan',
  minClusterSize,
  minSamples,
  path,
});

const cases: Case[] = [
  { n: 1e4, d: 3, params: hdb('exact'), key: 'h4', backend: 'ts' },
  { n: 1e4, d: 3, params: hdb('exact'), sameAs: 'h4' },
  { n: 1e4, d: 3, params: hdb('knn'), sameAs: 'h4' },
  ...(full ? [{ n: 1e5, d: 3, params: hdb('exact'), key: 'h5' }] : []),
  { n: 1e5, d: 3, params: hdb('knn'), sameAs: full ? 'h5' : undefined },
  { n: 1e5, d: 3, params: hdb('knn', 500, 1) },
  { n: 1e4, d: 16, params: hdb('exact'), key: 'h16', backend: 'ts' },
  { n: 1e4, d: 16, params: hdb('exact'), sameAs: 'h16' },
  { n: 1e4, d: 16, params: hdb('knn'), sameAs: 'h16' },
  { n: 1e4, d: 24, params: hdb('exact'), key: 'h24', backend: 'ts' },
  { n: 1e4, d: 24, params: hdb('exact'), sameAs: 'h24' },
  // clift segment's setting (min_samples 1) and the default one, at the size of figure 5's D = 24 row.
  { n: 1e5, d: 24, params: hdb('exact', 10, 1) },
  { n: 1e5, d: 24, params: hdb('exact', 10, 5) },
  { n: 1e4, d: 3, params: { method: 'dbscan', eps: 0.5, minSamples: 5 } },
  { n: 1e5, d: 3, params: { method: 'dbscan', eps: 0.3, minSamples: 10 } },
  {
    n: 1e4,
    d: 3,
    params: { method: 'meanshift', bandwidth: 1.5, binSeeding: true, minBinFreq: 10, clusterAll: false },
  },
  {
    n: 1e5,
    d: 3,
    params: { method: 'meanshift', bandwidth: 1.5, binSeeding: true, minBinFreq: 10, clusterAll: false },
  },
];

const datasets = new Map<string, LabelledPoints>();
function dataset(n: number, d: number): LabelledPoints {
  const key = `${n}x${d}`;
  let data = datasets.get(key);
  if (!data) {
    // 5 blobs (σ = 0.5, centres ≥ 5 apart in [-10, 10]^d) plus 5 % uniform noise: n points in all.
    const perBlob = Math.round(n / 5 / 1.05);
    data = gaussianBlobs({
      blobs: 5,
      perBlob,
      d,
      sigma: 0.5,
      box: 10,
      minSeparation: 5,
      noiseFraction: 0.05,
      seed: key,
    });
    datasets.set(key, data);
  }
  return data;
}

function describe(p: ClusterParams): string {
  switch (p.method) {
    case 'hdbscan':
      return `HDBSCAN ${p.path} (mcs ${p.minClusterSize}, ms ${p.minSamples})`;
    case 'dbscan':
      return `DBSCAN (eps ${p.eps}, ms ${p.minSamples})`;
    case 'meanshift':
      return `MeanShift (bw ${p.bandwidth}, bins ≥ ${p.minBinFreq})`;
  }
}

const loadAtStart = loadavg()[0]!.toFixed(2);
const rows: string[] = [];
const results = new Map<string, ClusterResult>();
const fast = compute();
if (fast.kind !== 'native')
  console.warn(`native kernels not built: the exact rows run on ${fast.description}`);
const reference = createBackend({ kind: 'ts' });
for (const c of cases) {
  const data = dataset(c.n, c.d);
  const be = c.backend === 'ts' ? reference : fast;
  setCompute(be);
  const t0 = performance.now();
  const r = cluster(data.points, data.n, c.d, c.params);
  const seconds = (performance.now() - t0) / 1000;
  if (c.key) results.set(c.key, r);
  let same = '';
  if (c.sameAs) {
    const ref = results.get(c.sameAs)!;
    same = ref.labels.every((l, i) => l === r.labels[i]) ? 'yes' : 'NO';
  }
  const ari = adjustedRandIndex(r.labels, data.truth);
  const exact = c.params.method === 'hdbscan' && c.params.path === 'exact';
  const row = `| ${describe(c.params)} | ${exact ? be.description : ''} | ${data.n} | ${c.d} | ${seconds.toFixed(2)} | ${r.nClusters} | ${ari.toFixed(4)} | ${same} |`;
  rows.push(row);
  console.log(row);
}

const header = [
  '| method | exact kernels on | points | d | seconds | clusters | ARI vs truth | same labels as the TS reference |',
  '|---|---|---|---|---|---|---|---|',
];
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const text = [
  '# Clustering benchmark',
  '',
  `Run on ${new Date().toISOString().slice(0, 10)} with Node ${process.version} on ${cpus().length} cores (${cpu}),`,
  `single run per row; the native core distances use ${fast.threads} threads, its Prim tree and everything else one core;`,
  `1-minute load average at the start: ${loadAtStart}.`,
  '**The machine was shared with other jobs during the run, so times are',
  `noisy upper bounds.** Command: \`npx tsx bench/cluster.ts${full ? ' --full' : ''}\`.`,
  '',
  'Data: 5 Gaussian blobs (σ = 0.5, centres at least 5 apart in [-10, 10]^d) plus 5 % uniform noise, seeded.',
  'ARI counts noise (-1) as one more group, against the generating labels (noise points labelled -1).',
  'HDBSCAN "exact" is all-pairs core distances plus dense Prim (the TypeScript reference, or the native kernels,',
  'which filter pairs by a float distance with a rounding bound and give bit-identical trees); "knn" is kd-tree',
  'core distances plus kd-tree Borůvka. All return the same minimum spanning tree, so their labels agree exactly.',
  '',
  ...header,
  ...rows,
  '',
].join('\n');
console.log(`\n${header.join('\n')}\n${rows.join('\n')}`);
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'cluster.md');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, text);
console.log(`\nwrote ${out}`);

/**
 * The automatic cluster-size sweep of `clift segment` on 3·10⁵ embedding-like points (3-D Gaussian blobs, two
 * thing classes): every candidate clustered from scratch, as before 2026-12-02, against one HDBSCAN tree per class
 * shared by all candidates; same centroids required. Writes bench/results/size-sweep.md.
 * Usage: npx tsx bench/size-sweep.ts [--points N]
 */
import { deepStrictEqual } from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Rng } from '../src/core/rng.ts';
import { extractCentroids, type LinkageCache } from '../src/infer/class-centroids.ts';
import { candidateParams } from '../src/infer/select-parameter.ts';
import { gaussianBlobs } from '../test/helpers/cluster-blobs.ts';

const i = process.argv.indexOf('--points');
const total = i >= 0 ? Number(process.argv[i + 1]) : 300000;
const classes = [1, 2];
const parts = classes.map((c) =>
  gaussianBlobs({
    blobs: 20,
    perBlob: Math.floor(total / classes.length / 20),
    d: 3,
    sigma: 0.4,
    box: 10,
    minSeparation: 2,
    noiseFraction: 0.05,
    seed: `sweep-${c}`,
  }),
);
const n = parts.reduce((s, p) => s + p.n, 0);
const embedding = new Float32Array(n * 3);
const semantic = new Uint16Array(n);
let o = 0;
parts.forEach((p, k) => {
  embedding.set(p.points, o * 3);
  semantic.fill(classes[k]!, o, o + p.n);
  o += p.n;
});
const sample = { embedding, dim: 3, semantic };
const candidates = candidateParams('hdbscan', n, 3);
const load = loadavg()[0]!.toFixed(2);

function sweep(trees?: LinkageCache) {
  const t0 = performance.now();
  const out = candidates.map((p) => extractCentroids(sample, classes, p, new Rng('s'), undefined, trees));
  return { seconds: (performance.now() - t0) / 1000, out };
}
const fresh = sweep();
const shared = sweep(new Map());
deepStrictEqual(shared.out, fresh.out);
const instances = fresh.out.map((c) => c.reduce((s, x) => s + x.centroids.length, 0));
const text = [
  '# The automatic cluster-size sweep',
  '',
  `Run on ${new Date().toISOString().slice(0, 10)} with Node ${process.version} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}; 1-minute load average at the start: ${load} (shared machine: seconds are upper bounds, the ratio is from one run). Command: \`npx tsx bench/size-sweep.ts\`.`,
  '',
  `${n} points in 3-D (two classes of 20 Gaussian blobs plus 5 % noise), the ${candidates.length} candidates of \`clift segment\` (${[...new Set(candidates.map((p) => (p.method === 'hdbscan' ? p.minClusterSize : 0)))].join(', ')}, each with and without a single cluster allowed); instances per candidate: ${instances.join(', ')}. Both sweeps give identical centroids (checked).`,
  '',
  '| sweep | seconds |',
  '|---|---|',
  `| every candidate clustered from scratch | ${fresh.seconds.toFixed(1)} |`,
  `| one HDBSCAN tree per class, shared by all candidates | ${shared.seconds.toFixed(1)} |`,
  `| ratio | ${(fresh.seconds / shared.seconds).toFixed(1)}× |`,
  '',
].join('\n');
process.stdout.write(text);
writeFileSync('bench/results/size-sweep.md', text);

/**
 * The same training workload on an older commit and on this tree, in one run: a 25-object scene of 128²
 * (100 views, generated once into tmp/bench-scenes/), the default config, N timed steps of each stage (geometry from
 * a checkpoint at iteration 1000 of 3000 — final grid, formed field — then semantic and instance) plus the
 * sample-cache build. Rounds alternate REF and HEAD, each in a fresh
 * process, so drift on the machine hits both; medians per stage and their ratio go to bench/results/compare.md.
 * REF is checked out as a git worktree under tmp/ with this tree's node_modules linked in.
 * Usage: npx tsx bench/compare.ts REF [--steps N] [--rounds R]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { workload } from './lib/workload.ts';

const args = process.argv.slice(2);
const ref = args[0];
if (!ref || ref.startsWith('--')) {
  process.stderr.write('usage: npx tsx bench/compare.ts REF [--steps N] [--rounds R]\n');
  process.exit(2);
}
const flag = (name: string, def: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const steps = flag('--steps', 30);
const rounds = flag('--rounds', 3);
const root = resolve(import.meta.dirname, '..');
const git = (...a: string[]) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
const refSha = git('rev-parse', ref);
const headSha = git('rev-parse', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no').length > 0;

const { scene, run } = workload();

const worktree = join(root, 'tmp', `compare-${refSha.slice(0, 10)}`);
if (!existsSync(worktree)) {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  git('worktree', 'add', '--detach', worktree, refSha);
  symlinkSync(join(root, 'node_modules'), join(worktree, 'node_modules'));
  execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: worktree, stdio: 'inherit' });
  if (existsSync(join(worktree, 'scripts', 'build-native.mjs')))
    execFileSync(process.execPath, ['scripts/build-native.mjs'], { cwd: worktree, stdio: 'inherit' });
}
mkdirSync(join(worktree, 'bench', 'lib'), { recursive: true });
// A tree from before src/model/ gets the driver written against its API; newer trees get HEAD's.
const legacy = !existsSync(join(worktree, 'src', 'model', 'model.ts'));
const driver = legacy
  ? join('bench', 'lib', 'legacy', 'step-driver.ts')
  : join('bench', 'lib', 'step-driver.ts');
copyFileSync(join(root, driver), join(worktree, 'bench', 'lib', 'step-driver.ts'));
if (!legacy)
  copyFileSync(join(root, 'bench', 'lib', 'workload.ts'), join(worktree, 'bench', 'lib', 'workload.ts'));

interface Times {
  geometry: number;
  semantic: number;
  instance: number;
  cache: number;
}

function runDriver(tree: string): Times {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/lib/step-driver.ts', scene, String(steps), run],
    {
      cwd: tree,
      encoding: 'utf8',
      env: process.env,
    },
  );
  if (r.status !== 0) throw new Error(`${tree}: step driver failed\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Times;
}

const results: Record<'ref' | 'head', Times[]> = { ref: [], head: [] };
for (let i = 0; i < rounds; i++) {
  for (const [name, tree] of [
    ['ref', worktree],
    ['head', root],
  ] as const) {
    const t = runDriver(tree);
    results[name].push(t);
    process.stdout.write(`round ${i + 1} ${name}: ${JSON.stringify(t)}\n`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = (['geometry', 'semantic', 'instance', 'cache'] as const).map((k) => {
  const a = median(results.ref.map((t) => t[k]));
  const b = median(results.head.map((t) => t[k]));
  const unit = k === 'cache' ? 's' : 'ms';
  const what = k === 'cache' ? 'sample-cache build (100 views)' : `${k} step`;
  return `| ${what} | ${a.toFixed(1)} ${unit} | ${b.toFixed(1)} ${unit} | **${(a / b).toFixed(2)}×** |`;
});
const date = new Date().toISOString().slice(0, 10);
const out = [
  '# Training step time: HEAD against an older commit',
  '',
  `Measured ${date}, Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}; ` +
    `REF ${refSha.slice(0, 7)}, HEAD ${headSha.slice(0, 7)}${dirty ? ' (with uncommitted changes)' : ''}; ` +
    `25 objects, 100 views of 128², default config, geometry from a checkpoint at iteration 1000; ${steps} timed steps per stage after 3 untimed, ` +
    `${rounds} interleaved rounds, medians. Each side runs its own default backend and thread count.`,
  '',
  `| stage | ${refSha.slice(0, 7)} | HEAD | speed-up |`,
  '|---|---|---|---|',
  ...rows,
  '',
];
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'compare.md'), out.join('\n'));
process.stdout.write(`\n${out.join('\n')}`);

/**
 * Runs every benchmark in sequence (each in its own process so timings do not interfere) and leaves their tables
 * in bench/results/. Usage: npm run bench [-- --quick]   (--quick: the reduced paper tables, about 45 minutes on 2 cores)
 */
import { spawnSync } from 'node:child_process';

const quick = process.argv.includes('--quick');
const runs: [string, string[]][] = [
  ['bench/kernels.ts', []],
  ['bench/cluster.ts', []],
  ['bench/instance-speed.ts', quick ? ['--steps', '10'] : []],
  ['bench/generate.ts', []],
  ['bench/paper-tables.ts', quick ? ['--quick'] : []],
];
const t0 = performance.now();
for (const [script, args] of runs) {
  process.stdout.write(`\n== ${script} ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`${script} failed with exit code ${r.status}\n`);
    process.exitCode = 1;
  }
}
process.stdout.write(`\nall benchmarks: ${((performance.now() - t0) / 60000).toFixed(1)} min\n`);

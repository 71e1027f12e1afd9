/**
 * The training workload of bench/compare.ts and bench/step-profile.ts: a 25-object scene of 100 views at 128²
 * (generated once) and a run of it stopped at iteration 1000 of 3000 (final grid, formed field), made once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

/**
 * The training config of the workload besides the defaults: 6678176's iteration count and grid, pinned so every tree
 * trains the same model (bench/lib/legacy/step-driver.ts, for older trees, carries its own copy).
 */
export const WORKLOAD_CONFIG = {
  iters: 3000,
  grid: { start: 48, end: 96, densityComponents: 16, appearanceComponents: 48, occupancy: 64 },
};

/** Scene and run folders of the workload, created when missing (exits on failure). */
export function workload(): { scene: string; run: string } {
  const scene = join(root, 'tmp', 'bench-scenes', 'compare-25-128');
  const run = join(root, 'tmp', 'bench-scenes', 'compare-25-128-run');
  const node = (args: string[]) => {
    if (spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
  };
  if (!existsSync(join(scene, 'transforms.json'))) {
    process.stdout.write(`generating ${scene}\n`);
    node([
      join(root, 'bin', 'clift.js'),
      'generate',
      '--objects',
      '25',
      '--views',
      '100',
      '--size',
      '128',
      '--seed',
      '0',
      '--out',
      scene,
    ]);
  }
  if (!existsSync(join(run, 'checkpoint.bin'))) {
    process.stdout.write(`training ${run} into its geometry stage (once)\n`);
    node(['--import', 'tsx', 'bench/lib/step-driver.ts', '--prepare', scene, run]);
  }
  return { scene, run };
}

/**
 * Runs one benchmark step (a scene, a base run, a branch, a segmentation, a baseline) in a child process, so that
 * each step's peak memory is its own and a multi-hour benchmark does not accumulate memory across steps.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StepName, StepOutput } from './step-child.ts';

const child = join(dirname(fileURLToPath(import.meta.url)), 'step-child.ts');

/** Runs a step of bench/lib/step-child.ts in a fresh Node process; its output carries the child's peak RSS. */
export function isolated<T>(step: StepName, args: unknown): StepOutput<T> {
  const dir = mkdtempSync(join(tmpdir(), 'clift-bench-'));
  const out = join(dir, 'out.json');
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, step, JSON.stringify(args), out], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`bench step ${step} failed (exit ${r.status ?? r.signal})`);
    return JSON.parse(readFileSync(out, 'utf8')) as StepOutput<T>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The numeric backend the fields use: one per process, created on first use from `configureCompute` (the CLI's
 * --backend / --threads) or else CLIFT_BACKEND / CLIFT_THREADS — native kernels where they were built, else the
 * WASM SIMD backend, else the TypeScript reference.
 */
import { availableParallelism } from 'node:os';
import { BACKEND_CHOICES, type Backend, type BackendChoice, createBackend } from '../kernels/index.ts';

let current: Backend | null = null;
let wanted: { kind?: BackendChoice; threads?: number } = {};

/** Reads a backend choice from a flag or variable value; throws naming `source` when it is not one. */
export function parseBackendChoice(value: string, source: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`${source}: unknown backend "${value}" (choose ${BACKEND_CHOICES.join(', ')})`);
}

/** Chooses the backend created by the next compute() (replacing one already created). */
export function configureCompute(options: { kind?: BackendChoice; threads?: number }): void {
  wanted = { ...options };
  if (current) {
    current.dispose();
    current = null;
  }
}

/** The process-wide backend. */
export function compute(): Backend {
  if (current) return current;
  const env = process.env.CLIFT_BACKEND;
  const kind = wanted.kind ?? (env ? parseBackendChoice(env, 'CLIFT_BACKEND') : 'auto');
  const threads =
    wanted.threads ?? (Number(process.env.CLIFT_THREADS) || Math.min(4, availableParallelism()));
  try {
    current = createBackend({ kind, threads });
  } catch (e) {
    if (kind !== 'auto') throw e;
    process.stderr.write(
      `clift: fast kernels unavailable (${(e as Error).message}); using the TypeScript reference\n`,
    );
    current = createBackend({ kind: 'ts' });
  }
  return current;
}

/** Replaces the process-wide backend (tests, benchmarks); the previous one is disposed. */
export function setCompute(backend: Backend): void {
  if (current && current !== backend) current.dispose();
  current = backend;
}

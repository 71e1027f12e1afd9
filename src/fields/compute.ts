/**
 * The numeric backend the fields use: one per process, created on first use — the WASM SIMD backend on worker
 * threads, or the TypeScript reference when CLIFT_BACKEND=ts (or when WASM cannot load).
 */
import { availableParallelism } from 'node:os';
import { type Backend, createBackend } from '../kernels/index.ts';

let current: Backend | null = null;

/** The process-wide backend (CLIFT_BACKEND = wasm | ts, CLIFT_THREADS = worker count). */
export function compute(): Backend {
  if (current) return current;
  const kind = process.env.CLIFT_BACKEND === 'ts' ? 'ts' : 'wasm';
  const threads = Number(process.env.CLIFT_THREADS) || Math.min(4, availableParallelism());
  try {
    current = createBackend({ kind, threads });
  } catch (e) {
    if (kind === 'ts') throw e;
    process.stderr.write(
      `clift: WASM kernels unavailable (${(e as Error).message}); using the TypeScript reference\n`,
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

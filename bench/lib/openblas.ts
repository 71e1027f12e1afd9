/** Native OpenBLAS single-thread sgemm through numpy, for comparison rows in the benchmarks (null without it). */
import { spawnSync } from 'node:child_process';

const SCRIPT = `
import sys, time, numpy as np
m, n, k = map(int, sys.argv[1:4])
rng = np.random.default_rng(0)
a = rng.random((m, k), dtype=np.float32); b = rng.random((k, n), dtype=np.float32)
for _ in range(5): a @ b
best = []
for _ in range(5):
    t = time.perf_counter(); reps = 0
    while time.perf_counter() - t < 0.4: a @ b; reps += 1
    best.append((time.perf_counter() - t) / reps * 1000)
best.sort(); print(best[len(best) // 2])
`;

/** Median ms and GFLOP/s of an m×k · k×n float32 product on one OpenBLAS thread, or null. */
export function openBlasSgemm(m: number, n: number, k: number): { ms: number; gflops: number } | null {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  const r = spawnSync('python3', ['-c', SCRIPT, String(m), String(n), String(k)], { encoding: 'utf8', env });
  const ms = Number(r.stdout?.trim());
  if (r.status !== 0 || !(ms > 0)) return null;
  return { ms, gflops: (2 * m * n * k) / ms / 1e6 };
}

import type { Num } from './types.ts';

/** Plain triple-loop C = op(A)·op(B) (+ bias) (+ C), optional ReLU; sums in double precision. */
export function gemmRef(
  a: Num,
  b: Num,
  c: Num,
  m: number,
  n: number,
  k: number,
  transA = false,
  transB = false,
  bias: Num | null = null,
  accumulate = false,
  relu = false,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c[i * n + j]! : 0;
      if (bias) s += bias[j]!;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i]! : a[i * k + p]!;
        const bv = transB ? b[j * k + p]! : b[p * n + j]!;
        s += av * bv;
      }
      c[i * n + j] = relu && s < 0 ? 0 : s;
    }
  }
}

/** out[j] = Σ_r x[r, j] (added when accumulate). */
export function colSumRef(x: Num, rows: number, cols: number, out: Num, accumulate = false): void {
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * cols + j]!;
    out[j] = accumulate ? out[j]! + s : s;
  }
}

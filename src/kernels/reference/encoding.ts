import type { Num } from './types.ts';

/**
 * Frequency encoding of n rows of dim values: out row = (x, then for k < F: sin(2^k·π·x), cos(2^k·π·x)), each
 * block of dim values, so out has dim·(1 + 2F) columns.
 */
export function frequencyEncodeRef(x: Num, n: number, dim: number, frequencies: number, out: Num): void {
  const outDim = dim * (1 + 2 * frequencies);
  for (let r = 0; r < n; r++) {
    const o = r * outDim;
    for (let c = 0; c < dim; c++) {
      const v = x[r * dim + c]!;
      out[o + c] = v;
      let f = Math.PI;
      for (let k = 0; k < frequencies; k++) {
        out[o + dim + 2 * k * dim + c] = Math.sin(f * v);
        out[o + dim + (2 * k + 1) * dim + c] = Math.cos(f * v);
        f *= 2;
      }
    }
  }
}

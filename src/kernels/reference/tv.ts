import type { Num } from './types.ts';

/**
 * weight × total variation of a channel-last (rows × cols × comps) plane: mean squared difference of horizontal
 * neighbours plus that of vertical neighbours. Adds its gradient into grad and returns its value.
 */
export function tvPlaneRef(
  data: Num,
  grad: Num,
  rows: number,
  cols: number,
  comps: number,
  weight: number,
): number {
  const C = comps;
  const countA = C * rows * (cols - 1);
  const countB = C * (rows - 1) * cols;
  let total = 0;
  for (let jb = 0; jb < rows; jb++) {
    for (let ja = 0; ja < cols; ja++) {
      const i = (jb * cols + ja) * C;
      for (let c = 0; c < C; c++) {
        if (ja + 1 < cols) {
          const diff = data[i + C + c]! - data[i + c]!;
          total += (weight * diff * diff) / countA;
          const gg = (2 * weight * diff) / countA;
          grad[i + C + c]! += gg;
          grad[i + c]! -= gg;
        }
        if (jb + 1 < rows) {
          const diff = data[i + cols * C + c]! - data[i + c]!;
          total += (weight * diff * diff) / countB;
          const gg = (2 * weight * diff) / countB;
          grad[i + cols * C + c]! += gg;
          grad[i + c]! -= gg;
        }
      }
    }
  }
  return total;
}

import type { Num } from './types.ts';

/** Which columns of row r take part: label equality (when labels are given) and c != r (when excludeDiagonal). */
export interface MaskRef {
  rowLabels?: Int32Array | null;
  colLabels?: Int32Array | null;
  excludeDiagonal?: boolean;
}

function inMask(mask: MaskRef, r: number, c: number): boolean {
  if (mask.excludeDiagonal && r === c) return false;
  if (mask.rowLabels && mask.colLabels) return mask.rowLabels[r] === mask.colLabels[c];
  return true;
}

/** out[r] = log Σ_{c in mask} exp(x[r, c]) (-Infinity for an empty mask). */
export function logSumExpRowsRef(x: Num, rows: number, cols: number, out: Num, mask: MaskRef = {}): void {
  for (let r = 0; r < rows; r++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) if (inMask(mask, r, c)) mx = Math.max(mx, x[r * cols + c]!);
    if (mx === Number.NEGATIVE_INFINITY) {
      out[r] = mx;
      continue;
    }
    let s = 0;
    for (let c = 0; c < cols; c++) if (inMask(mask, r, c)) s += Math.exp(x[r * cols + c]! - mx);
    out[r] = mx + Math.log(s);
  }
}

/** gradX = gradOut[r]·softmax over the mask (added when accumulate). */
export function logSumExpRowsBackwardRef(
  x: Num,
  rows: number,
  cols: number,
  lse: Num,
  gradOut: Num,
  gradX: Num,
  mask: MaskRef = {},
  accumulate = false,
): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const empty = lse[r] === Number.NEGATIVE_INFINITY;
      const v = !empty && inMask(mask, r, c) ? gradOut[r]! * Math.exp(x[i]! - lse[r]!) : 0;
      gradX[i] = accumulate ? gradX[i]! + v : v;
    }
  }
}

/** y[r, :] = softmax(x[r, :]). */
export function softmaxRowsRef(x: Num, rows: number, cols: number, y: Num): void {
  for (let r = 0; r < rows; r++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, x[r * cols + c]!);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[r * cols + c]! - mx);
    for (let c = 0; c < cols; c++) y[r * cols + c] = Math.exp(x[r * cols + c]! - mx) / s;
  }
}

/** gradX = y ⊙ (gradY - rowsum(gradY ⊙ y)). */
export function softmaxRowsBackwardRef(y: Num, gradY: Num, rows: number, cols: number, gradX: Num): void {
  for (let r = 0; r < rows; r++) {
    let d = 0;
    for (let c = 0; c < cols; c++) d += y[r * cols + c]! * gradY[r * cols + c]!;
    for (let c = 0; c < cols; c++) gradX[r * cols + c] = y[r * cols + c]! * (gradY[r * cols + c]! - d);
  }
}

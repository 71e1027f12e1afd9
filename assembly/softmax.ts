// Row-wise log-sum-exp and softmax over a rows x cols matrix, with an optional positive-pair mask:
// column c counts for row r when rowLabels[r] == colLabels[c] (and c != r when excludeDiagonal).
import { expv } from './simd';

const NEG_INF = f32x4.splat(-Infinity);

// @ts-ignore: decorator
@inline function maskAt(rowLabels: usize, colLabels: usize, lab: v128, r: i32, c: i32, exclDiag: bool): v128 {
  let m = i32x4.splat(-1);
  if (rowLabels != 0) m = i32x4.eq(v128.load(colLabels + (<usize>c << 2)), lab);
  if (exclDiag && r >= c && r < c + 4) {
    m = v128.and(m, i32x4.ne(i32x4.add(i32x4.splat(c), i32x4(0, 1, 2, 3)), i32x4.splat(r)));
  }
  return m;
}

// @ts-ignore: decorator
@inline function maskScalar(rowLabels: usize, colLabels: usize, lab: i32, r: i32, c: i32, exclDiag: bool): bool {
  if (exclDiag && r == c) return false;
  return rowLabels == 0 || load<i32>(colLabels + (<usize>c << 2)) == lab;
}

/** out[r] = log sum_{c in mask} exp(x[r,c]) for rows [r0, r1); -Infinity when no column is in the mask. */
export function logSumExpRows(
  x: usize, cols: i32, out: usize, rowLabels: usize, colLabels: usize, exclDiag: bool, r0: i32, r1: i32,
): void {
  for (let r = r0; r < r1; r++) {
    const row = x + (<usize>r * <usize>cols << 2);
    const labI = rowLabels != 0 ? load<i32>(rowLabels + (<usize>r << 2)) : 0;
    const lab = i32x4.splat(labI);
    let mv = NEG_INF;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const m = maskAt(rowLabels, colLabels, lab, r, c, exclDiag);
      mv = f32x4.max(mv, v128.bitselect(v128.load(row + (<usize>c << 2)), NEG_INF, m));
    }
    let mx = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; c < cols; c++) {
      if (maskScalar(rowLabels, colLabels, labI, r, c, exclDiag)) mx = max(mx, load<f32>(row + (<usize>c << 2)));
    }
    if (mx == -Infinity) {
      store<f32>(out + (<usize>r << 2), -Infinity);
      continue;
    }
    const mxv = f32x4.splat(mx);
    let sv = f32x4.splat(0);
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const m = maskAt(rowLabels, colLabels, lab, r, c, exclDiag);
      sv = f32x4.add(sv, v128.and(expv(f32x4.sub(v128.load(row + (<usize>c << 2)), mxv)), m));
    }
    let s: f64 = <f64>f32x4.extract_lane(sv, 0) + <f64>f32x4.extract_lane(sv, 1);
    s += <f64>f32x4.extract_lane(sv, 2) + <f64>f32x4.extract_lane(sv, 3);
    for (; c < cols; c++) {
      if (maskScalar(rowLabels, colLabels, labI, r, c, exclDiag)) {
        s += <f64>f32x4.extract_lane(expv(f32x4.splat(load<f32>(row + (<usize>c << 2)) - mx)), 0);
      }
    }
    store<f32>(out + (<usize>r << 2), <f32>(<f64>mx + Math.log(s)));
  }
}

/** gradX[r,c] (+)= gradOut[r] * exp(x[r,c] - lse[r]) on masked columns (0 elsewhere) for rows [r0, r1). */
export function logSumExpRowsBackward(
  x: usize, cols: i32, lse: usize, gradOut: usize, gradX: usize, rowLabels: usize, colLabels: usize,
  exclDiag: bool, accumulate: bool, r0: i32, r1: i32,
): void {
  for (let r = r0; r < r1; r++) {
    const ro = <usize>r * <usize>cols << 2;
    const row = x + ro;
    const grow = gradX + ro;
    const labI = rowLabels != 0 ? load<i32>(rowLabels + (<usize>r << 2)) : 0;
    const lab = i32x4.splat(labI);
    let l = load<f32>(lse + (<usize>r << 2));
    let g = load<f32>(gradOut + (<usize>r << 2));
    if (l == -Infinity) {
      g = 0;
      l = 0;
    }
    const lv = f32x4.splat(l), gv = f32x4.splat(g);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const a = <usize>c << 2;
      const m = maskAt(rowLabels, colLabels, lab, r, c, exclDiag);
      let v = v128.and(f32x4.mul(gv, expv(f32x4.sub(v128.load(row + a), lv))), m);
      if (accumulate) v = f32x4.add(v128.load(grow + a), v);
      v128.store(grow + a, v);
    }
    for (; c < cols; c++) {
      const a = <usize>c << 2;
      let v: f32 = 0;
      if (maskScalar(rowLabels, colLabels, labI, r, c, exclDiag)) {
        v = g * f32x4.extract_lane(expv(f32x4.splat(load<f32>(row + a) - l)), 0);
      }
      store<f32>(grow + a, accumulate ? load<f32>(grow + a) + v : v);
    }
  }
}

/** y[r,:] = softmax(x[r,:]) for rows [r0, r1) (y may alias x). */
export function softmaxRows(x: usize, cols: i32, y: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const ro = <usize>r * <usize>cols << 2;
    const row = x + ro;
    const yr = y + ro;
    let mv = NEG_INF;
    let c = 0;
    for (; c + 4 <= cols; c += 4) mv = f32x4.max(mv, v128.load(row + (<usize>c << 2)));
    let mx = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; c < cols; c++) mx = max(mx, load<f32>(row + (<usize>c << 2)));
    const mxv = f32x4.splat(mx);
    let sv = f32x4.splat(0);
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const a = <usize>c << 2;
      const e = expv(f32x4.sub(v128.load(row + a), mxv));
      v128.store(yr + a, e);
      sv = f32x4.add(sv, e);
    }
    let s: f64 = <f64>f32x4.extract_lane(sv, 0) + <f64>f32x4.extract_lane(sv, 1);
    s += <f64>f32x4.extract_lane(sv, 2) + <f64>f32x4.extract_lane(sv, 3);
    for (; c < cols; c++) {
      const a = <usize>c << 2;
      const e = f32x4.extract_lane(expv(f32x4.splat(load<f32>(row + a) - mx)), 0);
      store<f32>(yr + a, e);
      s += <f64>e;
    }
    const inv = <f32>(1 / s);
    const iv = f32x4.splat(inv);
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const a = <usize>c << 2;
      v128.store(yr + a, f32x4.mul(v128.load(yr + a), iv));
    }
    for (; c < cols; c++) {
      const a = <usize>c << 2;
      store<f32>(yr + a, load<f32>(yr + a) * inv);
    }
  }
}

/** gradX[r,c] = y[r,c] * (gradY[r,c] - sum_c' gradY[r,c'] y[r,c']) for rows [r0, r1) (gradX may alias gradY). */
export function softmaxRowsBackward(y: usize, gradY: usize, cols: i32, gradX: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const ro = <usize>r * <usize>cols << 2;
    let dv = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const a = ro + (<usize>c << 2);
      dv = f32x4.add(dv, f32x4.mul(v128.load(y + a), v128.load(gradY + a)));
    }
    let d: f32 = (f32x4.extract_lane(dv, 0) + f32x4.extract_lane(dv, 1)) + (f32x4.extract_lane(dv, 2) + f32x4.extract_lane(dv, 3));
    for (; c < cols; c++) {
      const a = ro + (<usize>c << 2);
      d += load<f32>(y + a) * load<f32>(gradY + a);
    }
    const ddv = f32x4.splat(d);
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const a = ro + (<usize>c << 2);
      v128.store(gradX + a, f32x4.mul(v128.load(y + a), f32x4.sub(v128.load(gradY + a), ddv)));
    }
    for (; c < cols; c++) {
      const a = ro + (<usize>c << 2);
      store<f32>(gradX + a, load<f32>(y + a) * (load<f32>(gradY + a) - d));
    }
  }
}

// Dense GEMM: C[i0:i1, j0:j1] = init + op(A)·op(B), with a 4x8 register micro-kernel over packed B panels.
// Element (i,k) of op(A) lives at A + 4*(i*sAi + k*sAk); element (k,j) of op(B) at B + 4*(k*sBk + j*sBj).
// Every output element is accumulated in the same order (k ascending, one lane of one accumulator) whatever
// the tile or thread that computes it, so results do not depend on how the output is partitioned.
import { madd } from './simd';

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const NC: i32 = 256;

/** Bytes of per-thread scratch that gemm needs: one packed B block plus a padded edge tile. */
export function gemmScratchBytes(): i32 {
  return (KC * NC + MR * NR + NR) * 4;
}

/** Packs op(B) rows [k0,k0+kb) x cols [j0,j0+nb) into NR-wide panels (zero padded): Bp[p][k][0..NR). */
function packB(B: usize, sBk: i32, sBj: i32, k0: i32, kb: i32, j0: i32, nb: i32, Bp: usize): void {
  for (let p = 0; p < nb; p += NR) {
    const w = min(NR, nb - p);
    let dst = Bp + (<usize>(p * kb) << 2);
    if (sBj == 1 && w == NR) {
      let src = B + (<usize>(k0 * sBk + j0 + p) << 2);
      const step = <usize>sBk << 2;
      for (let k = 0; k < kb; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += step;
        dst += 32;
      }
    } else {
      for (let k = 0; k < kb; k++) {
        const row = B + (<usize>((k0 + k) * sBk + (j0 + p) * sBj) << 2);
        const sj = <usize>sBj << 2;
        for (let jj = 0; jj < NR; jj++) {
          let v: f32 = 0;
          if (jj < w) v = load<f32>(row + <usize>jj * sj);
          store<f32>(dst + (<usize>jj << 2), v);
        }
        dst += 32;
      }
    }
  }
}

/** 4x8 tile: acc = (zeroInit ? 0 : C) + bias; acc += A rows · panel over kb; C = relu ? max(acc,0) : acc. */
// @ts-ignore: decorator
@inline function kernel4x8(
  a0: usize, a1: usize, a2: usize, a3: usize, ks: usize, kb: i32,
  bp: usize, c: usize, ldc: usize, bias: usize, zeroInit: bool, relu: bool,
): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (zeroInit) {
    c00 = f32x4.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  } else {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  if (bias != 0) {
    const b0 = v128.load(bias), b1 = v128.load(bias, 16);
    c00 = f32x4.add(c00, b0); c01 = f32x4.add(c01, b1);
    c10 = f32x4.add(c10, b0); c11 = f32x4.add(c11, b1);
    c20 = f32x4.add(c20, b0); c21 = f32x4.add(c21, b1);
    c30 = f32x4.add(c30, b0); c31 = f32x4.add(c31, b1);
  }
  for (let k = 0; k < kb; k++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(a0);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(a1);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(a2);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(a3);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a0 += ks; a1 += ks; a2 += ks; a3 += ks;
    bp += 32;
  }
  if (relu) {
    const z = f32x4.splat(0);
    c00 = f32x4.max(c00, z); c01 = f32x4.max(c01, z); c10 = f32x4.max(c10, z); c11 = f32x4.max(c11, z);
    c20 = f32x4.max(c20, z); c21 = f32x4.max(c21, z); c30 = f32x4.max(c30, z); c31 = f32x4.max(c31, z);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/**
 * C[i0:i1, j0:j1] = (accumulate ? C : 0) + bias + op(A)·op(B), optionally followed by ReLU.
 * ldc is the row stride of C in elements; bias (length >= j1) may be 0 for none; scratch is per thread.
 */
export function gemm(
  A: usize, sAi: i32, sAk: i32, B: usize, sBk: i32, sBj: i32, C: usize, ldc: i32, bias: usize,
  K: i32, i0: i32, i1: i32, j0: i32, j1: i32, accumulate: bool, relu: bool, scratch: usize,
): void {
  if (i1 <= i0 || j1 <= j0) return;
  const Bp = scratch;
  const tile = scratch + (<usize>(KC * NC) << 2);
  const tileBias = tile + (<usize>(MR * NR) << 2);
  const ldcb = <usize>ldc << 2;
  const ks = <usize>sAk << 2;
  for (let jc = j0; jc < j1; jc += NC) {
    const nb = min(NC, j1 - jc);
    let kc = 0;
    do {
      const kb = min(KC, K - kc);
      if (kb > 0) packB(B, sBk, sBj, kc, kb, jc, nb, Bp);
      const first = kc == 0;
      const last = kc + kb >= K;
      const zeroInit = first && !accumulate;
      const doRelu = last && relu;
      for (let i = i0; i < i1; i += MR) {
        const mr = min(MR, i1 - i);
        const a0 = A + (<usize>(i * sAi + kc * sAk) << 2);
        const rs = <usize>sAi << 2;
        const a1 = mr > 1 ? a0 + rs : a0;
        const a2 = mr > 2 ? a0 + 2 * rs : a0;
        const a3 = mr > 3 ? a0 + 3 * rs : a0;
        for (let p = 0; p < nb; p += NR) {
          const w = min(NR, nb - p);
          const cp = C + (<usize>(i * ldc + jc + p) << 2);
          const bp = Bp + (<usize>(p * kb) << 2);
          let biasPtr: usize = 0;
          if (first && bias != 0) biasPtr = bias + (<usize>(jc + p) << 2);
          if (mr == MR && w == NR) {
            kernel4x8(a0, a1, a2, a3, ks, kb, bp, cp, ldcb, biasPtr, zeroInit, doRelu);
          } else {
            for (let r = 0; r < MR; r++) {
              for (let jj = 0; jj < NR; jj++) {
                let v: f32 = 0;
                if (r < mr && jj < w && !zeroInit) v = load<f32>(cp + <usize>r * ldcb + (<usize>jj << 2));
                store<f32>(tile + (<usize>(r * NR + jj) << 2), v);
              }
            }
            if (biasPtr != 0) {
              for (let jj = 0; jj < NR; jj++) {
                store<f32>(tileBias + (<usize>jj << 2), jj < w ? load<f32>(biasPtr + (<usize>jj << 2)) : 0);
              }
              biasPtr = tileBias;
            }
            kernel4x8(a0, a1, a2, a3, ks, kb, bp, tile, NR * 4, biasPtr, false, doRelu);
            for (let r = 0; r < mr; r++) {
              for (let jj = 0; jj < w; jj++) {
                store<f32>(cp + <usize>r * ldcb + (<usize>jj << 2), load<f32>(tile + (<usize>(r * NR + jj) << 2)));
              }
            }
          }
        }
      }
      kc += KC;
    } while (kc < K);
  }
}

/** out[j] = (accumulate ? out[j] : 0) + sum over rows of X[r, j], for j in [j0, j1); X is rows x cols. */
export function colSum(X: usize, rows: i32, cols: i32, out: usize, j0: i32, j1: i32, accumulate: bool): void {
  const ld = <usize>cols << 2;
  let j = j0;
  for (; j + 16 <= j1; j += 16) {
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let p = X + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32)); s3 = f32x4.add(s3, v128.load(p, 48));
      p += ld;
    }
    const o = out + (<usize>j << 2);
    if (accumulate) {
      s0 = f32x4.add(v128.load(o), s0); s1 = f32x4.add(v128.load(o, 16), s1);
      s2 = f32x4.add(v128.load(o, 32), s2); s3 = f32x4.add(v128.load(o, 48), s3);
    }
    v128.store(o, s0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
  }
  for (; j < j1; j++) {
    let s: f32 = 0;
    let p = X + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      s += load<f32>(p);
      p += ld;
    }
    const o = out + (<usize>j << 2);
    store<f32>(o, accumulate ? load<f32>(o) + s : s);
  }
}

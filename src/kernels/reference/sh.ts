/** Real spherical harmonics up to degree 2 (9 functions) of a unit direction, and colour decoding from them. */
import type { Num } from './types.ts';

/** Basis functions per colour channel. */
export const SH_BASIS = 9;

/** The 9 real SH basis values of direction (x, y, z), written into out[0..8]. */
export function shBasis(x: number, y: number, z: number, out: Num): void {
  out[0] = 0.28209479177387814;
  out[1] = -0.4886025119029199 * y;
  out[2] = 0.4886025119029199 * z;
  out[3] = -0.4886025119029199 * x;
  out[4] = 1.0925484305920792 * x * y;
  out[5] = -1.0925484305920792 * y * z;
  out[6] = 0.31539156525252005 * (2 * z * z - x * x - y * y);
  out[7] = -1.0925484305920792 * x * z;
  out[8] = 0.5462742152960396 * (x * x - y * y);
}

/** rgb[i, c] = sigmoid(Σ_j sh_j(dir_i) · coefs[i, 9c + j]) for n points. */
export function shColorRef(coefs: Num, dirs: Num, n: number, rgb: Num): void {
  const sh = new Float64Array(SH_BASIS);
  const O = 3 * SH_BASIS;
  for (let i = 0; i < n; i++) {
    shBasis(dirs[i * 3]!, dirs[i * 3 + 1]!, dirs[i * 3 + 2]!, sh);
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let j = 0; j < SH_BASIS; j++) s += sh[j]! * coefs[i * O + c * SH_BASIS + j]!;
      rgb[i * 3 + c] = 1 / (1 + Math.exp(-s));
    }
  }
}

/** gradCoefs[i, 9c + j] = gradRgb[i, c] · rgb(1 − rgb) · sh_j(dir_i) (overwritten). */
export function shColorBackwardRef(dirs: Num, rgb: Num, gradRgb: Num, n: number, gradCoefs: Num): void {
  const sh = new Float64Array(SH_BASIS);
  const O = 3 * SH_BASIS;
  for (let i = 0; i < n; i++) {
    shBasis(dirs[i * 3]!, dirs[i * 3 + 1]!, dirs[i * 3 + 2]!, sh);
    for (let c = 0; c < 3; c++) {
      const y = rgb[i * 3 + c]!;
      const g = gradRgb[i * 3 + c]! * y * (1 - y);
      for (let j = 0; j < SH_BASIS; j++) gradCoefs[i * O + c * SH_BASIS + j] = g * sh[j]!;
    }
  }
}

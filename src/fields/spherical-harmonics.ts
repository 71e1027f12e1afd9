/** Real spherical harmonics up to degree 2 (9 functions) of a unit direction, and colour decoding from them. */

/** The 9 real SH basis values of direction (x, y, z), written into out[0..8]. */
export function shBasis(x: number, y: number, z: number, out: Float64Array): void {
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

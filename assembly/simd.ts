// Shared SIMD helpers: multiply-add (fused when relaxed SIMD is compiled in) and a vector exp.

/** a*b + c on four lanes; fused (relaxed SIMD) or separate multiply and add, fixed per build. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Scalar a*b + c computed through lane 0 of madd, so scalar tails round like vector bodies. */
// @ts-ignore: decorator
@inline export function maddScalar(a: f32, b: f32, c: f32): f32 {
  return f32x4.extract_lane(madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
}

/** exp on four lanes: range reduction by ln 2 and a degree-6 polynomial; about 2 ulp, 0 below -87.3. */
// @ts-ignore: decorator
@inline export function expv(x: v128): v128 {
  const lo = f32x4.splat(-87.3);
  const under = f32x4.lt(x, lo);
  let xc = f32x4.max(x, lo);
  xc = f32x4.min(xc, f32x4.splat(88.3));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.44269504)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const r2 = f32x4.mul(r, r);
  const y = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const out = f32x4.mul(y, scale);
  return v128.andnot(out, under);
}

/** Scalar exp through lane 0 of expv, identical to the vector path. */
export function expScalar(x: f32): f32 {
  return f32x4.extract_lane(expv(f32x4.splat(x)), 0);
}

// Align-corners axis lookup with zero padding, shared by the VM and grid kernels.

/**
 * Continuous texel position of coordinate u in [-1,1] on an axis of `res` texels (align_corners: -1 is texel 0,
 * +1 is texel res-1), clamped to [-1, res] so that NaN and far-away coordinates stay convertible to i32.
 */
// @ts-ignore: decorator
@inline export function axisPos(u: f32, res: i32): f32 {
  let f = (u + 1) * 0.5 * <f32>(res - 1);
  if (!(f > -1)) f = -1;
  if (f > <f32>res) f = <f32>res;
  return f;
}

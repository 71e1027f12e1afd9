/**
 * Camera geometry in the scene format's conventions: camera-to-world poses with OpenGL axes (+x right, +y up,
 * looking down −z), pixel (u, v) centred at (u + 0.5, v + 0.5), planar z-depth; lens models in distortion.ts.
 */
import type { Frame, Intrinsics } from '../data/scene.ts';
import { distortPlanar, distortPoint, undistortToRay } from './distortion.ts';

export type Vec3 = [number, number, number];

/** Distorts normalised image coordinates (x right, y down) of a point in front of the camera by its lens model. */
export function distort(intr: Intrinsics, x: number, y: number): [number, number] {
  return distortPlanar(intr, x, y);
}

/** Inverts `distort` (iteratively, to ~1e-14); for fisheye rays 90° or more off the axis the result is not finite. */
export function undistort(intr: Intrinsics, xd: number, yd: number): [number, number] {
  const [x, y, z] = undistortToRay(intr, xd, yd);
  return [x / z, y / z];
}

/**
 * Camera-space direction of the ray through continuous image point (px, py), through the lens model: on the
 * z = −1 plane for rays in front of the camera (so planar depth × direction is the point), a unit vector with
 * z ≥ 0 for fisheye rays 90° or more off the axis.
 */
export function imagePointToCameraDir(intr: Intrinsics, px: number, py: number): Vec3 {
  const xd = (px - intr.cx) / intr.fx;
  const yd = (py - intr.cy) / intr.fy;
  if (intr.model === 'PINHOLE') return [xd, -yd, -1];
  const [x, y, z] = undistortToRay(intr, xd, yd);
  return [x, -y, -z];
}

/** Camera-space direction of the ray through the centre of pixel (u, v). */
export function pixelToCameraDir(intr: Intrinsics, u: number, v: number): Vec3 {
  return imagePointToCameraDir(intr, u + 0.5, v + 0.5);
}

/**
 * Continuous image point (px, py) and planar depth of a camera-space point through the lens model; depth ≤ 0
 * is behind the camera (its image point is meaningful only for a fisheye).
 */
export function cameraPointToImage(intr: Intrinsics, p: Vec3): { px: number; py: number; depth: number } {
  const depth = -p[2];
  const [x, y] = distortPoint(intr, p[0], -p[1], depth);
  return { px: x * intr.fx + intr.cx, py: y * intr.fy + intr.cy, depth };
}

/** Inverse of a rigid row-major 4×4 transform. */
export function invertRigid(m: ArrayLike<number>): Float64Array {
  const out = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 4 + c] = m[c * 4 + r]!;
    out[r * 4 + 3] = -(m[0 * 4 + r]! * m[3]! + m[1 * 4 + r]! * m[7]! + m[2 * 4 + r]! * m[11]!);
  }
  out[15] = 1;
  return out;
}

/** Applies a row-major 4×4 affine transform to a point. */
export function transformPoint(m: ArrayLike<number>, p: Vec3): Vec3 {
  return [
    m[0]! * p[0] + m[1]! * p[1] + m[2]! * p[2] + m[3]!,
    m[4]! * p[0] + m[5]! * p[1] + m[6]! * p[2] + m[7]!,
    m[8]! * p[0] + m[9]! * p[1] + m[10]! * p[2] + m[11]!,
  ];
}

/** Applies the rotation part of a row-major 4×4 transform to a direction. */
export function transformDir(m: ArrayLike<number>, d: Vec3): Vec3 {
  return [
    m[0]! * d[0] + m[1]! * d[1] + m[2]! * d[2],
    m[4]! * d[0] + m[5]! * d[1] + m[6]! * d[2],
    m[8]! * d[0] + m[9]! * d[1] + m[10]! * d[2],
  ];
}

/** Camera centre in world coordinates. */
export function cameraOrigin(frame: Frame): Vec3 {
  return [frame.c2w[3]!, frame.c2w[7]!, frame.c2w[11]!];
}

/** World point at planar depth `depth` along the ray through the centre of pixel (u, v). */
export function unprojectPixel(frame: Frame, u: number, v: number, depth: number): Vec3 {
  const d = pixelToCameraDir(frame.intrinsics, u, v);
  return transformPoint(frame.c2w, [d[0] * depth, d[1] * depth, d[2] * depth]);
}

/** Projects a world point into a frame: continuous image point and planar depth (≤ 0: behind). */
export function projectWorldPoint(
  frame: Frame,
  w2c: ArrayLike<number>,
  p: Vec3,
): { px: number; py: number; depth: number } {
  return cameraPointToImage(frame.intrinsics, transformPoint(w2c, p));
}

/** Unit world-space ray (origin, direction) through the centre of pixel (u, v). */
export function pixelRay(frame: Frame, u: number, v: number): { origin: Vec3; dir: Vec3 } {
  const d = transformDir(frame.c2w, pixelToCameraDir(frame.intrinsics, u, v));
  const n = Math.hypot(d[0], d[1], d[2]);
  return { origin: cameraOrigin(frame), dir: [d[0] / n, d[1] / n, d[2] / n] };
}

/**
 * Pinhole camera geometry in the scene format's conventions: camera-to-world poses with OpenGL axes
 * (+x right, +y up, looking down −z), pixel (u, v) centred at (u + 0.5, v + 0.5), planar z-depth.
 */
import type { Frame, Intrinsics } from '../data/scene.ts';

export type Vec3 = [number, number, number];

/** Applies OPENCV k1 k2 p1 p2 distortion to normalised image coordinates (x right, y down). */
export function distort(intr: Intrinsics, x: number, y: number): [number, number] {
  if (intr.model !== 'OPENCV') return [x, y];
  const r2 = x * x + y * y;
  const radial = 1 + intr.k1 * r2 + intr.k2 * r2 * r2;
  return [
    x * radial + 2 * intr.p1 * x * y + intr.p2 * (r2 + 2 * x * x),
    y * radial + intr.p1 * (r2 + 2 * y * y) + 2 * intr.p2 * x * y,
  ];
}

/** Inverts `distort` by fixed-point iteration. */
export function undistort(intr: Intrinsics, xd: number, yd: number): [number, number] {
  if (intr.model !== 'OPENCV') return [xd, yd];
  let x = xd;
  let y = yd;
  for (let it = 0; it < 20; it++) {
    const [fx, fy] = distort(intr, x, y);
    x += xd - fx;
    y += yd - fy;
  }
  return [x, y];
}

/** Camera-space direction (z = −1 plane) of the ray through continuous image point (px, py). */
export function imagePointToCameraDir(intr: Intrinsics, px: number, py: number): Vec3 {
  const [x, y] = undistort(intr, (px - intr.cx) / intr.fx, (py - intr.cy) / intr.fy);
  return [x, -y, -1];
}

/** Camera-space direction of the ray through the centre of pixel (u, v). */
export function pixelToCameraDir(intr: Intrinsics, u: number, v: number): Vec3 {
  return imagePointToCameraDir(intr, u + 0.5, v + 0.5);
}

/** Continuous image point (px, py) and planar depth of a camera-space point; depth ≤ 0 is behind. */
export function cameraPointToImage(intr: Intrinsics, p: Vec3): { px: number; py: number; depth: number } {
  const depth = -p[2];
  const [x, y] = distort(intr, p[0] / depth, -p[1] / depth);
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

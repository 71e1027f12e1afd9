/**
 * Lens distortion of the scene format's camera models (see MODEL_COEFFICIENTS), on normalised image
 * coordinates with OpenCV axes: x right, y down, z forward; (x, y) = (X / Z, Y / Z) before distortion.
 * The forward models are closed-form; their inverses are solved by damped Newton iteration.
 */
import type { Intrinsics } from '../data/scene.ts';

/** Largest residual (normalised image units, ~1e-11 px at f = 1000) the inverse stops at. */
const TOLERANCE = 1e-14;
const MAX_ITERATIONS = 60;
/** Halvings of a Newton step tried before the inverse gives up improving. */
const MAX_HALVINGS = 40;

/** Distorts the normalised point (x, y) = (X/Z, Y/Z) of a point in front of the camera. */
export function distortPlanar(intr: Intrinsics, x: number, y: number): [number, number] {
  switch (intr.model) {
    case 'PINHOLE':
      return [x, y];
    case 'OPENCV_FISHEYE':
      return distortFisheye(intr, x, y, 1);
    case 'SIMPLE_RADIAL':
    case 'RADIAL': {
      const r2 = x * x + y * y;
      const radial = 1 + intr.k1 * r2 + (intr.model === 'RADIAL' ? intr.k2 * r2 * r2 : 0);
      return [x * radial, y * radial];
    }
    case 'OPENCV':
    case 'FULL_OPENCV': {
      const r2 = x * x + y * y;
      const r4 = r2 * r2;
      let radial = 1 + intr.k1 * r2 + intr.k2 * r4;
      if (intr.model === 'FULL_OPENCV') {
        radial += (intr.k3 ?? 0) * r4 * r2;
        radial /= 1 + (intr.k4 ?? 0) * r2 + (intr.k5 ?? 0) * r4 + (intr.k6 ?? 0) * r4 * r2;
      }
      return [
        x * radial + 2 * intr.p1 * x * y + intr.p2 * (r2 + 2 * x * x),
        y * radial + intr.p1 * (r2 + 2 * y * y) + 2 * intr.p2 * x * y,
      ];
    }
  }
}

/** The fisheye's distorted angle θ (1 + k1 θ² + k2 θ⁴ + k3 θ⁶ + k4 θ⁸) and its derivative in θ. */
function fisheyeAngle(intr: Intrinsics, theta: number): [number, number] {
  const t2 = theta * theta;
  const k1 = intr.k1;
  const k2 = intr.k2;
  const k3 = intr.k3 ?? 0;
  const k4 = intr.k4 ?? 0;
  const poly = 1 + t2 * (k1 + t2 * (k2 + t2 * (k3 + t2 * k4)));
  const slope = 1 + t2 * (3 * k1 + t2 * (5 * k2 + t2 * (7 * k3 + t2 * 9 * k4)));
  return [theta * poly, slope];
}

/** Equidistant fisheye projection of the camera-space point (x, y, z), valid on either side of the camera. */
function distortFisheye(intr: Intrinsics, x: number, y: number, z: number): [number, number] {
  const r = Math.hypot(x, y);
  if (r === 0) return [0, 0];
  const [thetaD] = fisheyeAngle(intr, Math.atan2(r, z));
  return [(x / r) * thetaD, (y / r) * thetaD];
}

/** Distorted normalised image point of the camera-space point (x, y, z); z ≤ 0 projects only for a fisheye. */
export function distortPoint(intr: Intrinsics, x: number, y: number, z: number): [number, number] {
  if (intr.model === 'OPENCV_FISHEYE') return distortFisheye(intr, x, y, z);
  return distortPlanar(intr, x / z, y / z);
}

/** The (x, y) whose planar distortion is (xd, yd): damped Newton with a central-difference Jacobian. */
function undistortPlanar(intr: Intrinsics, xd: number, yd: number): [number, number] {
  let x = xd;
  let y = yd;
  let [ex, ey] = distortPlanar(intr, x, y);
  ex -= xd;
  ey -= yd;
  let err = Math.hypot(ex, ey);
  for (let it = 0; it < MAX_ITERATIONS && err > TOLERANCE; it++) {
    const h = 1e-6 * Math.max(1, Math.abs(x), Math.abs(y));
    const [ax, ay] = distortPlanar(intr, x + h, y);
    const [bx, by] = distortPlanar(intr, x - h, y);
    const [cx, cy] = distortPlanar(intr, x, y + h);
    const [dx, dy] = distortPlanar(intr, x, y - h);
    const j00 = (ax - bx) / (2 * h);
    const j10 = (ay - by) / (2 * h);
    const j01 = (cx - dx) / (2 * h);
    const j11 = (cy - dy) / (2 * h);
    const det = j00 * j11 - j01 * j10;
    if (!(Math.abs(det) > 1e-300)) break;
    const sx = (j11 * ex - j01 * ey) / det;
    const sy = (j00 * ey - j10 * ex) / det;
    let improved = false;
    for (let t = 1, k = 0; k < MAX_HALVINGS && !improved; k++, t /= 2) {
      const [gx, gy] = distortPlanar(intr, x - t * sx, y - t * sy);
      const e = Math.hypot(gx - xd, gy - yd);
      if (e < err) {
        x -= t * sx;
        y -= t * sy;
        ex = gx - xd;
        ey = gy - yd;
        err = e;
        improved = true;
      }
    }
    if (!improved) break;
  }
  return [x, y];
}

/** The angle θ in [0, π] off the axis whose fisheye distortion is `thetaD`: damped Newton. */
function undistortFisheyeAngle(intr: Intrinsics, thetaD: number): number {
  let theta = Math.min(thetaD, Math.PI);
  let err = Math.abs(fisheyeAngle(intr, theta)[0] - thetaD);
  for (let it = 0; it < MAX_ITERATIONS && err > TOLERANCE; it++) {
    const [f, slope] = fisheyeAngle(intr, theta);
    if (!(Math.abs(slope) > 1e-300)) break;
    const step = (f - thetaD) / slope;
    let improved = false;
    for (let t = 1, k = 0; k < MAX_HALVINGS && !improved; k++, t /= 2) {
      const next = Math.min(Math.PI, Math.max(0, theta - t * step));
      const e = Math.abs(fisheyeAngle(intr, next)[0] - thetaD);
      if (e < err) {
        theta = next;
        err = e;
        improved = true;
      }
    }
    if (!improved) break;
  }
  return theta;
}

/**
 * Camera-space direction (OpenCV axes) of the ray whose distorted normalised image point is (xd, yd):
 * (x, y, 1) for rays in front of the camera, a unit vector with z ≤ 0 for fisheye rays 90° or more off the axis.
 */
export function undistortToRay(intr: Intrinsics, xd: number, yd: number): [number, number, number] {
  if (intr.model === 'PINHOLE') return [xd, yd, 1];
  if (intr.model !== 'OPENCV_FISHEYE') {
    const [x, y] = undistortPlanar(intr, xd, yd);
    return [x, y, 1];
  }
  const thetaD = Math.hypot(xd, yd);
  if (thetaD === 0) return [0, 0, 1];
  const theta = undistortFisheyeAngle(intr, thetaD);
  const ux = xd / thetaD;
  const uy = yd / thetaD;
  if (theta < Math.PI / 2) {
    const t = Math.tan(theta);
    return [ux * t, uy * t, 1];
  }
  const s = Math.sin(theta);
  return [ux * s, uy * s, Math.cos(theta)];
}

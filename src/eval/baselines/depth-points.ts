/** Per-pixel camera rays of a view, for turning its depth map into 3D points quickly. */
import type { Intrinsics } from '../../data/scene.ts';
import { pixelToCameraDir } from '../../rays/camera.ts';

/** Relative depth disagreement above which a point counts as hidden behind another surface in a view. */
export const DEPTH_TOLERANCE = 0.05;

const cache = new WeakMap<Intrinsics, Float64Array>();

/** Camera-space ray direction (x, y, −1) of every pixel centre, 3 values a pixel, row-major. */
export function cameraDirs(intr: Intrinsics): Float64Array {
  const hit = cache.get(intr);
  if (hit) return hit;
  const dirs = new Float64Array(intr.w * intr.h * 3);
  for (let v = 0; v < intr.h; v++) {
    for (let u = 0; u < intr.w; u++) {
      const d = pixelToCameraDir(intr, u, v);
      const i = (v * intr.w + u) * 3;
      dirs[i] = d[0];
      dirs[i + 1] = d[1];
      dirs[i + 2] = d[2];
    }
  }
  cache.set(intr, dirs);
  return dirs;
}

/** The row-major product a·b of two 4×4 matrices. */
export function matMul4(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k]! * b[k * 4 + c]!;
      out[r * 4 + c] = s;
    }
  }
  return out;
}

/** Point of pixel `i` at planar depth `depth`, transformed by the 4×4 `m` (camera → target frame). */
export function pixelPoint(
  dirs: Float64Array,
  i: number,
  depth: number,
  m: ArrayLike<number>,
): [number, number, number] {
  const x = dirs[i * 3]! * depth;
  const y = dirs[i * 3 + 1]! * depth;
  const z = -depth;
  return [
    m[0]! * x + m[1]! * y + m[2]! * z + m[3]!,
    m[4]! * x + m[5]! * y + m[6]! * z + m[7]!,
    m[8]! * x + m[9]! * y + m[10]! * z + m[11]!,
  ];
}

/** Pixel correspondences between two views through one view's depth and both poses, with an occlusion test. */
import type { Frame } from '../data/scene.ts';
import { cameraPointToImage, invertRigid } from '../rays/camera.ts';
import { cameraDirs, DEPTH_TOLERANCE, matMul4, pixelPoint } from './baselines/depth-points.ts';

/** A view's frame and planar depth (0 = no reading). */
export interface DepthView {
  frame: Frame;
  depth: Float32Array;
}

/**
 * For every pixel of `from`: the pixel of `to` its depth point projects into, or −1 when it has no depth,
 * falls behind `to`'s camera or outside its image, lands where `to` has no depth, or is occluded there
 * (the projected depth and `to`'s depth differ by more than `tolerance` of `to`'s).
 */
export function correspondences(from: DepthView, to: DepthView, tolerance = DEPTH_TOLERANCE): Int32Array {
  const { w, h } = from.frame.intrinsics;
  const ti = to.frame.intrinsics;
  const dirs = cameraDirs(from.frame.intrinsics);
  const fromToTo = matMul4(invertRigid(to.frame.c2w), from.frame.c2w);
  const out = new Int32Array(w * h).fill(-1);
  for (let i = 0; i < w * h; i++) {
    const z = from.depth[i]!;
    if (!(z > 0)) continue;
    const p = cameraPointToImage(ti, pixelPoint(dirs, i, z, fromToTo));
    if (!(p.depth > 0)) continue;
    const u = Math.floor(p.px);
    const v = Math.floor(p.py);
    if (u < 0 || v < 0 || u >= ti.w || v >= ti.h) continue;
    const j = v * ti.w + u;
    const tz = to.depth[j]!;
    if (!(tz > 0) || Math.abs(p.depth - tz) > tolerance * tz) continue;
    out[i] = j;
  }
  return out;
}

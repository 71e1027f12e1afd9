/** Tracking by IoU after depth-aware warping of the previous view's tracked segments into the current view. */
import type { Frame } from '../../data/scene.ts';
import { cameraPointToImage, invertRigid } from '../../rays/camera.ts';
import { cameraDirs, DEPTH_TOLERANCE, matMul4, pixelPoint } from './depth-points.ts';
import { assignTracks, TrackBook, type Tracker, type TrackInput } from './tracks.ts';

/** A view with its depth and a label map. */
export interface LabelledView {
  frame: Frame;
  depth: Float32Array;
  labels: Uint16Array;
}

/**
 * `src`'s labels pulled into `dst`'s pixel grid: each pixel of `dst` with depth is lifted to 3D and
 * projected into `src`; it takes `src`'s label there unless out of view, without depth, or occluded
 * (depths differ by more than `tolerance` relative). Other pixels get 0.
 */
export function warpLabels(
  src: LabelledView,
  dst: { frame: Frame; depth: Float32Array },
  tolerance = DEPTH_TOLERANCE,
): Uint16Array {
  const { w, h } = dst.frame.intrinsics;
  const si = src.frame.intrinsics;
  const dirs = cameraDirs(dst.frame.intrinsics);
  const dstToSrc = matMul4(invertRigid(src.frame.c2w), dst.frame.c2w);
  const out = new Uint16Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const z = dst.depth[i]!;
    if (!(z > 0)) continue;
    const p = cameraPointToImage(si, pixelPoint(dirs, i, z, dstToSrc));
    if (!(p.depth > 0)) continue;
    const u = Math.floor(p.px);
    const v = Math.floor(p.py);
    if (u < 0 || v < 0 || u >= si.w || v >= si.h) continue;
    const j = v * si.w + u;
    const sz = src.depth[j]!;
    if (!(sz > 0) || Math.abs(p.depth - sz) > tolerance * sz) continue;
    out[i] = src.labels[j]!;
  }
  return out;
}

/** A tracker matching each view to the previous view's tracks warped into it with depth and poses. */
export function warpTracker(minIou: number): Tracker {
  const book = new TrackBook();
  let previous: LabelledView | null = null;
  return {
    needsDepth: true,
    step(input: TrackInput): Uint16Array {
      if (!input.depth) throw new Error('the warp tracker needs depth');
      const depth = input.depth;
      const reference = previous
        ? warpLabels(previous, { frame: input.frame, depth })
        : new Uint16Array(input.instance.length);
      const tracked = assignTracks(input, reference, book, minIou);
      previous = { frame: input.frame, depth, labels: tracked };
      return tracked;
    },
    trackCount: () => book.count,
  };
}

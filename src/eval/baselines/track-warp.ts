/** Tracking by IoU after depth-aware warping of the previous view's tracked segments into the current view. */
import type { Frame } from '../../data/scene.ts';
import { correspondences } from '../correspondence.ts';
import { DEPTH_TOLERANCE } from './depth-points.ts';
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
  const match = correspondences(dst, src, tolerance);
  return Uint16Array.from(match, (j) => (j >= 0 ? src.labels[j]! : 0));
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

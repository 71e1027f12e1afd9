/** The untracked baseline: the 2D segmenter's per-view ids as they are. */
import type { Tracker, TrackInput } from './tracks.ts';

/** A tracker that keeps the segmenter's ids (so the same id in two views is a coincidence). */
export function noneTracker(): Tracker {
  const seen = new Set<number>();
  return {
    needsDepth: false,
    step(input: TrackInput): Uint16Array {
      for (const id of input.instance) if (id !== 0) seen.add(id);
      return input.instance.slice();
    },
    trackCount: () => seen.size,
  };
}

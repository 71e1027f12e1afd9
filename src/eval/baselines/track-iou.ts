/** Tracking by 2D IoU: each view's segments are matched to the previous view's tracked segments. */
import { assignTracks, TrackBook, type Tracker, type TrackInput } from './tracks.ts';

/** A tracker matching consecutive views by plain 2D IoU (Hungarian, IoU ≥ minIou). */
export function iouTracker(minIou: number): Tracker {
  const book = new TrackBook();
  let previous: Uint16Array | null = null;
  return {
    needsDepth: false,
    step(input: TrackInput): Uint16Array {
      // Views of another image size cannot be compared pixel by pixel: their segments start new tracks.
      const comparable = previous !== null && previous.length === input.instance.length;
      const reference = comparable ? previous! : new Uint16Array(input.instance.length);
      const tracked = assignTracks(input, reference, book, minIou);
      previous = tracked;
      return tracked;
    },
    trackCount: () => book.count,
  };
}

/** Track ids shared across views and the step that gives one view's segments their track ids. */
import type { Frame } from '../../data/scene.ts';
import { matchSegments } from './matching.ts';

/** One view as a tracker sees it, in frame order. */
export interface TrackInput {
  frame: Frame;
  /** The 2D segmenter's ids of this view (0 = none). */
  instance: Uint16Array;
  /** The 2D segmenter's semantic classes of this view. */
  semantic: Uint16Array;
  /** Planar depth in metres (0 = none), or null when the tracker does not need it. */
  depth: Float32Array | null;
}

/** A baseline tracker: called once per view in frame order, returns the view's track-id map. */
export interface Tracker {
  /** Whether `step` needs `depth`. */
  readonly needsDepth: boolean;
  /** Track ids of this view's pixels (0 = none). */
  step(input: TrackInput): Uint16Array;
  /** Number of distinct tracks so far. */
  trackCount(): number;
}

/** The default minimum IoU for a segment to continue a track. */
export const DEFAULT_MIN_IOU = 0.2;

/** Allocates global track ids (1, 2, …) and remembers each track's semantic class. */
export class TrackBook {
  private readonly classes: number[] = [0];

  /** A new track of class `cls`; fails when uint16 ids run out. */
  create(cls: number): number {
    const id = this.classes.length;
    if (id > 65535) throw new Error('more than 65535 tracks: track ids no longer fit a uint16 map');
    this.classes.push(cls);
    return id;
  }

  /** The semantic class of track `id`. */
  classOf(id: number): number {
    return this.classes[id] ?? -1;
  }

  /** Number of tracks created. */
  get count(): number {
    return this.classes.length - 1;
  }
}

/** The most frequent semantic class under each segment id of a view. */
export function segmentClasses(instance: Uint16Array, semantic: Uint16Array): Map<number, number> {
  const votes = new Map<number, Map<number, number>>();
  for (let i = 0; i < instance.length; i++) {
    const id = instance[i]!;
    if (id === 0) continue;
    let v = votes.get(id);
    if (!v) {
      v = new Map();
      votes.set(id, v);
    }
    v.set(semantic[i]!, (v.get(semantic[i]!) ?? 0) + 1);
  }
  const out = new Map<number, number>();
  for (const [id, v] of votes) {
    let best = -1;
    let most = 0;
    for (const [c, n] of v) {
      if (n > most || (n === most && c < best)) {
        best = c;
        most = n;
      }
    }
    out.set(id, best);
  }
  return out;
}

/**
 * Gives a view's segments track ids: each segment continues the track it matches in `reference` (a
 * track-id map in this view's pixel grid, IoU ≥ minIou, same class) or starts a new track.
 */
export function assignTracks(
  input: Pick<TrackInput, 'instance' | 'semantic'>,
  reference: Uint16Array,
  book: TrackBook,
  minIou: number,
): Uint16Array {
  const classes = segmentClasses(input.instance, input.semantic);
  const matched = matchSegments(
    input.instance,
    reference,
    minIou,
    (seg, track) => classes.get(seg) === book.classOf(track),
  );
  const idOf = new Map<number, number>();
  for (const [seg, cls] of [...classes].sort((p, q) => p[0] - q[0])) {
    idOf.set(seg, matched.get(seg) ?? book.create(cls));
  }
  const out = new Uint16Array(input.instance.length);
  for (let i = 0; i < out.length; i++) {
    const id = input.instance[i]!;
    if (id !== 0) out[i] = idOf.get(id)!;
  }
  return out;
}

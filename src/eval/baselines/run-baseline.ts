/** Runs a 2D tracking baseline over all frames of a scene in frame order and writes a prediction folder. */
import type { ProgressFn } from '../../core/progress.ts';
import { SceneError } from '../../data/errors.ts';
import { readDepth, readInstances, readSemantics } from '../../data/maps.ts';
import { readScene } from '../../data/read-scene.ts';
import { writePrediction } from '../prediction.ts';
import { cloudTracker } from './track-cloud.ts';
import { iouTracker } from './track-iou.ts';
import { noneTracker } from './track-none.ts';
import { warpTracker } from './track-warp.ts';
import { DEFAULT_MIN_IOU, type Tracker } from './tracks.ts';

/** The baselines of the tracking comparison, from untracked to 3D fusion. */
export const TRACK_MODES = ['none', 'iou', 'warp', 'cloud'] as const;
/** One of the baseline names. */
export type TrackMode = (typeof TRACK_MODES)[number];

/** Options of runBaseline. */
export interface BaselineOptions {
  track: TrackMode;
  /** Prediction folder to write. */
  out: string;
  /** Minimum IoU for a segment to continue a track (default DEFAULT_MIN_IOU). */
  minIou?: number;
  onProgress?: ProgressFn;
}

/** What a baseline run produced. */
export interface BaselineSummary {
  frames: number;
  tracks: number;
}

/** True when `mode` names a baseline. */
export function isTrackMode(mode: string): mode is TrackMode {
  return (TRACK_MODES as readonly string[]).includes(mode);
}

/** A fresh tracker of the given mode. */
export function makeTracker(mode: TrackMode, minIou = DEFAULT_MIN_IOU): Tracker {
  switch (mode) {
    case 'none':
      return noneTracker();
    case 'iou':
      return iouTracker(minIou);
    case 'warp':
      return warpTracker(minIou);
    case 'cloud':
      return cloudTracker(minIou);
  }
}

/**
 * Tracks the 2D segmenter's maps over every frame (train and test, in frame order) and writes the
 * prediction folder: track ids as instances, the segmenter's semantic map as semantics.
 */
export async function runBaseline(sceneDir: string, opts: BaselineOptions): Promise<BaselineSummary> {
  if (!isTrackMode(opts.track)) {
    throw new Error(`unknown tracking mode "${opts.track}" (use ${TRACK_MODES.join(', ')})`);
  }
  const minIou = opts.minIou ?? DEFAULT_MIN_IOU;
  if (!(minIou > 0 && minIou <= 1)) throw new Error(`minimum IoU must be in (0, 1], got ${minIou}`);
  const scene = readScene(sceneDir);
  const tracker = makeTracker(opts.track, minIou);
  for (const frame of scene.frames) {
    for (const key of ['instance_file_path', 'semantic_file_path'] as const) {
      if (frame.maps[key] === undefined) {
        throw new SceneError(
          scene.transformsPath,
          `frames[${frame.index}].${key}`,
          'missing: baselines track the 2D segmenter maps (run `clift segment2d` first)',
        );
      }
    }
    if (tracker.needsDepth && frame.maps.depth_file_path === undefined) {
      throw new SceneError(
        scene.transformsPath,
        `frames[${frame.index}].depth_file_path`,
        `missing: the "${opts.track}" baseline needs a depth map for every frame`,
      );
    }
  }
  const total = scene.frames.length;
  opts.onProgress?.(0, total);
  for (const frame of scene.frames) {
    const semantic = readSemantics(scene, frame, 'semantic_file_path');
    const instance = tracker.step({
      frame,
      instance: readInstances(scene, frame, 'instance_file_path'),
      semantic,
      depth: tracker.needsDepth ? readDepth(scene, frame) : null,
    });
    writePrediction(opts.out, frame, { instance, semantic });
    opts.onProgress?.(frame.index + 1, total, `${tracker.trackCount()} tracks`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { frames: total, tracks: tracker.trackCount() };
}

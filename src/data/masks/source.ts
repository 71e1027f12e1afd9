/** What every mask format reader provides: the views it has predictions for, and each view's masks. */
import { basename, extname } from 'node:path';
import type { SourceMask } from './merge.ts';
import type { FrameSize } from './segmentation.ts';

/** One view's masks and the file they came from (for messages). */
export interface ViewMasks {
  file: string;
  masks: SourceMask[];
}

/** An opened segmenter output. */
export interface MaskSource {
  /** The names of the views it has predictions for (image file stems, or image ids). */
  names: string[];
  /** The class of pixels no mask covers: void (a panoptic map's "unlabelled") or the first stuff class. */
  uncovered: 'void' | 'background';
  /** The masks of view `name`, decoded at the frame's size (a mask of another size is refused). */
  read(name: string, frame: FrameSize): ViewMasks;
}

/** A file name's stem: its base name without the extension. */
export function fileStem(path: string): string {
  return basename(path, extname(path));
}

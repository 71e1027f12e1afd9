/** Where a scene keeps each view's 2D segmenter maps, and their PNG encoding (shared by every 2D segmenter). */
import { encodePng } from '../data/png.ts';
import { confidenceToUint16 } from './mask-confidence.ts';
import type { SegmenterView } from './segmenter2d.ts';

/** Relative paths of one view's segmenter maps, keyed as in transforms.json. */
export function segmenterPaths(stem: string): {
  instance_file_path: string;
  semantic_file_path: string;
  confidence_file_path: string;
} {
  return {
    instance_file_path: `segments/instance/${stem}.png`,
    semantic_file_path: `segments/semantic/${stem}.png`,
    confidence_file_path: `segments/confidence/${stem}.png`,
  };
}

/** One view's maps as 16-bit PNG bytes (instance ids, class ids, confidence × 65535), keyed by relative path. */
export function encodeSegmenterView(
  stem: string,
  w: number,
  h: number,
  view: SegmenterView,
): [string, Uint8Array][] {
  const p = segmenterPaths(stem);
  const gray16 = (data: Uint16Array) => encodePng({ width: w, height: h, channels: 1, depth: 16, data });
  return [
    [p.instance_file_path, gray16(view.instance)],
    [p.semantic_file_path, gray16(view.semantic)],
    [p.confidence_file_path, gray16(confidenceToUint16(view.confidence))],
  ];
}

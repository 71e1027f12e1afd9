/**
 * Writing a view's 2D-segmenter maps where the scene keeps them (`segments/{instance,semantic,confidence}/
 * <stem>.png`, all uint16; confidence as value / 65535), directly or staged so a failed import leaves nothing.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fsError } from '../../core/fs-error.ts';
import { encodePng, ensureFolder, writeGray16 } from '../png.ts';
import type { SegmenterMaps } from './merge.ts';

/** The transforms.json keys of the segmenter maps and their paths for a frame stem. */
export interface SegmenterPaths {
  instance_file_path: string;
  semantic_file_path: string;
  confidence_file_path: string;
}

/** Where the scene keeps a view's segmenter maps (relative to the scene folder). */
export function segmenterPaths(stem: string): SegmenterPaths {
  return {
    instance_file_path: `segments/instance/${stem}.png`,
    semantic_file_path: `segments/semantic/${stem}.png`,
    confidence_file_path: `segments/confidence/${stem}.png`,
  };
}

/** Confidence in [0, 1] as the uint16 values of a confidence PNG (value / 65535). */
export function confidenceToUint16(conf: Float32Array): Uint16Array {
  const out = new Uint16Array(conf.length);
  for (let i = 0; i < conf.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, conf[i]!)) * 65535);
  return out;
}

/** One view's maps as 16-bit PNG bytes (instance ids, class ids, confidence × 65535), keyed by relative path. */
export function encodeSegmenterMaps(
  stem: string,
  w: number,
  h: number,
  maps: SegmenterMaps,
): [string, Uint8Array][] {
  const p = segmenterPaths(stem);
  const gray16 = (data: Uint16Array) => encodePng({ width: w, height: h, channels: 1, depth: 16, data });
  return [
    [p.instance_file_path, gray16(maps.instance)],
    [p.semantic_file_path, gray16(maps.semantic)],
    [p.confidence_file_path, gray16(confidenceToUint16(maps.confidence))],
  ];
}

/** Writes one view's segmenter maps under `dir` and returns their relative paths. */
export function writeSegmenterMaps(
  dir: string,
  stem: string,
  w: number,
  h: number,
  maps: SegmenterMaps,
): SegmenterPaths {
  const paths = segmenterPaths(stem);
  writeGray16(join(dir, paths.instance_file_path), w, h, maps.instance);
  writeGray16(join(dir, paths.semantic_file_path), w, h, maps.semantic);
  writeGray16(join(dir, paths.confidence_file_path), w, h, confidenceToUint16(maps.confidence));
  return paths;
}

/** Segmenter maps written into a hidden staging folder of the scene first, then moved in place all at once. */
export class StagedMaps {
  private readonly staging: string;
  private readonly written: string[] = [];

  constructor(private readonly sceneDir: string) {
    this.staging = join(sceneDir, `.masks-import-${process.pid}`);
  }

  /** Stages one view's maps and returns the relative paths they will have. */
  write(stem: string, w: number, h: number, maps: SegmenterMaps): SegmenterPaths {
    const paths = writeSegmenterMaps(this.staging, stem, w, h, maps);
    this.written.push(...Object.values(paths));
    return paths;
  }

  /** Moves every staged map to its place in the scene (replacing older maps) and removes the staging folder. */
  commit(): void {
    for (const rel of this.written) {
      const to = join(this.sceneDir, rel);
      ensureFolder(dirname(to));
      try {
        renameSync(join(this.staging, rel), to);
      } catch (e) {
        throw fsError(to, 'move the imported map into place', e);
      }
    }
    this.abort();
  }

  /** Removes the staging folder and everything in it. */
  abort(): void {
    if (existsSync(this.staging)) rmSync(this.staging, { recursive: true, force: true });
  }
}

/** Reads a transforms-style JSON of camera poses to render (no images needed): any view, not only the scene's. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { SceneError } from './errors.ts';
import { readIntrinsics, readPose } from './read-scene.ts';
import type { Frame } from './scene.ts';

/** Frames of a camera file: top-level intrinsics shared, per-frame overrides, stems from file_path or the index. */
export function readCameraFile(file: string): Frame[] {
  if (!existsSync(file)) throw new SceneError(file, 'camera file', 'file not found');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SceneError(file, 'camera file', `not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { frames?: unknown }).frames)) {
    throw new SceneError(file, 'frames', 'must be an array of {transform_matrix, …}');
  }
  const top = json as Record<string, unknown> & { frames: unknown[] };
  const shared = top.fl_x !== undefined ? readIntrinsics(file, '', top, null) : null;
  return top.frames.map((f, index) => {
    const where = `frames[${index}]`;
    if (typeof f !== 'object' || f === null) throw new SceneError(file, where, 'must be an object');
    const fr = f as Record<string, unknown>;
    const intrinsics = readIntrinsics(file, `${where}.`, fr, shared);
    const filePath =
      typeof fr.file_path === 'string' ? fr.file_path : `view_${String(index).padStart(4, '0')}.png`;
    return {
      index,
      stem: basename(filePath, extname(filePath)),
      filePath,
      c2w: readPose(file, `${where}.transform_matrix`, fr.transform_matrix),
      split: 'test',
      intrinsics,
      maps: {},
      raw: fr,
    };
  });
}

/** Where a generated scene keeps each view's maps, and writing one view's maps to those files. */
import { join } from 'node:path';
import { writeGray16, writePng, writeRgb8 } from '../data/png.ts';
import type { ViewMaps } from './raycast-render.ts';

/** Relative paths of one view's files, keyed as in transforms.json. */
export interface ViewPaths {
  file_path: string;
  depth_file_path: string;
  gt_instance_file_path: string;
  gt_semantic_file_path: string;
}

/** The file stem of view `index` among `count` views: zero-padded to at least 4 digits. */
export function viewStem(index: number, count: number): string {
  return String(index).padStart(Math.max(4, String(count - 1).length), '0');
}

/** The relative paths of a view's RGB, depth and ground-truth maps. */
export function viewPaths(stem: string): ViewPaths {
  return {
    file_path: `images/${stem}.png`,
    depth_file_path: `depth/${stem}.png`,
    gt_instance_file_path: `gt/instance/${stem}.png`,
    gt_semantic_file_path: `gt/semantic/${stem}.png`,
  };
}

/** Planar depth in metres to uint16 PNG units of `depthScale` metres (0 stays "no depth"). */
export function quantizeDepth(depth: Float32Array, depthScale: number): Uint16Array {
  const out = new Uint16Array(depth.length);
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i]!;
    out[i] = d > 0 ? Math.min(65535, Math.max(1, Math.round(d / depthScale))) : 0;
  }
  return out;
}

/** Writes a view's RGB (8-bit), depth (16-bit), GT instance (16-bit) and GT semantic (8-bit) PNGs. */
export function writeViewFiles(dir: string, stem: string, maps: ViewMaps, depthScale: number): void {
  const p = viewPaths(stem);
  writeRgb8(join(dir, p.file_path), maps.w, maps.h, maps.rgb);
  writeGray16(join(dir, p.depth_file_path), maps.w, maps.h, quantizeDepth(maps.depth, depthScale));
  writeGray16(join(dir, p.gt_instance_file_path), maps.w, maps.h, maps.instance);
  writePng(join(dir, p.gt_semantic_file_path), {
    width: maps.w,
    height: maps.h,
    channels: 1,
    depth: 8,
    data: Uint8Array.from(maps.semantic),
  });
}

/** Dispatches `clift convert` to the reader of each source layout. */
import { type ColmapOptions, convertColmap } from './colmap.ts';
import type { ConvertResult } from './common.ts';
import { convertMessyRooms } from './messy-rooms.ts';
import { convertNerfstudio } from './nerfstudio.ts';
import { convertPanopticLifting } from './panoptic-lifting.ts';
import { convertRgbd, type RgbdOptions } from './rgbd.ts';

export { type ColmapOptions, convertColmap } from './colmap.ts';
export type { ConvertOptions, ConvertResult } from './common.ts';
export { convertMessyRooms } from './messy-rooms.ts';
export { convertNerfstudio, type NerfstudioOptions } from './nerfstudio.ts';
export { convertPanopticLifting } from './panoptic-lifting.ts';
export { convertRgbd, type RgbdOptions } from './rgbd.ts';

/** The source layouts `clift convert` reads. */
export const CONVERT_FORMATS = ['panoptic-lifting', 'messy-rooms', 'nerfstudio', 'colmap', 'rgbd'] as const;
export type ConvertFormat = (typeof CONVERT_FORMATS)[number];

/** Whether a string names a supported source layout. */
export function isConvertFormat(s: string): s is ConvertFormat {
  return (CONVERT_FORMATS as readonly string[]).includes(s);
}

/** Converts the folder `inDir` in layout `format` into a clift scene folder `outDir`. */
export async function convertScene(
  format: ConvertFormat,
  inDir: string,
  outDir: string,
  opts: ColmapOptions & RgbdOptions = {},
): Promise<ConvertResult> {
  if (format !== 'rgbd') {
    for (const [key, flag] of [
      ['stride', '--stride'],
      ['size', '--size'],
      ['testEvery', '--test-every'],
    ] as const) {
      if (opts[key] !== undefined) throw new Error(`${flag} applies to --from rgbd only`);
    }
    if (opts.noDepth) throw new Error('--no-depth applies to --from rgbd only');
  }
  if (
    format !== 'nerfstudio' &&
    format !== 'colmap' &&
    (opts.masks !== undefined || opts.semanticMasks !== undefined)
  ) {
    throw new Error(
      `--masks and --semantic-masks apply to --from nerfstudio and colmap only (${format} scenes bring their own masks)`,
    );
  }
  if (format !== 'colmap' && opts.images !== undefined)
    throw new Error('--images applies to --from colmap only');
  switch (format) {
    case 'panoptic-lifting':
      return convertPanopticLifting(inDir, outDir, opts);
    case 'messy-rooms':
      return convertMessyRooms(inDir, outDir, opts);
    case 'nerfstudio':
      return convertNerfstudio(inDir, outDir, opts);
    case 'colmap':
      return convertColmap(inDir, outDir, opts);
    case 'rgbd':
      return convertRgbd(inDir, outDir, opts);
  }
}

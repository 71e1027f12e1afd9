/** Rays of chosen pixels of a view, in normalised scene coordinates (unit directions). */
import type { Frame, Intrinsics } from '../data/scene.ts';
import { pixelToCameraDir, transformDir } from './camera.ts';
import { type Normalization, toNormalized } from './normalize.ts';

/** n rays: origins and unit directions, 3 floats each, plus the pixel index each came from. */
export interface RayBundle {
  n: number;
  origins: Float32Array;
  dirs: Float32Array;
  pixels: Int32Array;
}

/** Rays through the centres of `pixels` (row-major indices at `intr`'s resolution) of a frame. */
export function raysForPixels(
  frame: Frame,
  intr: Intrinsics,
  norm: Normalization,
  pixels: Int32Array,
): RayBundle {
  const n = pixels.length;
  const origins = new Float32Array(n * 3);
  const dirs = new Float32Array(n * 3);
  const o = toNormalized(norm, [frame.c2w[3]!, frame.c2w[7]!, frame.c2w[11]!]);
  for (let i = 0; i < n; i++) {
    const p = pixels[i]!;
    const d = transformDir(frame.c2w, pixelToCameraDir(intr, p % intr.w, Math.floor(p / intr.w)));
    const len = Math.hypot(d[0], d[1], d[2]);
    for (let k = 0; k < 3; k++) {
      origins[i * 3 + k] = o[k]!;
      dirs[i * 3 + k] = d[k]! / len;
    }
  }
  return { n, origins, dirs, pixels };
}

/** Rays for every pixel of a view. */
export function raysForView(frame: Frame, intr: Intrinsics, norm: Normalization): RayBundle {
  return raysForPixels(
    frame,
    intr,
    norm,
    Int32Array.from({ length: intr.w * intr.h }, (_, i) => i),
  );
}

import { axisTaps } from './interp.ts';
import type { Num } from './types.ts';

type Res = readonly [number, number, number];

/** Calls visit(voxelIndex, weight) for the (up to 8) in-range corners around point p. */
function corners(coords: Num, p: number, res: Res, visit: (voxel: number, w: number) => void): void {
  const [rx, ry] = res;
  const tx = axisTaps(coords[p * 3]!, res[0]);
  const ty = axisTaps(coords[p * 3 + 1]!, res[1]);
  const tz = axisTaps(coords[p * 3 + 2]!, res[2]);
  for (const [z, wz] of [
    [tz.i0, tz.w0],
    [tz.i1, tz.w1],
  ] as const) {
    for (const [y, wy] of [
      [ty.i0, ty.w0],
      [ty.i1, ty.w1],
    ] as const) {
      for (const [x, wx] of [
        [tx.i0, tx.w0],
        [tx.i1, tx.w1],
      ] as const) {
        if (x >= 0 && y >= 0 && z >= 0) visit((z * ry + y) * rx + x, wx * wy * wz);
      }
    }
  }
}

/** out[p, c] = trilinear sample of the channel-last grid at coords[p]. */
export function gridGatherRef(grid: Num, res: Res, channels: number, coords: Num, n: number, out: Num): void {
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = 0;
    corners(coords, p, res, (voxel, w) => {
      for (let c = 0; c < channels; c++) out[p * channels + c]! += w * grid[voxel * channels + c]!;
    });
  }
}

/** gradGrid += trilinear splat of gradOut at coords. */
export function gridScatterRef(
  gradGrid: Num,
  res: Res,
  channels: number,
  coords: Num,
  n: number,
  gradOut: Num,
): void {
  for (let p = 0; p < n; p++) {
    corners(coords, p, res, (voxel, w) => {
      for (let c = 0; c < channels; c++) gradGrid[voxel * channels + c]! += w * gradOut[p * channels + c]!;
    });
  }
}

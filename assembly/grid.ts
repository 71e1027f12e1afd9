// Trilinear lookups on a dense channel-last grid: value (x,y,z,c) at ((z*ry + y)*rx + x)*C + c, coordinates
// (x,y,z) in [-1,1] with align_corners, zero padding outside.
import { axisPos } from './interp';

let ix: i32 = 0, iy: i32 = 0, iz: i32 = 0;
let fx: f32 = 0, fy: f32 = 0, fz: f32 = 0;

// @ts-ignore: decorator
@inline function cell(coords: usize, p: i32, rx: i32, ry: i32, rz: i32): void {
  const q = coords + (<usize>(p * 3) << 2);
  let f = axisPos(load<f32>(q), rx);
  let fl = Mathf.floor(f);
  ix = <i32>fl; fx = f - fl;
  f = axisPos(load<f32>(q, 4), ry);
  fl = Mathf.floor(f);
  iy = <i32>fl; fy = f - fl;
  f = axisPos(load<f32>(q, 8), rz);
  fl = Mathf.floor(f);
  iz = <i32>fl; fz = f - fl;
}

// @ts-ignore: decorator
@inline function inside(i: i32, res: i32): bool {
  return <u32>i < <u32>res;
}

// Corner byte offsets and weights of the current point (instance globals, so thread-local). Out-of-range
// corners get weight 0 and offset 0, which keeps the loads in bounds without branches.
let o0: usize = 0, o1: usize = 0, o2: usize = 0, o3: usize = 0, o4: usize = 0, o5: usize = 0, o6: usize = 0, o7: usize = 0;
let w0: f32 = 0, w1: f32 = 0, w2: f32 = 0, w3: f32 = 0, w4: f32 = 0, w5: f32 = 0, w6: f32 = 0, w7: f32 = 0;

// @ts-ignore: decorator
@inline function corner(dx: i32, dy: i32, dz: i32, rx: i32, ry: i32, rz: i32, C: i32): usize {
  const x = ix + dx, y = iy + dy, z = iz + dz;
  if (!inside(x, rx) || !inside(y, ry) || !inside(z, rz)) return <usize>-1;
  return <usize>(((z * ry + y) * rx + x) * C) << 2;
}

// @ts-ignore: decorator
@inline function cornerWeight(off: usize, dx: i32, dy: i32, dz: i32): f32 {
  if (off == <usize>-1) return 0;
  return (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz);
}

// @ts-ignore: decorator
@inline function corners(rx: i32, ry: i32, rz: i32, C: i32): void {
  o0 = corner(0, 0, 0, rx, ry, rz, C); w0 = cornerWeight(o0, 0, 0, 0); if (o0 == <usize>-1) o0 = 0;
  o1 = corner(1, 0, 0, rx, ry, rz, C); w1 = cornerWeight(o1, 1, 0, 0); if (o1 == <usize>-1) o1 = 0;
  o2 = corner(0, 1, 0, rx, ry, rz, C); w2 = cornerWeight(o2, 0, 1, 0); if (o2 == <usize>-1) o2 = 0;
  o3 = corner(1, 1, 0, rx, ry, rz, C); w3 = cornerWeight(o3, 1, 1, 0); if (o3 == <usize>-1) o3 = 0;
  o4 = corner(0, 0, 1, rx, ry, rz, C); w4 = cornerWeight(o4, 0, 0, 1); if (o4 == <usize>-1) o4 = 0;
  o5 = corner(1, 0, 1, rx, ry, rz, C); w5 = cornerWeight(o5, 1, 0, 1); if (o5 == <usize>-1) o5 = 0;
  o6 = corner(0, 1, 1, rx, ry, rz, C); w6 = cornerWeight(o6, 0, 1, 1); if (o6 == <usize>-1) o6 = 0;
  o7 = corner(1, 1, 1, rx, ry, rz, C); w7 = cornerWeight(o7, 1, 1, 1); if (o7 == <usize>-1) o7 = 0;
}

/** out[p, c] = trilinear sample of grid at coords[p], for points [n0, n1). */
export function gridGather(grid: usize, rx: i32, ry: i32, rz: i32, C: i32, coords: usize, out: usize, n0: i32, n1: i32): void {
  for (let p = n0; p < n1; p++) {
    cell(coords, p, rx, ry, rz);
    corners(rx, ry, rz, C);
    const o = out + (<usize>(p * C) << 2);
    const v0 = f32x4.splat(w0), v1 = f32x4.splat(w1), v2 = f32x4.splat(w2), v3 = f32x4.splat(w3);
    const v4 = f32x4.splat(w4), v5 = f32x4.splat(w5), v6 = f32x4.splat(w6), v7 = f32x4.splat(w7);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const g = grid + (<usize>c << 2);
      let acc = f32x4.mul(v0, v128.load(g + o0));
      acc = f32x4.add(acc, f32x4.mul(v1, v128.load(g + o1)));
      acc = f32x4.add(acc, f32x4.mul(v2, v128.load(g + o2)));
      acc = f32x4.add(acc, f32x4.mul(v3, v128.load(g + o3)));
      acc = f32x4.add(acc, f32x4.mul(v4, v128.load(g + o4)));
      acc = f32x4.add(acc, f32x4.mul(v5, v128.load(g + o5)));
      acc = f32x4.add(acc, f32x4.mul(v6, v128.load(g + o6)));
      acc = f32x4.add(acc, f32x4.mul(v7, v128.load(g + o7)));
      v128.store(o + (<usize>c << 2), acc);
    }
    for (; c < C; c++) {
      const g = grid + (<usize>c << 2);
      let acc = w0 * load<f32>(g + o0);
      acc += w1 * load<f32>(g + o1);
      acc += w2 * load<f32>(g + o2);
      acc += w3 * load<f32>(g + o3);
      acc += w4 * load<f32>(g + o4);
      acc += w5 * load<f32>(g + o5);
      acc += w6 * load<f32>(g + o6);
      acc += w7 * load<f32>(g + o7);
      store<f32>(o + (<usize>c << 2), acc);
    }
  }
}

/**
 * Backward: gradGrid += trilinear splat of gradOut (n x C) over all points, restricted to z in [z0, z1).
 * A thread owns a slab of z, so every voxel receives updates in point order.
 */
export function gridScatter(
  gradGrid: usize, rx: i32, ry: i32, rz: i32, C: i32, coords: usize, gradOut: usize, n: i32, z0: i32, z1: i32,
): void {
  for (let p = 0; p < n; p++) {
    cell(coords, p, rx, ry, rz);
    if (iz + 1 < z0 || iz >= z1) continue;
    const g = gradOut + (<usize>(p * C) << 2);
    for (let corner = 0; corner < 8; corner++) {
      const dx = corner & 1, dy = (corner >> 1) & 1, dz = corner >> 2;
      const x = ix + dx, y = iy + dy, z = iz + dz;
      if (z < z0 || z >= z1 || !inside(x, rx) || !inside(y, ry) || !inside(z, rz)) continue;
      const w: f32 = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz);
      const dst = gradGrid + (<usize>(((z * ry + y) * rx + x) * C) << 2);
      const wv = f32x4.splat(w);
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const a = <usize>c << 2;
        v128.store(dst + a, f32x4.add(v128.load(dst + a), f32x4.mul(wv, v128.load(g + a))));
      }
      for (; c < C; c++) {
        const a = <usize>c << 2;
        store<f32>(dst + a, load<f32>(dst + a) + w * load<f32>(g + a));
      }
    }
  }
}

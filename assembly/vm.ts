// TensoRF vector-matrix lookups, channel-last. With [a, b] = MATRIX_MODE[i] and v = VECTOR_MODE[i]
// (mode pairs (0,1), (0,2), (1,2); vector modes 2, 1, 0), plane i is (res[b], res[a], comps) and line i is
// (res[v], comps): component c of texel (row, col) of plane i is at (row*res[a] + col)*comps + c.
// Coordinates are (x,y,z) in [-1,1]. feat[p, i*comps + c] = plane_i[c](coord[a], coord[b]) * line_i[c](coord[v]);
// with `sum` only the sum over all 3*comps products is written.
import { axisPos } from './interp';

// Per-point axis taps in instance globals (each worker has its own instance, so they are thread-local).
// An out-of-range tap has index 0 and weight 0.
let ix0: i32 = 0, ix1: i32 = 0, iy0: i32 = 0, iy1: i32 = 0, iz0: i32 = 0, iz1: i32 = 0;
let wx0: f32 = 0, wx1: f32 = 0, wy0: f32 = 0, wy1: f32 = 0, wz0: f32 = 0, wz1: f32 = 0;

// @ts-ignore: decorator
@inline function tapsFor(coords: usize, p: i32, rx: i32, ry: i32, rz: i32): void {
  const q = coords + (<usize>(p * 3) << 2);
  let f = axisPos(load<f32>(q), rx);
  let fl = Mathf.floor(f);
  let i = <i32>fl;
  let fr = f - fl;
  let ok0 = i >= 0 && i < rx, ok1 = i + 1 >= 0 && i + 1 < rx;
  ix0 = ok0 ? i : 0; ix1 = ok1 ? i + 1 : 0; wx0 = ok0 ? 1 - fr : 0; wx1 = ok1 ? fr : 0;
  f = axisPos(load<f32>(q, 4), ry);
  fl = Mathf.floor(f);
  i = <i32>fl;
  fr = f - fl;
  ok0 = i >= 0 && i < ry; ok1 = i + 1 >= 0 && i + 1 < ry;
  iy0 = ok0 ? i : 0; iy1 = ok1 ? i + 1 : 0; wy0 = ok0 ? 1 - fr : 0; wy1 = ok1 ? fr : 0;
  f = axisPos(load<f32>(q, 8), rz);
  fl = Mathf.floor(f);
  i = <i32>fl;
  fr = f - fl;
  ok0 = i >= 0 && i < rz; ok1 = i + 1 >= 0 && i + 1 < rz;
  iz0 = ok0 ? i : 0; iz1 = ok1 ? i + 1 : 0; wz0 = ok0 ? 1 - fr : 0; wz1 = ok1 ? fr : 0;
}

/**
 * One mode for one point: out[c] (or the running sum) from plane taps (rows r*, cols c*) and line taps l*.
 * Returns the partial sum when `sum`.
 */
// @ts-ignore: decorator
@inline function gatherMode(
  plane: usize, cols: i32, r0: i32, r1: i32, wr0: f32, wr1: f32, c0: i32, c1: i32, wc0: f32, wc1: f32,
  line: usize, l0: i32, l1: i32, wl0: f32, wl1: f32, comps: i32, out: usize, sum: bool,
): f32 {
  const cb = <usize>comps << 2;
  const t00 = plane + <usize>(r0 * cols + c0) * cb, t01 = plane + <usize>(r0 * cols + c1) * cb;
  const t10 = plane + <usize>(r1 * cols + c0) * cb, t11 = plane + <usize>(r1 * cols + c1) * cb;
  const q0 = line + <usize>l0 * cb, q1 = line + <usize>l1 * cb;
  const w00 = wr0 * wc0, w01 = wr0 * wc1, w10 = wr1 * wc0, w11 = wr1 * wc1;
  const v00 = f32x4.splat(w00), v01 = f32x4.splat(w01), v10 = f32x4.splat(w10), v11 = f32x4.splat(w11);
  const vl0 = f32x4.splat(wl0), vl1 = f32x4.splat(wl1);
  let accv = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= comps; c += 4) {
    const o = <usize>c << 2;
    let pv = f32x4.mul(v00, v128.load(t00 + o));
    pv = f32x4.add(pv, f32x4.mul(v01, v128.load(t01 + o)));
    pv = f32x4.add(pv, f32x4.mul(v10, v128.load(t10 + o)));
    pv = f32x4.add(pv, f32x4.mul(v11, v128.load(t11 + o)));
    const lv = f32x4.add(f32x4.mul(vl0, v128.load(q0 + o)), f32x4.mul(vl1, v128.load(q1 + o)));
    const f = f32x4.mul(pv, lv);
    if (sum) accv = f32x4.add(accv, f);
    else v128.store(out + o, f);
  }
  let acc: f32 = (f32x4.extract_lane(accv, 0) + f32x4.extract_lane(accv, 1)) + (f32x4.extract_lane(accv, 2) + f32x4.extract_lane(accv, 3));
  for (; c < comps; c++) {
    const o = <usize>c << 2;
    const pv = w00 * load<f32>(t00 + o) + w01 * load<f32>(t01 + o) + w10 * load<f32>(t10 + o) + w11 * load<f32>(t11 + o);
    const lv = wl0 * load<f32>(q0 + o) + wl1 * load<f32>(q1 + o);
    if (sum) acc += pv * lv;
    else store<f32>(out + o, pv * lv);
  }
  return acc;
}

/** Forward lookup for points [n0, n1): writes feat (n x 3*comps) or, with sum, out (n). */
export function vmGather(
  p0: usize, p1: usize, p2: usize, l0: usize, l1: usize, l2: usize, rx: i32, ry: i32, rz: i32, comps: i32,
  coords: usize, out: usize, sum: bool, n0: i32, n1: i32,
): void {
  const width = 3 * comps;
  for (let p = n0; p < n1; p++) {
    tapsFor(coords, p, rx, ry, rz);
    const o = out + (<usize>(sum ? p : p * width) << 2);
    const cb = <usize>comps << 2;
    // mode 0: plane rows y, cols x; line z.  mode 1: rows z, cols x; line y.  mode 2: rows z, cols y; line x.
    let s = gatherMode(p0, rx, iy0, iy1, wy0, wy1, ix0, ix1, wx0, wx1, l0, iz0, iz1, wz0, wz1, comps, o, sum);
    s += gatherMode(p1, rx, iz0, iz1, wz0, wz1, ix0, ix1, wx0, wx1, l1, iy0, iy1, wy0, wy1, comps, o + cb, sum);
    s += gatherMode(p2, ry, iz0, iz1, wz0, wz1, iy0, iy1, wy0, wy1, l2, ix0, ix1, wx0, wx1, comps, o + 2 * cb, sum);
    if (sum) store<f32>(o, s);
  }
}

// @ts-ignore: decorator
@inline function addScaled(dst: usize, w: f32, g: usize, scale: usize, comps: i32): void {
  // dst[c] += w * g[c] * scale[c]
  const wv = f32x4.splat(w);
  let c = 0;
  for (; c + 4 <= comps; c += 4) {
    const o = <usize>c << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(wv, f32x4.mul(v128.load(g + o), v128.load(scale + o)))));
  }
  for (; c < comps; c++) {
    const o = <usize>c << 2;
    store<f32>(dst + o, load<f32>(dst + o) + w * (load<f32>(g + o) * load<f32>(scale + o)));
  }
}

// @ts-ignore: decorator
@inline function owned(i: i32, w: f32, lo: i32, hi: i32): bool {
  return w != 0 && i >= lo && i < hi;
}

/**
 * One mode of the backward for one point: pv/lv (plane and line values) go to the thread's scratch, then the
 * plane texels whose row is in [rowLo, rowHi) and line texels in [lineLo, lineHi) get their updates.
 */
// @ts-ignore: decorator
@inline function scatterMode(
  plane: usize, line: usize, gPlane: usize, gLine: usize, cols: i32,
  r0: i32, r1: i32, wr0: f32, wr1: f32, c0: i32, c1: i32, wc0: f32, wc1: f32, l0: i32, l1: i32, wl0: f32, wl1: f32,
  comps: i32, g: usize, gStride: usize, rowLo: i32, rowHi: i32, lineLo: i32, lineHi: i32, tmp: usize,
): void {
  const doPlane = owned(r0, wr0, rowLo, rowHi) || owned(r1, wr1, rowLo, rowHi);
  const doLine = owned(l0, wl0, lineLo, lineHi) || owned(l1, wl1, lineLo, lineHi);
  if (!doPlane && !doLine) return;
  const cb = <usize>comps << 2;
  const t00 = <usize>(r0 * cols + c0) * cb, t01 = <usize>(r0 * cols + c1) * cb;
  const t10 = <usize>(r1 * cols + c0) * cb, t11 = <usize>(r1 * cols + c1) * cb;
  const q0 = <usize>l0 * cb, q1 = <usize>l1 * cb;
  const w00 = wr0 * wc0, w01 = wr0 * wc1, w10 = wr1 * wc0, w11 = wr1 * wc1;
  // tmp[0..comps) = line values (scale for plane updates), tmp[comps..2comps) = plane values, then g broadcast
  const lvals = tmp, pvals = tmp + cb;
  let gp = g;
  if (gStride == 0) {
    gp = tmp + 2 * cb;
    const gv = load<f32>(g);
    for (let c = 0; c < comps; c++) store<f32>(gp + (<usize>c << 2), gv);
  }
  const v00 = f32x4.splat(w00), v01 = f32x4.splat(w01), v10 = f32x4.splat(w10), v11 = f32x4.splat(w11);
  const vl0 = f32x4.splat(wl0), vl1 = f32x4.splat(wl1);
  let c = 0;
  for (; c + 4 <= comps; c += 4) {
    const o = <usize>c << 2;
    v128.store(lvals + o, f32x4.add(f32x4.mul(vl0, v128.load(line + q0 + o)), f32x4.mul(vl1, v128.load(line + q1 + o))));
    const pa = f32x4.add(f32x4.mul(v00, v128.load(plane + t00 + o)), f32x4.mul(v01, v128.load(plane + t01 + o)));
    const pb = f32x4.add(f32x4.mul(v10, v128.load(plane + t10 + o)), f32x4.mul(v11, v128.load(plane + t11 + o)));
    v128.store(pvals + o, f32x4.add(pa, pb));
  }
  for (; c < comps; c++) {
    const o = <usize>c << 2;
    store<f32>(lvals + o, wl0 * load<f32>(line + q0 + o) + wl1 * load<f32>(line + q1 + o));
    const pa = w00 * load<f32>(plane + t00 + o) + w01 * load<f32>(plane + t01 + o);
    store<f32>(pvals + o, pa + (w10 * load<f32>(plane + t10 + o) + w11 * load<f32>(plane + t11 + o)));
  }
  if (doPlane) {
    if (owned(r0, wr0, rowLo, rowHi)) {
      if (wc0 != 0) addScaled(gPlane + t00, w00, gp, lvals, comps);
      if (wc1 != 0) addScaled(gPlane + t01, w01, gp, lvals, comps);
    }
    if (owned(r1, wr1, rowLo, rowHi)) {
      if (wc0 != 0) addScaled(gPlane + t10, w10, gp, lvals, comps);
      if (wc1 != 0) addScaled(gPlane + t11, w11, gp, lvals, comps);
    }
  }
  if (owned(l0, wl0, lineLo, lineHi)) addScaled(gLine + q0, wl0, gp, pvals, comps);
  if (owned(l1, wl1, lineLo, lineHi)) addScaled(gLine + q1, wl1, gp, pvals, comps);
}

// @ts-ignore: decorator
@inline function lo(t: i32, T: i32, R: i32): i32 {
  return <i32>((<i64>t * <i64>R) / <i64>T);
}

/**
 * Backward over all points [0, n): adds d(loss)/d(planes, lines) for gradOut shaped like vmGather's output.
 * Thread t of T owns plane rows [t*R/T, (t+1)*R/T) of every plane and the same share of every line, so each
 * texel receives its updates from one thread, in point order. tmp: 3*comps floats of per-thread scratch.
 */
export function vmScatter(
  p0: usize, p1: usize, p2: usize, l0: usize, l1: usize, l2: usize,
  gp0: usize, gp1: usize, gp2: usize, gl0: usize, gl1: usize, gl2: usize,
  rx: i32, ry: i32, rz: i32, comps: i32, coords: usize, gradOut: usize, sum: bool, n: i32, t: i32, T: i32,
  tmp: usize,
): void {
  const width = 3 * comps;
  const cb = <usize>comps << 2;
  const gStride: usize = sum ? 0 : 1;
  for (let p = 0; p < n; p++) {
    tapsFor(coords, p, rx, ry, rz);
    const g = gradOut + (<usize>(sum ? p : p * width) << 2);
    scatterMode(p0, l0, gp0, gl0, rx, iy0, iy1, wy0, wy1, ix0, ix1, wx0, wx1, iz0, iz1, wz0, wz1,
      comps, g, gStride, lo(t, T, ry), lo(t + 1, T, ry), lo(t, T, rz), lo(t + 1, T, rz), tmp);
    scatterMode(p1, l1, gp1, gl1, rx, iz0, iz1, wz0, wz1, ix0, ix1, wx0, wx1, iy0, iy1, wy0, wy1,
      comps, sum ? g : g + cb, gStride, lo(t, T, rz), lo(t + 1, T, rz), lo(t, T, ry), lo(t + 1, T, ry), tmp);
    scatterMode(p2, l2, gp2, gl2, ry, iz0, iz1, wz0, wz1, iy0, iy1, wy0, wy1, ix0, ix1, wx0, wx1,
      comps, sum ? g : g + 2 * cb, gStride, lo(t, T, rz), lo(t + 1, T, rz), lo(t, T, rx), lo(t + 1, T, rx), tmp);
  }
}

/** Stratified ray marching through a box with occupancy skipping (MarchArgs), in double precision. */

/** Occupancy bits over [min, max] at res³ cells, x fastest. */
export interface OccupancyBits {
  bits: Uint8Array;
  res: number;
  min: readonly number[];
  max: readonly number[];
}

/** Entry and exit distances of ray (o, d) through the box (tNear > tFar: miss); tNear ≥ 0. */
export function boxEntryExit(
  o: ArrayLike<number>,
  d: ArrayLike<number>,
  min: readonly number[],
  max: readonly number[],
): [number, number] {
  let tNear = 0;
  let tFar = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3; k++) {
    const inv = 1 / d[k]!;
    let t0 = (min[k]! - o[k]!) * inv;
    let t1 = (max[k]! - o[k]!) * inv;
    if (t0 > t1) [t0, t1] = [t1, t0];
    if (t0 > tNear) tNear = t0;
    if (t1 < tFar) tFar = t1;
  }
  return [tNear, tFar];
}

/** Whether point (x, y, z) lies in an occupied cell. */
export function occupiedAt(o: OccupancyBits, x: number, y: number, z: number): boolean {
  const r = o.res;
  const i = Math.floor(((x - o.min[0]!) / (o.max[0]! - o.min[0]!)) * r);
  const j = Math.floor(((y - o.min[1]!) / (o.max[1]! - o.min[1]!)) * r);
  const k = Math.floor(((z - o.min[2]!) / (o.max[2]! - o.min[2]!)) * r);
  if (i < 0 || j < 0 || k < 0 || i >= r || j >= r || k >= r) return false;
  return o.bits[(k * r + j) * r + i] === 1;
}

/**
 * Samples every ray at t = t0 + step·(jitter + i) < t1 between box entry and exit, keeping those in occupied
 * cells; writes rayStart (numRays + 1) and, when given, positions and distances.
 */
export function marchRaysRef(
  origins: ArrayLike<number>,
  dirs: ArrayLike<number>,
  numRays: number,
  boxMin: readonly number[],
  boxMax: readonly number[],
  step: number,
  jitter: ArrayLike<number>,
  occupancy: OccupancyBits | null,
  rayStart: Int32Array,
  xyz: Float32Array | null,
  t: Float32Array | null,
): void {
  let m = 0;
  for (let r = 0; r < numRays; r++) {
    rayStart[r] = m;
    const o = [origins[r * 3]!, origins[r * 3 + 1]!, origins[r * 3 + 2]!];
    const d = [dirs[r * 3]!, dirs[r * 3 + 1]!, dirs[r * 3 + 2]!];
    const [t0, t1] = boxEntryExit(o, d, boxMin, boxMax);
    if (!(t0 < t1)) continue;
    for (let tt = t0 + step * jitter[r]!; tt < t1; tt += step) {
      const x = o[0]! + tt * d[0]!;
      const y = o[1]! + tt * d[1]!;
      const z = o[2]! + tt * d[2]!;
      if (occupancy && !occupiedAt(occupancy, x, y, z)) continue;
      if (xyz && t) {
        xyz[m * 3] = x;
        xyz[m * 3 + 1] = y;
        xyz[m * 3 + 2] = z;
        t[m] = tt;
      }
      m++;
    }
  }
  rayStart[numRays] = m;
}

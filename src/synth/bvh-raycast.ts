/**
 * Allocation-free closest-hit and any-hit ray queries over a three-mesh-bvh tree, read from its
 * serialized (packed) node buffer: 32 bytes a node, bounds as six float32 (min xyz, max xyz); a leaf
 * has a uint32 triangle offset and a uint16 count followed by the 0xFFFF leaf mark; an inner node has
 * its left child right after it and a uint32 relative offset (in nodes) to its right child. Triangles
 * are tested double-sided (Möller–Trumbore).
 */
import type { BufferGeometry } from 'three';
import { MeshBVH } from 'three-mesh-bvh';

/** The tree and triangles of one merged mesh, as flat arrays. */
export interface FlatBvh {
  f32: Float32Array;
  u16: Uint16Array;
  u32: Uint32Array;
  /** Triangle vertex indices (three per triangle, in BVH leaf order). */
  index: Uint32Array;
  /** Vertex positions, xyz. */
  pos: Float32Array;
}

/** Result of a closest-hit query: distance along the ray, triangle and barycentrics of vertices b, c. */
export interface RayHit {
  t: number;
  tri: number;
  u: number;
  v: number;
}

const UINT32_PER_NODE = 8;
const LEAF_MARK = 0xffff;
/** Traversal stacks: node offsets, and box entry distances for the closest-hit query. */
const STACK = new Int32Array(128);
const ENTRY = new Float64Array(128);

/** Flat arrays of a (non-indirect, single-root) BVH and its indexed geometry. */
export function flattenBvh(bvh: MeshBVH, geometry: BufferGeometry): FlatBvh {
  const data = MeshBVH.serialize(bvh, { cloneBuffers: false });
  if (data.roots.length !== 1 || !data.index || data.indirectBuffer) {
    throw new Error('flattenBvh needs a single-root BVH over an indexed geometry');
  }
  const root = data.roots[0]!;
  const pos = geometry.getAttribute('position').array;
  if (!(pos instanceof Float32Array)) throw new Error('flattenBvh needs float32 positions');
  return {
    f32: new Float32Array(root),
    u16: new Uint16Array(root),
    u32: new Uint32Array(root),
    index: Uint32Array.from(data.index as ArrayLike<number>),
    pos,
  };
}

/** Ray parameter where the ray enters a node's box (Infinity when it misses within [0, tMax]). */
function enterBox(
  f: Float32Array,
  n32: number,
  ox: number,
  oy: number,
  oz: number,
  ix: number,
  iy: number,
  iz: number,
  tMax: number,
): number {
  let t1 = (f[n32]! - ox) * ix;
  let t2 = (f[n32 + 3]! - ox) * ix;
  let lo = Math.min(t1, t2);
  let hi = Math.max(t1, t2);
  t1 = (f[n32 + 1]! - oy) * iy;
  t2 = (f[n32 + 4]! - oy) * iy;
  lo = Math.max(lo, Math.min(t1, t2));
  hi = Math.min(hi, Math.max(t1, t2));
  t1 = (f[n32 + 2]! - oz) * iz;
  t2 = (f[n32 + 5]! - oz) * iz;
  lo = Math.max(lo, Math.min(t1, t2));
  hi = Math.min(hi, Math.max(t1, t2));
  return hi >= lo && hi >= 0 && lo <= tMax ? lo : Number.POSITIVE_INFINITY;
}

/** A finite stand-in for 1/0 that keeps slab arithmetic free of NaN. */
function inverse(d: number): number {
  return d === 0 ? 1e30 : 1 / d;
}

/**
 * Intersects triangle `tri` (double-sided); returns t in (0, tMax) or Infinity, and leaves the
 * barycentrics of the hit in `bary`.
 */
function triangle(
  b: FlatBvh,
  tri: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tMax: number,
  bary: RayHit,
): number {
  const p = b.pos;
  const ia = b.index[tri * 3]! * 3;
  const ib = b.index[tri * 3 + 1]! * 3;
  const ic = b.index[tri * 3 + 2]! * 3;
  const ax = p[ia]!;
  const ay = p[ia + 1]!;
  const az = p[ia + 2]!;
  const e1x = p[ib]! - ax;
  const e1y = p[ib + 1]! - ay;
  const e1z = p[ib + 2]! - az;
  const e2x = p[ic]! - ax;
  const e2y = p[ic + 1]! - ay;
  const e2z = p[ic + 2]! - az;
  const px = dy * e2z - dz * e2y;
  const py = dz * e2x - dx * e2z;
  const pz = dx * e2y - dy * e2x;
  const det = e1x * px + e1y * py + e1z * pz;
  if (det === 0) return Number.POSITIVE_INFINITY;
  const inv = 1 / det;
  const sx = ox - ax;
  const sy = oy - ay;
  const sz = oz - az;
  const u = (sx * px + sy * py + sz * pz) * inv;
  if (u < 0 || u > 1) return Number.POSITIVE_INFINITY;
  const qx = sy * e1z - sz * e1y;
  const qy = sz * e1x - sx * e1z;
  const qz = sx * e1y - sy * e1x;
  const v = (dx * qx + dy * qy + dz * qz) * inv;
  if (v < 0 || u + v > 1) return Number.POSITIVE_INFINITY;
  const t = (e2x * qx + e2y * qy + e2z * qz) * inv;
  if (!(t > 0 && t < tMax)) return Number.POSITIVE_INFINITY;
  bary.u = u;
  bary.v = v;
  return t;
}

const scratch: RayHit = { t: 0, tri: 0, u: 0, v: 0 };

/**
 * Closest triangle hit by the ray o + t·d with 0 < t < tMax; fills `out` and returns true, or returns
 * false when nothing is hit.
 */
export function closestHit(
  b: FlatBvh,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tMax: number,
  out: RayHit,
): boolean {
  const { f32, u16, u32 } = b;
  const ix = inverse(dx);
  const iy = inverse(dy);
  const iz = inverse(dz);
  let best = tMax;
  let found = false;
  if (enterBox(f32, 0, ox, oy, oz, ix, iy, iz, best) === Number.POSITIVE_INFINITY) return false;
  let sp = 0;
  STACK[sp] = 0;
  ENTRY[sp++] = 0;
  while (sp > 0) {
    sp--;
    // A box entered beyond the best hit so far cannot hold a closer one.
    if (ENTRY[sp]! > best) continue;
    const n32 = STACK[sp]!;
    if (u16[n32 * 2 + 15] === LEAF_MARK) {
      const offset = u32[n32 + 6]!;
      const end = offset + u16[n32 * 2 + 14]!;
      for (let tri = offset; tri < end; tri++) {
        const t = triangle(b, tri, ox, oy, oz, dx, dy, dz, best, scratch);
        if (t < best) {
          best = t;
          found = true;
          out.t = t;
          out.tri = tri;
          out.u = scratch.u;
          out.v = scratch.v;
        }
      }
      continue;
    }
    const left = n32 + UINT32_PER_NODE;
    const right = n32 + u32[n32 + 6]! * UINT32_PER_NODE;
    const tl = enterBox(f32, left, ox, oy, oz, ix, iy, iz, best);
    const tr = enterBox(f32, right, ox, oy, oz, ix, iy, iz, best);
    // Push the farther child first so the nearer one is searched first.
    const nearFirst = tl <= tr;
    const far = nearFirst ? right : left;
    const tFar = nearFirst ? tr : tl;
    const near = nearFirst ? left : right;
    const tNear = nearFirst ? tl : tr;
    if (tFar !== Number.POSITIVE_INFINITY) {
      STACK[sp] = far;
      ENTRY[sp++] = tFar;
    }
    if (tNear !== Number.POSITIVE_INFINITY) {
      STACK[sp] = near;
      ENTRY[sp++] = tNear;
    }
  }
  return found;
}

/** Whether anything is hit by the ray o + t·d with 0 < t < tMax (stops at the first hit). */
export function anyHit(
  b: FlatBvh,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  tMax: number,
): boolean {
  const { f32, u16, u32 } = b;
  const ix = inverse(dx);
  const iy = inverse(dy);
  const iz = inverse(dz);
  if (enterBox(f32, 0, ox, oy, oz, ix, iy, iz, tMax) === Number.POSITIVE_INFINITY) return false;
  let sp = 0;
  STACK[sp++] = 0;
  while (sp > 0) {
    const n32 = STACK[--sp]!;
    if (u16[n32 * 2 + 15] === LEAF_MARK) {
      const offset = u32[n32 + 6]!;
      const end = offset + u16[n32 * 2 + 14]!;
      for (let tri = offset; tri < end; tri++) {
        if (triangle(b, tri, ox, oy, oz, dx, dy, dz, tMax, scratch) < tMax) return true;
      }
      continue;
    }
    const left = n32 + UINT32_PER_NODE;
    const right = n32 + u32[n32 + 6]! * UINT32_PER_NODE;
    if (enterBox(f32, right, ox, oy, oz, ix, iy, iz, tMax) !== Number.POSITIVE_INFINITY) STACK[sp++] = right;
    if (enterBox(f32, left, ox, oy, oz, ix, iy, iz, tMax) !== Number.POSITIVE_INFINITY) STACK[sp++] = left;
  }
  return false;
}

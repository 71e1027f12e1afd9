/**
 * Tracking by incremental 3D fusion: the tracked segments of every view are lifted with depth into one
 * voxel-subsampled point cloud whose points each belong to a track; each new view is matched to the
 * footprints of all tracks' points projected into it, then fused in.
 */
import type { Frame } from '../../data/scene.ts';
import { cameraPointToImage, invertRigid } from '../../rays/camera.ts';
import { cameraDirs, DEPTH_TOLERANCE, pixelPoint } from './depth-points.ts';
import { assignTracks, TrackBook, type Tracker, type TrackInput } from './tracks.ts';

/** Default voxel edge of the clouds, in pixels at the median depth of the first view. */
export const DEFAULT_VOXEL_PIXELS = 2;

const KEY_BASE = 2 ** 17;
const KEY_OFFSET = 2 ** 16;

/**
 * The fused cloud: one point per occupied voxel (the first observation in it), owned by the track
 * that most pixels lifted into that voxel belonged to so far (a running majority vote).
 */
export class TrackClouds {
  private xyz = new Float64Array(3 * 1024);
  private owner = new Uint16Array(1024);
  private ownerVotes = new Uint32Array(1024);
  private size = 0;
  private readonly voxelIndex = new Map<number, number>();
  private readonly votes = new Map<number, number>();

  constructor(readonly voxel: number) {}

  /** Number of occupied voxels. */
  get count(): number {
    return this.size;
  }

  private key(p: [number, number, number]): number {
    const cell = (x: number): number =>
      Math.min(KEY_BASE - 1, Math.max(0, Math.floor(x / this.voxel) + KEY_OFFSET));
    return cell(p[0]) + cell(p[1]) * KEY_BASE + cell(p[2]) * KEY_BASE * KEY_BASE;
  }

  /** Lifts a view's track map with its depth and adds one vote per pixel to the voxel it falls in. */
  add(frame: Frame, depth: Float32Array, tracks: Uint16Array): void {
    const dirs = cameraDirs(frame.intrinsics);
    for (let i = 0; i < tracks.length; i++) {
      const id = tracks[i]!;
      const z = depth[i]!;
      if (id === 0 || !(z > 0)) continue;
      const p = pixelPoint(dirs, i, z, frame.c2w);
      const key = this.key(p);
      let index = this.voxelIndex.get(key);
      if (index === undefined) {
        index = this.push(p, id);
        this.voxelIndex.set(key, index);
      }
      const vk = index * 65536 + id;
      const n = (this.votes.get(vk) ?? 0) + 1;
      this.votes.set(vk, n);
      if (this.owner[index] === id) this.ownerVotes[index] = n;
      else if (n > this.ownerVotes[index]!) {
        this.owner[index] = id;
        this.ownerVotes[index] = n;
      }
    }
  }

  private push(p: [number, number, number], id: number): number {
    if (this.size === this.owner.length) {
      const grow = <T extends Float64Array | Uint16Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.xyz = grow(this.xyz, (n) => new Float64Array(n));
      this.owner = grow(this.owner, (n) => new Uint16Array(n));
      this.ownerVotes = grow(this.ownerVotes, (n) => new Uint32Array(n));
    }
    this.xyz.set(p, this.size * 3);
    this.owner[this.size] = id;
    this.ownerVotes[this.size] = 0;
    return this.size++;
  }

  /**
   * The track footprints seen from `frame`: every point is splatted as a square about one voxel wide,
   * kept only where it agrees with the view's depth (relative `tolerance` plus one voxel), nearest wins.
   */
  render(frame: Frame, depth: Float32Array, tolerance = DEPTH_TOLERANCE): Uint16Array {
    const intr = frame.intrinsics;
    const { w, h } = intr;
    const w2c = invertRigid(frame.c2w);
    const zbuf = new Float32Array(w * h).fill(Number.POSITIVE_INFINITY);
    const out = new Uint16Array(w * h);
    const m = w2c;
    for (let j = 0; j < this.size; j++) {
      const x = this.xyz[j * 3]!;
      const y = this.xyz[j * 3 + 1]!;
      const z = this.xyz[j * 3 + 2]!;
      const q: [number, number, number] = [
        m[0]! * x + m[1]! * y + m[2]! * z + m[3]!,
        m[4]! * x + m[5]! * y + m[6]! * z + m[7]!,
        m[8]! * x + m[9]! * y + m[10]! * z + m[11]!,
      ];
      const d = -q[2];
      if (!(d > 1e-6)) continue;
      const p = cameraPointToImage(intr, q);
      const r = Math.ceil((0.5 * this.voxel * Math.max(intr.fx, intr.fy)) / d);
      const u0 = Math.floor(p.px);
      const v0 = Math.floor(p.py);
      if (u0 + r < 0 || v0 + r < 0 || u0 - r >= w || v0 - r >= h) continue;
      const id = this.owner[j]!;
      for (let v = Math.max(0, v0 - r); v <= Math.min(h - 1, v0 + r); v++) {
        for (let u = Math.max(0, u0 - r); u <= Math.min(w - 1, u0 + r); u++) {
          const k = v * w + u;
          const dz = depth[k]!;
          if (!(dz > 0) || Math.abs(d - dz) > tolerance * dz + this.voxel || d >= zbuf[k]!) continue;
          zbuf[k] = d;
          out[k] = id;
        }
      }
    }
    return out;
  }
}

/** A voxel edge of `pixels` pixels at the median depth of a view (null when it has no depth). */
export function voxelSize(frame: Frame, depth: Float32Array, pixels: number): number | null {
  const valid = depth.filter((z) => z > 0).sort();
  if (valid.length === 0) return null;
  const median = valid[valid.length >> 1]!;
  return (pixels * median) / Math.max(frame.intrinsics.fx, frame.intrinsics.fy);
}

/** A tracker fusing segments into a labelled point cloud and matching views to its projection. */
export function cloudTracker(minIou: number, voxelPixels = DEFAULT_VOXEL_PIXELS): Tracker {
  const book = new TrackBook();
  let clouds: TrackClouds | null = null;
  return {
    needsDepth: true,
    step(input: TrackInput): Uint16Array {
      if (!input.depth) throw new Error('the cloud tracker needs depth');
      const depth = input.depth;
      if (!clouds) {
        const voxel = voxelSize(input.frame, depth, voxelPixels);
        if (voxel !== null) clouds = new TrackClouds(voxel);
      }
      const reference = clouds ? clouds.render(input.frame, depth) : new Uint16Array(input.instance.length);
      const tracked = assignTracks(input, reference, book, minIou);
      clouds?.add(input.frame, depth, tracked);
      return tracked;
    },
    trackCount: () => book.count,
  };
}

/**
 * Scene normalisation: an isotropic similarity mapping world coordinates into the unit box [-1, 1]³, from the
 * scene's `aabb` when given, else from depth maps, else from the cameras alone.
 */
import { readDepth } from '../data/maps.ts';
import { nearestRank, percentileBox } from '../data/percentile-box.ts';
import type { Frame, Scene } from '../data/scene.ts';
import { cameraOrigin, transformDir, unprojectPixel, type Vec3 } from './camera.ts';

/** World → normalised: x_n = (x − center) / scale; `box` is the scene box in normalised coordinates. */
export interface Normalization {
  center: Vec3;
  scale: number;
  box: { min: Vec3; max: Vec3 };
  /** How the box was found: 'aabb', 'depth' or 'cameras'. */
  source: 'aabb' | 'depth' | 'cameras';
}

/** Maps a world point into normalised coordinates. */
export function toNormalized(norm: Normalization, p: Vec3): Vec3 {
  return [
    (p[0] - norm.center[0]) / norm.scale,
    (p[1] - norm.center[1]) / norm.scale,
    (p[2] - norm.center[2]) / norm.scale,
  ];
}

/** Maps a normalised point back to world coordinates. */
export function toWorld(norm: Normalization, p: Vec3): Vec3 {
  return [
    p[0] * norm.scale + norm.center[0],
    p[1] * norm.scale + norm.center[1],
    p[2] * norm.scale + norm.center[2],
  ];
}

function fromBox(min: Vec3, max: Vec3, source: Normalization['source']): Normalization {
  const center: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  const scale = Math.max(max[0] - min[0], max[1] - min[1], max[2] - min[2]) / 2;
  const norm: Normalization = { center, scale, box: { min: [0, 0, 0], max: [0, 0, 0] }, source };
  norm.box = { min: toNormalized(norm, min), max: toNormalized(norm, max) };
  return norm;
}

/** Box of depth points over sampled pixels of the given frames (1st–99th percentile, 5 % margin). */
function depthBox(scene: Scene, frames: Frame[]): { min: Vec3; max: Vec3 } | null {
  const pts: Vec3[] = [];
  for (const frame of frames) {
    if (!frame.maps.depth_file_path) continue;
    const depth = readDepth(scene, frame);
    const { w, h } = frame.intrinsics;
    const step = Math.max(1, Math.floor(Math.sqrt((w * h) / 400)));
    for (let v = 0; v < h; v += step) {
      for (let u = 0; u < w; u += step) {
        const z = depth[v * w + u]!;
        if (z > 0) pts.push(unprojectPixel(frame, u, v, z));
      }
    }
  }
  if (pts.length < 10) return null;
  const box = percentileBox(Float64Array.from(pts.flat()), {
    low: 0.01,
    high: 0.99,
    pad: 0.05,
    minPad: 1e-6,
  });
  return box && { min: box[0], max: box[1] };
}

/** Least-squares point closest to all camera optical axes, and the median camera distance to it. */
function cameraFocus(frames: Frame[]): { focus: Vec3; distance: number } {
  // Solve Σ (I − d dᵀ) x = Σ (I − d dᵀ) o.
  const A = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const b = [0, 0, 0];
  for (const f of frames) {
    const o = cameraOrigin(f);
    const d = transformDir(f.c2w, [0, 0, -1]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const m = (i === j ? 1 : 0) - d[i]! * d[j]!;
        A[i * 3 + j]! += m;
        b[i]! += m * o[j]!;
      }
    }
  }
  const det = (m: number[]) =>
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  const D = det(A);
  let focus: Vec3;
  if (Math.abs(D) < 1e-9) {
    focus = [0, 0, 0];
    for (const f of frames) {
      const o = cameraOrigin(f);
      for (let k = 0; k < 3; k++) focus[k]! += o[k]! / frames.length;
    }
  } else {
    focus = [0, 1, 2].map(
      (c) => det(A.map((v, idx) => (idx % 3 === c ? b[Math.floor(idx / 3)]! : v))) / D,
    ) as Vec3;
  }
  const dists = frames.map((f) => Math.hypot(...(cameraOrigin(f).map((v, k) => v - focus[k]!) as Vec3)));
  return { focus, distance: nearestRank(Float64Array.from(dists).sort(), 0.5) };
}

/** The normalisation of a scene, from its aabb, else its training depth maps, else its cameras. */
export function normalizeScene(scene: Scene, frames: Frame[] = scene.frames): Normalization {
  if (scene.aabb) return fromBox(scene.aabb[0], scene.aabb[1], 'aabb');
  const box = depthBox(scene, frames.slice(0, 50));
  if (box) return fromBox(box.min, box.max, 'depth');
  const { focus, distance } = cameraFocus(frames);
  const r = 0.6 * distance;
  return fromBox(
    [focus[0] - r, focus[1] - r, focus[2] - r],
    [focus[0] + r, focus[1] + r, focus[2] + r],
    'cameras',
  );
}

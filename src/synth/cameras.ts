/**
 * Camera sampling for synthetic scenes: inward-looking pinhole cameras in a dome-shaped shell around the
 * scene centre, each aimed at a point near a random object, with a physical focal length on a 36 mm
 * sensor. Poses use the scene format's conventions (camera-to-world, OpenGL axes, world z up).
 */
import type { Rng } from '../core/rng.ts';
import type { Intrinsics } from '../data/scene.ts';
import type { Vec3 } from '../rays/camera.ts';
import { focalPixels, type SceneLayout } from './layout.ts';

/** Camera-to-world (row-major, OpenGL axes) of a camera at `eye` looking at `target`, world z up. */
export function lookAt(eye: Vec3, target: Vec3): Float64Array {
  const f = normalize([target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]]);
  const r = normalize(cross(f, [0, 0, 1]));
  const u = cross(r, f);
  // biome-ignore format: a 4×4 matrix reads best in rows
  return Float64Array.from([
    r[0], u[0], -f[0], eye[0],
    r[1], u[1], -f[1], eye[1],
    r[2], u[2], -f[2], eye[2],
    0, 0, 0, 1,
  ]);
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Square pinhole intrinsics of a `size`×`size` image for a focal length in mm (36 mm sensor). */
export function squareIntrinsics(size: number, focalMm: number): Intrinsics {
  const f = focalPixels(focalMm, size);
  return {
    model: 'PINHOLE',
    fx: f,
    fy: f,
    cx: size / 2,
    cy: size / 2,
    w: size,
    h: size,
    k1: 0,
    k2: 0,
    p1: 0,
    p2: 0,
  };
}

/**
 * `count` camera-to-world poses: eyes uniform in area on the dome shell (radius and elevation ranges of
 * the layout, about the origin), each looking at a random target point jittered by up to `jitter` m.
 */
export function sampleDomeCameras(
  rng: Rng,
  count: number,
  layout: SceneLayout,
  targets: Vec3[],
  jitter = 0.1,
): Float64Array[] {
  const zLo = Math.sin(layout.elevationMin);
  const zHi = Math.sin(layout.elevationMax);
  const r3Lo = layout.shellInner ** 3;
  const r3Hi = layout.shellOuter ** 3;
  const poses: Float64Array[] = [];
  for (let i = 0; i < count; i++) {
    const radius = Math.cbrt(rng.uniform(r3Lo, r3Hi));
    const z = rng.uniform(zLo, zHi);
    const azimuth = rng.uniform(0, 2 * Math.PI);
    const s = Math.sqrt(1 - z * z);
    const eye: Vec3 = [radius * s * Math.cos(azimuth), radius * s * Math.sin(azimuth), radius * z];
    const t = targets.length > 0 ? targets[rng.int(targets.length)]! : ([0, 0, 0] as Vec3);
    const target: Vec3 = [t[0] + rng.uniform(-jitter, jitter), t[1] + rng.uniform(-jitter, jitter), t[2]];
    poses.push(lookAt(eye, target));
  }
  return poses;
}

/**
 * Writes a tiny scene folder by hand for tests: a few spheres and boxes on a ground plane, ray-cast
 * analytically into RGB, depth, GT instance and GT semantic maps from a short orbit of poses.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGray16, writeRgb8 } from '../../src/data/png.ts';
import type { Intrinsics } from '../../src/data/scene.ts';
import { writeTransforms } from '../../src/data/write-scene.ts';
import { pixelToCameraDir, transformDir, type Vec3 } from '../../src/rays/camera.ts';

/** A sphere or an axis-aligned box; every shape is one object of the thing class. */
export type Shape = { kind: 'sphere'; c: Vec3; r: number } | { kind: 'box'; lo: Vec3; hi: Vec3 };

/** The default objects: five shapes on the z = 0 ground, two of them touching. */
export const TINY_SHAPES: Shape[] = [
  { kind: 'sphere', c: [0.55, 0.35, 0.3], r: 0.3 },
  { kind: 'box', lo: [-0.8, -0.2, 0], hi: [-0.3, 0.3, 0.5] },
  { kind: 'sphere', c: [-0.25, -0.7, 0.25], r: 0.25 },
  { kind: 'box', lo: [0.2, -0.9, 0], hi: [0.7, -0.4, 0.35] },
  { kind: 'box', lo: [-0.3, 0.3, 0], hi: [0.1, 0.7, 0.4] },
];

/** Options of writeTinyScene. */
export interface TinySceneOptions {
  /** Number of views (default 6). */
  frames?: number;
  /** Image side in pixels (default 48); the image width when `height` is given. */
  size?: number;
  /** Image height in pixels (default `size`: square images). */
  height?: number;
  /** Orbit angle between consecutive views in degrees (default 10). */
  stepDeg?: number;
  /** Objects (default TINY_SHAPES). */
  shapes?: Shape[];
  /** Leave out depth maps (default false). */
  noDepth?: boolean;
  /**
   * An open scene (default false): the ground ends 1.6 from the origin and rays past it see a sky whose colour
   * depends on the direction only (depth 0, ground-truth void).
   */
  sky?: boolean;
}

/** The open tiny scene's sky colour (0–255) along unit direction d. */
export function tinySky(d: Vec3): [number, number, number] {
  return [Math.round(150 + 90 * d[2]), Math.round(170 + 60 * d[0]), Math.round(215 - 30 * d[1])];
}

/** Camera-to-world (row-major, OpenGL axes) of a camera at `eye` looking at `target` with z up. */
export function lookAt(eye: Vec3, target: Vec3): Float64Array {
  const f = norm([target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]]);
  const r = norm(cross(f, [0, 0, 1]));
  const u = cross(r, f);
  return Float64Array.from([
    r[0],
    u[0],
    -f[0],
    eye[0],
    r[1],
    u[1],
    -f[1],
    eye[1],
    r[2],
    u[2],
    -f[2],
    eye[2],
    0,
    0,
    0,
    1,
  ]);
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function norm(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** Ray parameter of the first hit of o + s·d with a shape (Infinity when missed). */
export function hit(shape: Shape, o: Vec3, d: Vec3): number {
  if (shape.kind === 'sphere') {
    const oc: Vec3 = [o[0] - shape.c[0], o[1] - shape.c[1], o[2] - shape.c[2]];
    const a = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    const b = oc[0] * d[0] + oc[1] * d[1] + oc[2] * d[2];
    const c = oc[0] * oc[0] + oc[1] * oc[1] + oc[2] * oc[2] - shape.r * shape.r;
    const disc = b * b - a * c;
    if (disc < 0) return Number.POSITIVE_INFINITY;
    const s = (-b - Math.sqrt(disc)) / a;
    return s > 0 ? s : Number.POSITIVE_INFINITY;
  }
  let near = Number.NEGATIVE_INFINITY;
  let far = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3; k++) {
    const t0 = (shape.lo[k]! - o[k]!) / d[k]!;
    const t1 = (shape.hi[k]! - o[k]!) / d[k]!;
    near = Math.max(near, Math.min(t0, t1));
    far = Math.min(far, Math.max(t0, t1));
  }
  return near <= far && near > 0 ? near : Number.POSITIVE_INFINITY;
}

/** The poses of the tiny scene's orbit (radius 2.2, height 1.7, looking just above the origin). */
export function tinyPoses(frames: number, stepDeg: number): Float64Array[] {
  return Array.from({ length: frames }, (_, k) => {
    const a = ((20 + k * stepDeg) * Math.PI) / 180;
    return lookAt([2.2 * Math.cos(a), 2.2 * Math.sin(a), 1.7], [0, 0, 0.2]);
  });
}

/** Writes the tiny scene into a fresh temporary folder (or `dir`) and returns the folder. */
export function writeTinyScene(opts: TinySceneOptions = {}, dir?: string): string {
  const frames = opts.frames ?? 6;
  const size = opts.size ?? 48;
  const height = opts.height ?? size;
  const shapes = opts.shapes ?? TINY_SHAPES;
  const root = dir ?? mkdtempSync(join(tmpdir(), 'clift-tiny-'));
  const fl = size * 1.1;
  const intr: Intrinsics = {
    model: 'PINHOLE',
    fx: fl,
    fy: fl,
    cx: size / 2,
    cy: height / 2,
    w: size,
    h: height,
    k1: 0,
    k2: 0,
    p1: 0,
    p2: 0,
  };
  const n = size * height;
  const frameJson = tinyPoses(frames, opts.stepDeg ?? 10).map((c2w, k) => {
    const stem = String(k).padStart(4, '0');
    const rgb = new Uint8Array(n * 3);
    const depth = new Uint16Array(n);
    const inst = new Uint16Array(n);
    const sem = new Uint16Array(n);
    const o: Vec3 = [c2w[3]!, c2w[7]!, c2w[11]!];
    for (let v = 0; v < height; v++) {
      for (let u = 0; u < size; u++) {
        const d = transformDir(c2w, pixelToCameraDir(intr, u, v));
        let best = d[2] < 0 ? -o[2] / d[2] : Number.POSITIVE_INFINITY;
        if (opts.sky && Math.hypot(o[0] + best * d[0], o[1] + best * d[1]) > 1.6)
          best = Number.POSITIVE_INFINITY;
        let id = 0;
        shapes.forEach((s, j) => {
          const t = hit(s, o, d);
          if (t < best) {
            best = t;
            id = j + 1;
          }
        });
        const i = v * size + u;
        if (Number.isFinite(best)) depth[i] = Math.round(best * 1000);
        inst[i] = id;
        sem[i] = Number.isFinite(best) ? (id > 0 ? 1 : 0) : 65535;
        const len = Math.hypot(d[0], d[1], d[2]);
        const shade = !Number.isFinite(best)
          ? tinySky([d[0] / len, d[1] / len, d[2] / len])
          : id === 0
            ? [90, 110, 90]
            : [40 + 40 * id, 200 - 30 * id, 60 + 25 * id];
        for (let c = 0; c < 3; c++) rgb[i * 3 + c] = shade[c]!;
      }
    }
    writeRgb8(join(root, `images/${stem}.png`), size, height, rgb);
    if (!opts.noDepth) writeGray16(join(root, `depth/${stem}.png`), size, height, depth);
    writeGray16(join(root, `gt/instance/${stem}.png`), size, height, inst);
    writeGray16(join(root, `gt/semantic/${stem}.png`), size, height, sem);
    return {
      file_path: `images/${stem}.png`,
      transform_matrix: [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => c2w[r * 4 + c]!)),
      split: k % 3 === 2 ? 'test' : 'train',
      ...(opts.noDepth ? {} : { depth_file_path: `depth/${stem}.png` }),
      gt_instance_file_path: `gt/instance/${stem}.png`,
      gt_semantic_file_path: `gt/semantic/${stem}.png`,
    };
  });
  writeTransforms(root, {
    camera_model: 'PINHOLE',
    fl_x: fl,
    fl_y: fl,
    cx: intr.cx,
    cy: intr.cy,
    w: size,
    h: height,
    depth_unit_scale_factor: 0.001,
    semantic_classes: [
      { id: 0, name: 'background', thing: false },
      { id: 1, name: 'object', thing: true },
    ],
    frames: frameJson,
    test_note: 'kept by writers',
  });
  return root;
}

/**
 * Writes a small run folder by hand for the viewer tests: four sphere objects on a ground plane as a labelled
 * point cloud, and a two-view scene (32×24) ray-cast from the same spheres with 2D segments, ground truth and
 * clift predictions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.ts';
import { writeGray16, writeRgb8 } from '../../src/data/png.ts';
import type { Intrinsics } from '../../src/data/scene.ts';
import { writeTransforms } from '../../src/data/write-scene.ts';
import { writePly } from '../../src/export/ply.ts';
import { pixelToCameraDir, transformDir, type Vec3 } from '../../src/rays/camera.ts';
import { hit, lookAt } from './tiny-scene.ts';

/** One object of the fixture: a sphere resting on z = 0, sampled with `points` surface points. */
export interface ViewerBlob {
  id: number;
  classId: number;
  center: Vec3;
  r: number;
  points: number;
}

/** The objects (clift ids 1–4) with distinct point counts. */
export const VIEWER_BLOBS: ViewerBlob[] = [
  { id: 1, classId: 1, center: [-0.6, -0.4, 0.25], r: 0.25, points: 700 },
  { id: 2, classId: 1, center: [0.5, -0.5, 0.2], r: 0.2, points: 500 },
  { id: 3, classId: 2, center: [0.4, 0.55, 0.3], r: 0.3, points: 900 },
  { id: 4, classId: 2, center: [-0.45, 0.5, 0.15], r: 0.15, points: 300 },
];

/** The scene's classes. */
export const VIEWER_CLASSES = [
  { id: 0, name: 'floor', thing: false },
  { id: 1, name: 'ball', thing: true },
  { id: 2, name: 'stone', thing: true },
];

/** Ground points (instance 0). */
export const GROUND_POINTS = 800;
/** The view stems and image size. */
export const VIEW_STEMS = ['v0', 'v1'];
export const VIEW_W = 32;
export const VIEW_H = 24;

/** The 2D segmenter's id for clift object `id` in view `k` (inconsistent across views). */
export function segmenterId(k: number, id: number): number {
  return k === 0 ? id * 10 : 50 - id;
}

/** The ground-truth id of clift object `id`. */
export function gtId(id: number): number {
  return 100 + id;
}

/** Photo colour of an object (and of the ground for id 0). */
function shade(id: number): [number, number, number] {
  return id === 0 ? [120, 110, 100] : [60 + 40 * id, 200 - 35 * id, 80 + 30 * id];
}

/** Writes the labelled cloud: sphere-surface points of every blob, then a grid of ground points. */
function writeCloud(path: string): void {
  const rng = new Rng('viewer-fixture');
  const n = VIEWER_BLOBS.reduce((s, b) => s + b.points, 0) + GROUND_POINTS;
  const xyz = new Float32Array(n * 3);
  const rgb = new Uint8Array(n * 3);
  const instance = new Int32Array(n);
  const semantic = new Int32Array(n);
  let i = 0;
  for (const b of VIEWER_BLOBS) {
    for (let k = 0; k < b.points; k++, i++) {
      const v = [rng.normal(), rng.normal(), rng.normal()];
      const len = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
      for (let c = 0; c < 3; c++) xyz[i * 3 + c] = b.center[c]! + (b.r * v[c]!) / len;
      rgb.set(shade(b.id), i * 3);
      instance[i] = b.id;
      semantic[i] = b.classId;
    }
  }
  const side = Math.round(Math.sqrt(GROUND_POINTS));
  for (let k = 0; k < GROUND_POINTS; k++, i++) {
    xyz[i * 3] = -1.2 + (2.4 * (k % side)) / side;
    xyz[i * 3 + 1] = -1.2 + (2.4 * Math.floor(k / side)) / side;
    xyz[i * 3 + 2] = 0;
    rgb.set(shade(0), i * 3);
  }
  writePly(path, { xyz, rgb, instance, semantic });
}

/** Writes the fixture run into a fresh temporary folder (or `dir`) and returns the folder. */
export function writeViewerRun(dir?: string): string {
  const root = dir ?? mkdtempSync(join(tmpdir(), 'clift-viewer-'));
  const sceneDir = join(root, 'scene');
  const pred = join(root, 'prediction');
  const intr: Intrinsics = {
    model: 'PINHOLE',
    fx: 26,
    fy: 26,
    cx: VIEW_W / 2,
    cy: VIEW_H / 2,
    w: VIEW_W,
    h: VIEW_H,
    k1: 0,
    k2: 0,
    p1: 0,
    p2: 0,
  };
  const n = VIEW_W * VIEW_H;
  const frames = VIEW_STEMS.map((stem, k) => {
    const a = ((30 + 50 * k) * Math.PI) / 180;
    const c2w = lookAt([1.9 * Math.cos(a), 1.9 * Math.sin(a), 1.5], [0, 0, 0.15]);
    const o: Vec3 = [c2w[3]!, c2w[7]!, c2w[11]!];
    const ids = new Uint16Array(n);
    const rgb = new Uint8Array(n * 3);
    for (let v = 0; v < VIEW_H; v++) {
      for (let u = 0; u < VIEW_W; u++) {
        const d = transformDir(c2w, pixelToCameraDir(intr, u, v));
        let best = Number.POSITIVE_INFINITY;
        let id = 0;
        for (const b of VIEWER_BLOBS) {
          const t = hit({ kind: 'sphere', c: b.center, r: b.r }, o, d);
          if (t < best) {
            best = t;
            id = b.id;
          }
        }
        ids[v * VIEW_W + u] = id;
        rgb.set(shade(id), (v * VIEW_W + u) * 3);
      }
    }
    const classOf = (id: number) => VIEWER_BLOBS.find((b) => b.id === id)?.classId ?? 0;
    const sem = Uint16Array.from(ids, classOf);
    writeRgb8(join(sceneDir, `images/${stem}.png`), VIEW_W, VIEW_H, rgb);
    writeGray16(
      join(sceneDir, `segments/instance/${stem}.png`),
      VIEW_W,
      VIEW_H,
      Uint16Array.from(ids, (id) => (id > 0 ? segmenterId(k, id) : 0)),
    );
    writeGray16(join(sceneDir, `segments/semantic/${stem}.png`), VIEW_W, VIEW_H, sem);
    writeGray16(
      join(sceneDir, `gt/instance/${stem}.png`),
      VIEW_W,
      VIEW_H,
      Uint16Array.from(ids, (id) => (id > 0 ? gtId(id) : 0)),
    );
    writeGray16(join(sceneDir, `gt/semantic/${stem}.png`), VIEW_W, VIEW_H, sem);
    writeGray16(join(pred, `instance/${stem}.png`), VIEW_W, VIEW_H, ids);
    writeGray16(join(pred, `semantic/${stem}.png`), VIEW_W, VIEW_H, sem);
    return {
      file_path: `images/${stem}.png`,
      transform_matrix: [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => c2w[r * 4 + c]!)),
      split: 'test',
      instance_file_path: `segments/instance/${stem}.png`,
      semantic_file_path: `segments/semantic/${stem}.png`,
      gt_instance_file_path: `gt/instance/${stem}.png`,
      gt_semantic_file_path: `gt/semantic/${stem}.png`,
    };
  });
  writeTransforms(sceneDir, {
    camera_model: 'PINHOLE',
    fl_x: intr.fx,
    fl_y: intr.fy,
    cx: intr.cx,
    cy: intr.cy,
    w: VIEW_W,
    h: VIEW_H,
    semantic_classes: VIEWER_CLASSES,
    frames,
  });
  writeCloud(join(pred, 'points.ply'));
  writeFileSync(join(root, 'config.json'), `${JSON.stringify({ scene: sceneDir }, null, 2)}\n`);
  return root;
}

/**
 * Writes a rendered tiny scene (see tiny-scene.ts) out in the source layouts `clift convert` reads — the
 * Panoptic Lifting processed layout, the Messy Rooms release and a nerfstudio capture with a mask folder —
 * with the poses, intrinsics, file types and label conventions each source uses. The 2D segmenter masks get
 * per-view ids (ground-truth ids shuffled anew in every view and offset), as a real 2D segmenter's would.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { Rng } from '../../src/core/rng.ts';
import { readInstances, readRgb, readSemantics } from '../../src/data/maps.ts';
import { readImage, writeGray16, writePng, writeRgb8 } from '../../src/data/png.ts';
import { readScene } from '../../src/data/read-scene.ts';
import type { Split } from '../../src/data/scene.ts';
import { sceneToJson, writeTransforms } from '../../src/data/write-scene.ts';
import { writeNpy } from './npy-writer.ts';

/**
 * A deliberate error in the written poses, for negative controls: 'axes' stores the other camera-axis
 * convention (OpenGL where the source wants OpenCV and vice versa), 'transpose' stores the rotation transposed.
 */
export type PoseMistake = 'none' | 'axes' | 'transpose';

/** Options of the fixture writers. */
export interface SourceFixtureOptions {
  /** Seed of the per-view id shuffles (default 1). */
  seed?: number;
  /** Default 'none'. */
  poseMistake?: PoseMistake;
}

/** One view of the tiny scene as the writers need it. */
interface TinyView {
  stem: string;
  /** Camera-to-world, OpenGL axes, row-major 4×4. */
  c2w: Float64Array;
  split: Split;
  rgb: Uint8Array;
  /** Ground-truth instance ids, 0 = ground. */
  instance: Uint16Array;
  /** Ground-truth class, 0 = ground, 1 = object. */
  semantic: Uint16Array;
  /** Planar depth in millimetres (0 = none), or null. */
  depthMm: Uint16Array | null;
}

/** The tiny scene's camera (clift convention: pixel (u, v) centred at (u + 0.5, v + 0.5)) and views. */
interface Tiny {
  w: number;
  h: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  views: TinyView[];
}

function readTiny(dir: string): Tiny {
  const scene = readScene(dir);
  const first = scene.frames[0]!.intrinsics;
  const views = scene.frames.map((f): TinyView => {
    const depthPath = f.maps.depth_file_path;
    return {
      stem: f.stem,
      c2w: f.c2w,
      split: f.split,
      rgb: readRgb(scene, f),
      instance: readInstances(scene, f, 'gt_instance_file_path'),
      semantic: readSemantics(scene, f, 'gt_semantic_file_path'),
      depthMm: depthPath ? Uint16Array.from(readImage(join(scene.dir, depthPath)).data) : null,
    };
  });
  const { w, h, fx, fy, cx, cy } = first;
  return { w, h, fx, fy, cx, cy, views };
}

/** c2w with its rotation's y and z columns negated: OpenGL ↔ OpenCV camera axes (its own inverse). */
function flipAxes(c2w: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(c2w);
  for (let r = 0; r < 3; r++) {
    out[r * 4 + 1] = -c2w[r * 4 + 1]!;
    out[r * 4 + 2] = -c2w[r * 4 + 2]!;
  }
  return out;
}

/** Applies a deliberate pose mistake to a pose already in the source's convention. */
function withMistake(c2w: Float64Array, mistake: PoseMistake): Float64Array {
  if (mistake === 'axes') return flipAxes(c2w);
  if (mistake === 'transpose') {
    const out = Float64Array.from(c2w);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 4 + c] = c2w[c * 4 + r]!;
    return out;
  }
  return c2w;
}

function rows4(m: ArrayLike<number>): number[][] {
  return [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => m[r * 4 + c]!));
}

/**
 * A 2D segmenter's view of ground-truth instances: every object visible in the view gets an id from a fresh
 * shuffle, plus `offset`, so the same object carries different ids in different views.
 */
function shuffledIds(gt: Uint16Array, rng: Rng, offset: number): { ids: Uint16Array; count: number } {
  const present = [...new Set(gt)].filter((v) => v > 0).sort((a, b) => a - b);
  const order = rng.permutation(present.length);
  const map = new Map(present.map((id, i) => [id, offset + order[i]! + 1]));
  return { ids: gt.map((v) => (v > 0 ? map.get(v)! : 0)), count: present.length };
}

function gray8(path: string, w: number, h: number, data: ArrayLike<number>): void {
  writePng(path, { width: w, height: h, channels: 1, depth: 8, data: Uint8Array.from(data) });
}

/** Reduced-ScanNet classes the tiny scene maps to: objects are chairs (a thing), the ground is floor (stuff). */
export const PANOPTIC_LIFTING_CLASSES = { object: 5, ground: 2 } as const;

/**
 * Writes the tiny scene `tinyDir` as a Panoptic Lifting processed scene: color/<n>.jpg with numeric stems
 * (0, 20, 40, …: name order differs from numeric order), OpenCV camera-to-world pose/<n>.txt,
 * intrinsic/intrinsic_color.txt for integer pixel indices, splits.json, m2f_semantics / m2f_instance (ids unique
 * across all views), rs_semantics / rs_instance (ground truth) and depth (uint16 millimetres). Returns the
 * scene folder.
 */
export function writePanopticLiftingScene(tinyDir: string, opts: SourceFixtureOptions = {}): string {
  const tiny = readTiny(tinyDir);
  const { w, h } = tiny;
  const dir = mkdtempSync(join(tmpdir(), 'clift-src-panopli-'));
  for (const d of ['color', 'pose', 'intrinsic']) mkdirSync(join(dir, d), { recursive: true });
  // The source casts rays through integer pixel indices, so its principal point is half a pixel lower.
  writeFileSync(
    join(dir, 'intrinsic/intrinsic_color.txt'),
    `${tiny.fx} 0 ${tiny.cx - 0.5} 0\n0 ${tiny.fy} ${tiny.cy - 0.5} 0\n0 0 1 0\n0 0 0 1\n`,
  );
  const rng = new Rng(opts.seed ?? 1).fork('m2f');
  const splits: Record<'train' | 'test', string[]> = { train: [], test: [] };
  const { object, ground } = PANOPTIC_LIFTING_CLASSES;
  // The segmenter's instance counter runs over all frames: ids are unique across the whole scene.
  let counter = 0;
  tiny.views.forEach((view, k) => {
    const stem = String(20 * k);
    (view.split === 'test' ? splits.test : splits.train).push(stem);
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      rgba.set(view.rgb.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = 255;
    }
    writeFileSync(join(dir, `color/${stem}.jpg`), jpeg.encode({ data: rgba, width: w, height: h }, 95).data);
    const c2wCv = withMistake(flipAxes(view.c2w), opts.poseMistake ?? 'none');
    writeFileSync(
      join(dir, `pose/${stem}.txt`),
      `${rows4(c2wCv)
        .map((r) => r.join(' '))
        .join('\n')}\n`,
    );
    const cls = view.semantic.map((s) => (s === 1 ? object : ground));
    writeGray16(join(dir, `m2f_semantics/${stem}.png`), w, h, cls);
    const seg = shuffledIds(view.instance, rng, counter);
    counter += seg.count;
    writeGray16(join(dir, `m2f_instance/${stem}.png`), w, h, seg.ids);
    gray8(join(dir, `rs_semantics/${stem}.png`), w, h, cls);
    gray8(join(dir, `rs_instance/${stem}.png`), w, h, view.instance);
    if (view.depthMm) writeGray16(join(dir, `depth/${stem}.png`), w, h, view.depthMm);
  });
  writeFileSync(join(dir, 'splits.json'), JSON.stringify(splits));
  return dir;
}

/** Quaternion (w, x, y, z) of a rotation given as the top-left 3×3 of a row-major 4×4 matrix. */
function matrixToQuaternion(m: ArrayLike<number>): number[] {
  const a = (r: number, c: number) => m[r * 4 + c]!;
  const tr = a(0, 0) + a(1, 1) + a(2, 2);
  if (tr > 0) {
    const s = 2 * Math.sqrt(tr + 1);
    return [s / 4, (a(2, 1) - a(1, 2)) / s, (a(0, 2) - a(2, 0)) / s, (a(1, 0) - a(0, 1)) / s];
  }
  if (a(0, 0) > a(1, 1) && a(0, 0) > a(2, 2)) {
    const s = 2 * Math.sqrt(1 + a(0, 0) - a(1, 1) - a(2, 2));
    return [(a(2, 1) - a(1, 2)) / s, s / 4, (a(0, 1) + a(1, 0)) / s, (a(0, 2) + a(2, 0)) / s];
  }
  if (a(1, 1) > a(2, 2)) {
    const s = 2 * Math.sqrt(1 + a(1, 1) - a(0, 0) - a(2, 2));
    return [(a(0, 2) - a(2, 0)) / s, (a(0, 1) + a(1, 0)) / s, s / 4, (a(1, 2) + a(2, 1)) / s];
  }
  const s = 2 * Math.sqrt(1 + a(2, 2) - a(0, 0) - a(1, 1));
  return [(a(1, 0) - a(0, 1)) / s, (a(0, 2) + a(2, 0)) / s, (a(1, 2) + a(2, 1)) / s, s / 4];
}

/**
 * Writes the tiny scene as a Messy Rooms scene: color/<n>.png (RGBA), metadata.json with the camera's
 * normalised K (negative entries) and per-frame quaternions (w, x, y, z) and positions of the OpenGL-axes
 * camera, .npy maps detic_instance / detic_semantic / detic_probabilities (2D segmenter) and instance /
 * semantic (ground truth), and depth/<n>.png (uint16 millimetres) when the tiny scene has depth. The release has no split file (test = last 20 % of the sorted frames), so frames are
 * numbered to put held-out tiny views last. Returns the scene folder.
 */
export function writeMessyRoomsScene(tinyDir: string, opts: SourceFixtureOptions = {}): string {
  const tiny = readTiny(tinyDir);
  const { w, h } = tiny;
  const dir = mkdtempSync(join(tmpdir(), 'clift-src-mos-'));
  const n = tiny.views.length;
  const nTest = n - Math.floor(0.8 * n);
  const held = tiny.views.filter((v) => v.split === 'test').slice(0, nTest);
  if (held.length < nTest) throw new Error(`the tiny scene needs ${nTest} test views, has ${held.length}`);
  const order = [...tiny.views.filter((v) => !held.includes(v)), ...held];
  const rng = new Rng(opts.seed ?? 1).fork('detic');
  const positions: number[][] = [];
  const quaternions: number[][] = [];
  order.forEach((view, k) => {
    const stem = String(k).padStart(5, '0');
    const c2w = withMistake(view.c2w, opts.poseMistake ?? 'none');
    positions.push([c2w[3]!, c2w[7]!, c2w[11]!]);
    quaternions.push(matrixToQuaternion(c2w));
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      rgba.set(view.rgb.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = 255;
    }
    writePng(join(dir, `color/${stem}.png`), { width: w, height: h, channels: 4, depth: 8, data: rgba });
    // The release's detector numbers instances per image: a fresh shuffle of 1..K, offset differently in every view.
    const seg = shuffledIds(view.instance, rng, 3 * (k % 4));
    writeNpy(join(dir, `detic_instance/${stem}.npy`), '<i8', [h, w], seg.ids);
    writeNpy(join(dir, `detic_semantic/${stem}.npy`), '|u1', [h, w], view.semantic);
    writeNpy(
      join(dir, `detic_probabilities/${stem}.npy`),
      '<f4',
      [h, w],
      Array.from(view.semantic, (s) => (s === 1 ? 0.9 : 0.2)),
    );
    writeNpy(join(dir, `semantic/${stem}.npy`), '|u1', [h, w], view.semantic);
    writeNpy(join(dir, `instance/${stem}.npy`), '<i2', [h, w], view.instance);
    if (view.depthMm) writeGray16(join(dir, `depth/${stem}.png`), w, h, view.depthMm);
  });
  // The camera's K normalised by the image size, with the signs the release stores.
  const K = [
    [tiny.fx / w, 0, -tiny.cx / w],
    [0, -tiny.fy / h, -tiny.cy / h],
    [0, 0, -1],
  ];
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ camera: { K, positions, quaternions } }));
  return dir;
}

/** A nerfstudio capture folder and the folder of its per-image instance masks (for `--masks`). */
export interface NerfstudioFixture {
  dir: string;
  masks: string;
  /** Tiny-scene stem of each capture image stem, to attach ground truth after conversion. */
  tinyStem: Map<string, string>;
}

/**
 * Writes the tiny scene as a nerfstudio capture: images/frame_<n>.png, transforms.json with OPENCV-model
 * intrinsics (zero distortion), OpenGL camera-to-world transform_matrix, train/test_filenames and per-frame
 * depth_file_path (uint16 millimetres) when the tiny scene has depth, plus a separate folder of 8-bit instance
 * masks named by image stem with per-view ids.
 */
export function writeNerfstudioCapture(tinyDir: string, opts: SourceFixtureOptions = {}): NerfstudioFixture {
  const tiny = readTiny(tinyDir);
  const { w, h } = tiny;
  const dir = mkdtempSync(join(tmpdir(), 'clift-src-ns-'));
  const masks = mkdtempSync(join(tmpdir(), 'clift-src-ns-masks-'));
  const rng = new Rng(opts.seed ?? 1).fork('masks');
  const tinyStem = new Map<string, string>();
  const lists: Record<'train' | 'test', string[]> = { train: [], test: [] };
  const frames = tiny.views.map((view, k) => {
    const stem = `frame_${String(k + 1).padStart(5, '0')}`;
    tinyStem.set(stem, view.stem);
    const file = `images/${stem}.png`;
    (view.split === 'test' ? lists.test : lists.train).push(file);
    writeRgb8(join(dir, file), w, h, view.rgb);
    const seg = shuffledIds(view.instance, rng, 10 + 7 * k);
    gray8(join(masks, `${stem}.png`), w, h, seg.ids);
    const depth = view.depthMm ? `depth/${stem}.png` : undefined;
    if (depth) writeGray16(join(dir, depth), w, h, view.depthMm!);
    return {
      file_path: file,
      transform_matrix: rows4(withMistake(view.c2w, opts.poseMistake ?? 'none')),
      ...(depth ? { depth_file_path: depth } : {}),
    };
  });
  const transforms = {
    camera_model: 'OPENCV',
    fl_x: tiny.fx,
    fl_y: tiny.fy,
    cx: tiny.cx,
    cy: tiny.cy,
    w,
    h,
    k1: 0,
    k2: 0,
    p1: 0,
    p2: 0,
    frames,
    train_filenames: lists.train,
    test_filenames: lists.test,
  };
  writeFileSync(join(dir, 'transforms.json'), JSON.stringify(transforms, null, 2));
  return { dir, masks, tinyStem };
}

/** Copies the tiny scene's ground-truth maps into a converted scene whose frames `tinyStem` maps to tiny frames. */
export function attachTinyGroundTruth(
  sceneDir: string,
  tinyDir: string,
  tinyStem: ReadonlyMap<string, string>,
): void {
  const scene = readScene(sceneDir);
  const tiny = readScene(tinyDir);
  const byStem = new Map(tiny.frames.map((f) => [f.stem, f]));
  for (const f of scene.frames) {
    const src = byStem.get(tinyStem.get(f.stem) ?? '');
    if (!src) throw new Error(`no tiny frame for converted frame ${f.stem}`);
    for (const key of ['gt_instance_file_path', 'gt_semantic_file_path'] as const) {
      const rel = `gt/${key === 'gt_instance_file_path' ? 'instance' : 'semantic'}/${f.stem}.png`;
      mkdirSync(dirname(join(sceneDir, rel)), { recursive: true });
      copyFileSync(join(tiny.dir, src.maps[key]!), join(sceneDir, rel));
      f.maps[key] = rel;
    }
  }
  writeTransforms(sceneDir, sceneToJson(scene));
}

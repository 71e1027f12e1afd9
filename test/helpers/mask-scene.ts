/**
 * A hand-written scene for the mask importers (three views of 32 × 24, four classes) and known per-view masks
 * as rectangles, with the maps an importer must write for them, computed independently by painting.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRgb8 } from '../../src/data/png.ts';
import type { SemanticClass } from '../../src/data/scene.ts';
import { writeTransforms } from '../../src/data/write-scene.ts';

export const W = 32;
export const H = 24;
export const STEMS = ['0000', '0001', '0002'];

/** The scene's classes: two stuff, two things. */
export const CLASSES: SemanticClass[] = [
  { id: 0, name: 'background', thing: false },
  { id: 1, name: 'chair', thing: true },
  { id: 2, name: 'table', thing: true },
  { id: 3, name: 'wall', thing: false },
];

/** A rectangular mask [x0, x1) × [y0, y1) with its score and scene class id. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
  cls: number;
}

/** Writes the scene (black RGB images, identity-ish poses, extra keys writers must keep) and returns its folder. */
export function writeMaskScene(dir = mkdtempSync(join(tmpdir(), 'clift-masks-'))): string {
  const frames = STEMS.map((stem, k) => {
    writeRgb8(join(dir, 'images', `${stem}.png`), W, H, new Uint8Array(W * H * 3));
    return {
      file_path: `images/${stem}.png`,
      transform_matrix: [
        [1, 0, 0, k * 0.1],
        [0, 1, 0, 0],
        [0, 0, 1, 3],
        [0, 0, 0, 1],
      ],
      split: k === 2 ? 'test' : 'train',
      capture_note: `frame ${k}`,
    };
  });
  writeTransforms(dir, {
    camera_model: 'PINHOLE',
    fl_x: 30,
    fl_y: 30,
    cx: W / 2,
    cy: H / 2,
    w: W,
    h: H,
    semantic_classes: CLASSES,
    frames,
    capture_device: 'kept by writers',
  });
  return dir;
}

/** A rectangle as a row-major W × H mask. */
export function rectMask(r: Rect): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let v = r.y0; v < r.y1; v++) for (let u = r.x0; u < r.x1; u++) m[v * W + u] = 1;
  return m;
}

/**
 * The maps an importer must write: the highest-scored rectangle wins a pixel, things numbered by score, confidence
 * the score as a float32 (as the segmenter's confidence maps hold it) in units of 1/65535.
 */
export function expectedMaps(
  rects: readonly Rect[],
  uncovered: number,
): { instance: Uint16Array; semantic: Uint16Array; confidence: Uint16Array } {
  const byScore = [...rects].sort((a, b) => b.score - a.score);
  const top = Array.from({ length: W * H }, (_, i) =>
    byScore.find(
      (r) => i % W >= r.x0 && i % W < r.x1 && Math.floor(i / W) >= r.y0 && Math.floor(i / W) < r.y1,
    ),
  );
  const winners = new Set(top.filter((r) => r && CLASSES[r.cls]!.thing));
  const rank = new Map(byScore.filter((r) => winners.has(r)).map((r, k) => [r, k + 1]));
  return {
    instance: Uint16Array.from(top, (r) => (r ? (rank.get(r) ?? 0) : 0)),
    semantic: Uint16Array.from(top, (r) => (r ? r.cls : uncovered)),
    confidence: Uint16Array.from(top, (r) =>
      r ? Math.round(Math.fround(Math.min(1, r.score)) * 65535) : 65535,
    ),
  };
}

/** Known non-overlapping masks of view k: a wall band, a chair, a table and another chair (scores fall with id). */
export function plainRects(k: number): Rect[] {
  return [
    { x0: 0, y0: 0, x1: W, y1: 5, score: 0.95, cls: 3 },
    { x0: 2 + k, y0: 7, x1: 10 + k, y1: 15, score: 0.9, cls: 1 },
    { x0: 14, y0: 6 + k, x1: 25, y1: 12 + k, score: 0.8, cls: 2 },
    { x0: 20, y0: 16, x1: 30, y1: 23, score: 0.7 - 0.1 * k, cls: 1 },
  ];
}

/** Masks of view k that overlap: a low-scored big chair under two higher-scored ones, and a hidden one. */
export function overlappingRects(k: number): Rect[] {
  return [
    { x0: 0, y0: 0, x1: 24, y1: 20, score: 0.3, cls: 1 },
    { x0: 4, y0: 4, x1: 12, y1: 12, score: 0.9, cls: 2 },
    { x0: 10, y0: 8, x1: 20 + k, y1: 18, score: 0.6, cls: 1 },
    { x0: 5, y0: 5, x1: 8, y1: 8, score: 0.2, cls: 1 },
  ];
}

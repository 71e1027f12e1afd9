/** Scores a prediction folder against a scene's ground truth: PQ^scene, SQ, RQ, per-frame PQ, mIoU, PSNR. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressFn } from '../core/progress.ts';
import { SceneError } from '../data/errors.ts';
import { readInstances, readRgb, readSemantics } from '../data/maps.ts';
import { readScene } from '../data/read-scene.ts';
import { type Frame, framesOf, type Scene, type Split } from '../data/scene.ts';
import type { LabelPair } from './labels.ts';
import { meanIou } from './miou.ts';
import { type ClassKinds, panopticQuality, perFramePanopticQuality } from './panoptic-quality.ts';
import { readPrediction } from './prediction.ts';
import { psnr } from './psnr.ts';

/** One class's scores (0–100) and counts. */
export interface ClassMetrics {
  id: number;
  name: string;
  thing: boolean;
  pq: number | null;
  sq: number | null;
  rq: number | null;
  tp: number;
  fp: number;
  fn: number;
  iou: number | null;
}

/** The metrics file written by `clift eval`: scores on a 0–100 scale, PSNR in dB, null where undefined. */
export interface Metrics {
  pq_scene: number | null;
  sq_scene: number | null;
  rq_scene: number | null;
  pq_frame: number | null;
  miou: number | null;
  psnr: number | null;
  n_frames: number;
  per_class: ClassMetrics[];
}

/** PSNR assigned to a frame whose render equals the photo exactly, to keep means finite. */
export const PSNR_CAP = 100;

const pct = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1e6) / 1e4 : null);

/** The thing/stuff split of a scene's class list. */
export function classKinds(scene: Scene): ClassKinds {
  return {
    things: new Set(scene.classes.filter((c) => c.thing).map((c) => c.id)),
    stuff: new Set(scene.classes.filter((c) => !c.thing).map((c) => c.id)),
  };
}

function groundTruth(scene: Scene, frame: Frame): { gtSemantic: Uint16Array; gtInstance: Uint16Array } {
  for (const key of ['gt_semantic_file_path', 'gt_instance_file_path'] as const) {
    if (frame.maps[key] === undefined) {
      throw new SceneError(
        scene.transformsPath,
        `frames[${frame.index}].${key}`,
        'missing: evaluation needs ground truth',
      );
    }
  }
  return {
    gtSemantic: readSemantics(scene, frame, 'gt_semantic_file_path'),
    gtInstance: readInstances(scene, frame, 'gt_instance_file_path'),
  };
}

/** Metrics of already-loaded label pairs (and optional PSNR values) for a scene's class list. */
export function computeMetrics(scene: Scene, pairs: LabelPair[], psnrs: number[] = []): Metrics {
  const kinds = classKinds(scene);
  const pq = panopticQuality(pairs, kinds);
  const iou = meanIou(
    pairs,
    scene.classes.map((c) => c.id),
  );
  const byId = new Map(pq.perClass.map((c) => [c.classId, c]));
  return {
    pq_scene: pct(pq.pq),
    sq_scene: pct(pq.sq),
    rq_scene: pct(pq.rq),
    pq_frame: pct(perFramePanopticQuality(pairs, kinds)),
    miou: pct(iou.miou),
    psnr:
      psnrs.length === 0 ? null : Math.round((psnrs.reduce((a, b) => a + b, 0) / psnrs.length) * 1e4) / 1e4,
    n_frames: pairs.length,
    per_class: scene.classes.map((c) => {
      const s = byId.get(c.id);
      return {
        id: c.id,
        name: c.name,
        thing: c.thing,
        pq: s ? pct(s.pq) : null,
        sq: s ? pct(s.sq) : null,
        rq: s ? pct(s.rq) : null,
        tp: s?.tp ?? 0,
        fp: s?.fp ?? 0,
        fn: s?.fn ?? 0,
        iou: pct(iou.perClass.get(c.id) ?? Number.NaN),
      };
    }),
  };
}

/** Loads the ground truth of a split and a prediction folder, and scores them. */
export function evaluatePrediction(
  sceneOrDir: Scene | string,
  predDir: string,
  split: Split | 'all' = 'test',
  onProgress?: ProgressFn,
): Metrics {
  const scene = typeof sceneOrDir === 'string' ? readScene(sceneOrDir) : sceneOrDir;
  const frames = framesOf(scene, split);
  if (frames.length === 0)
    throw new SceneError(scene.transformsPath, 'frames[].split', `no frame in split "${split}"`);
  if (!existsSync(predDir)) throw new SceneError(predDir, 'prediction folder', 'does not exist');
  const withRgb = existsSync(join(predDir, 'rgb'));
  const pairs: LabelPair[] = [];
  const psnrs: number[] = [];
  frames.forEach((frame, k) => {
    const pred = readPrediction(predDir, frame);
    pairs.push({ ...groundTruth(scene, frame), predSemantic: pred.semantic, predInstance: pred.instance });
    if (withRgb) {
      if (!pred.rgb)
        throw new SceneError(join(predDir, 'rgb'), 'rgb', `missing render for frame "${frame.stem}"`);
      psnrs.push(Math.min(PSNR_CAP, psnr(pred.rgb, readRgb(scene, frame))));
    }
    onProgress?.(k + 1, frames.length);
  });
  return computeMetrics(scene, pairs, psnrs);
}

/** A plain-text table of metrics for the terminal. */
export function formatMetrics(m: Metrics): string {
  const f = (v: number | null, d = 2) => (v === null ? '—' : v.toFixed(d));
  const lines = [
    `frames        ${m.n_frames}`,
    `PQ^scene      ${f(m.pq_scene)}`,
    `SQ^scene      ${f(m.sq_scene)}`,
    `RQ^scene      ${f(m.rq_scene)}`,
    `PQ (frame)    ${f(m.pq_frame)}`,
    `mIoU          ${f(m.miou)}`,
    `PSNR (dB)     ${f(m.psnr)}`,
    '',
    'class                thing     PQ     SQ     RQ    TP    FP    FN    IoU',
  ];
  for (const c of m.per_class) {
    lines.push(
      `${c.name.padEnd(20).slice(0, 20)} ${(c.thing ? 'yes' : 'no').padEnd(5)} ${f(c.pq).padStart(6)} ${f(c.sq).padStart(6)} ${f(c.rq).padStart(6)} ${String(c.tp).padStart(5)} ${String(c.fp).padStart(5)} ${String(c.fn).padStart(5)} ${f(c.iou).padStart(6)}`,
    );
  }
  return lines.join('\n');
}

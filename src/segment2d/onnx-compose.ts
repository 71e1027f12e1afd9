/**
 * One view's model detections → the 2D segmenter maps clift trains on: masks resized to the frame
 * (bilinear on their values, then thresholded), overlaps given to the higher score, score → confidence.
 */
import type { SegmenterMaps } from '../data/masks/merge.ts';
import type { LabelToClass } from './onnx-class-map.ts';
import type { Detections } from './onnx-contract.ts';
import { resizeBilinear } from './onnx-resize.ts';

/** How detections become maps. */
export interface ComposeOptions {
  /** Detections scoring below this are dropped. */
  scoreThreshold: number;
  /** A mask covers a pixel where its resized value is above this. */
  maskThreshold: number;
  classOf: LabelToClass;
  /** Semantic class of pixels no detection covers (VOID_LABEL when the scene has no stuff class). */
  background: number;
}

/** A composed view: the segmenter maps plus the number of instance ids it holds. */
export interface ComposedView extends SegmenterMaps {
  instances: number;
}

/** Indices of the kept detections, highest score first (ties: model order). */
function ranked(det: Detections, opts: ComposeOptions): number[] {
  const keep: number[] = [];
  for (let k = 0; k < det.n; k++) {
    if (det.scores[k]! >= opts.scoreThreshold && opts.classOf(det.labels[k]!) !== null) keep.push(k);
  }
  return keep.sort((a, b) => det.scores[b]! - det.scores[a]! || a - b);
}

/**
 * Paints the kept detections into w×h maps: thing detections get instance ids 1, 2, … in score order (only
 * those that keep a pixel), stuff detections only their class; a pixel's confidence is its detection's score
 * (clamped to [0, 1]), 1 where no detection covers it.
 */
export function composeDetections(det: Detections, w: number, h: number, opts: ComposeOptions): ComposedView {
  const n = w * h;
  const instance = new Uint16Array(n);
  const semantic = new Uint16Array(n).fill(opts.background);
  const confidence = new Float32Array(n).fill(1);
  const taken = new Uint8Array(n);
  const plane = det.mw * det.mh;
  let next = 1;
  for (const k of ranked(det, opts)) {
    const cls = opts.classOf(det.labels[k]!)!;
    if (cls.thing && next > 65535) throw new Error('more than 65535 instances in one view');
    const mask = resizeBilinear(det.masks.subarray(k * plane, (k + 1) * plane), det.mw, det.mh, w, h);
    const id = cls.thing ? next : 0;
    const score = Math.min(1, Math.max(0, det.scores[k]!));
    let painted = 0;
    for (let i = 0; i < n; i++) {
      if (taken[i] || !(mask[i]! > opts.maskThreshold)) continue;
      taken[i] = 1;
      instance[i] = id;
      semantic[i] = cls.id;
      confidence[i] = score;
      painted++;
    }
    if (cls.thing && painted > 0) next++;
  }
  return { instance, semantic, confidence, instances: next - 1 };
}

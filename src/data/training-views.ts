/** Training views held in memory at a (possibly reduced) resolution: RGB, 2D-segmenter labels, confidence, depth. */
import type { ProgressFn } from '../core/progress.ts';
import { readConfidence, readDepth, readInstances, readRgb, readSemantics } from './maps.ts';
import type { Frame, Intrinsics, Scene } from './scene.ts';

/** One view's pixels at the working resolution (labels by nearest pixel, RGB and depth by block mean). */
export interface ViewPixels {
  frame: Frame;
  intrinsics: Intrinsics;
  /** RGB in [0, 1], 3 per pixel. */
  rgb: Float32Array;
  /** 2D-segmenter instance id per pixel (0 = none), or null when the frame has no instance map. */
  instance: Int32Array | null;
  /** 2D-segmenter class per pixel (VOID_LABEL = ignore), or null. */
  semantic: Uint16Array | null;
  /** 2D-segmenter confidence per pixel in [0, 1]. */
  confidence: Float32Array;
  /** Planar depth in scene units (0 = none), or null when the frame has no depth map. */
  depth: Float32Array | null;
}

/** Intrinsics of an image reduced by an integer factor (pixel centres keep the (u + 0.5) convention). */
export function downscaleIntrinsics(intr: Intrinsics, factor: number): Intrinsics {
  return {
    ...intr,
    fx: intr.fx / factor,
    fy: intr.fy / factor,
    cx: intr.cx / factor,
    cy: intr.cy / factor,
    w: Math.floor(intr.w / factor),
    h: Math.floor(intr.h / factor),
  };
}

/** The integer factor bringing the larger image side to at most `maxSide`. */
export function downscaleFactor(intr: Intrinsics, maxSide: number): number {
  return Math.max(1, Math.ceil(Math.max(intr.w, intr.h) / maxSide));
}

/** Intrinsics reduced by the factor that brings the larger side to at most `maxSide`. */
export function reducedIntrinsics(intr: Intrinsics, maxSide: number): Intrinsics {
  return downscaleIntrinsics(intr, downscaleFactor(intr, maxSide));
}

function nearest<T extends Int32Array | Uint16Array | Float32Array>(
  src: ArrayLike<number>,
  w: number,
  k: number,
  out: T,
): T {
  const w2 = Math.floor(w / k);
  const h2 = out.length / w2;
  const off = Math.floor(k / 2);
  for (let v = 0; v < h2; v++)
    for (let u = 0; u < w2; u++) out[v * w2 + u] = src[(v * k + off) * w + u * k + off]!;
  return out;
}

function blockMean(
  src: ArrayLike<number>,
  w: number,
  channels: number,
  k: number,
  out: Float32Array,
  scale: number,
  skipZero: boolean,
): Float32Array {
  const w2 = Math.floor(w / k);
  const h2 = out.length / channels / w2;
  for (let v = 0; v < h2; v++) {
    for (let u = 0; u < w2; u++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        let n = 0;
        for (let dv = 0; dv < k; dv++) {
          for (let du = 0; du < k; du++) {
            const x = src[((v * k + dv) * w + u * k + du) * channels + c]!;
            if (skipZero && x === 0) continue;
            s += x;
            n++;
          }
        }
        out[(v * w2 + u) * channels + c] = n > 0 ? (s / n) * scale : 0;
      }
    }
  }
  return out;
}

/** A frame's map read by `read`, reduced by nearest sampling to the resolution whose larger side is at most `maxSide`. */
function reducedMap<T extends Int32Array | Uint16Array>(
  frame: Frame,
  maxSide: number,
  read: () => ArrayLike<number>,
  make: (n: number) => T,
): T {
  const k = downscaleFactor(frame.intrinsics, maxSide);
  const { w, h } = downscaleIntrinsics(frame.intrinsics, k);
  return nearest(read(), frame.intrinsics.w, k, make(w * h));
}

/** The 2D segmenter's class map of a frame at the resolution whose larger side is at most `maxSide`, or null. */
export function segmenterSemantics(scene: Scene, frame: Frame, maxSide: number): Uint16Array | null {
  if (!frame.maps.semantic_file_path) return null;
  return reducedMap(
    frame,
    maxSide,
    () => readSemantics(scene, frame, 'semantic_file_path'),
    (n) => new Uint16Array(n),
  );
}

/** The 2D segmenter's instance map of a frame at the resolution whose larger side is at most `maxSide`, or null. */
export function segmenterInstances(scene: Scene, frame: Frame, maxSide: number): Int32Array | null {
  if (!frame.maps.instance_file_path) return null;
  return reducedMap(
    frame,
    maxSide,
    () => readInstances(scene, frame, 'instance_file_path'),
    (n) => new Int32Array(n),
  );
}

/** Loads frames at the resolution whose larger side is at most `maxSide` pixels. */
export function loadTrainingViews(
  scene: Scene,
  frames: Frame[],
  maxSide: number,
  onProgress?: ProgressFn,
): ViewPixels[] {
  return frames.map((frame, i) => {
    const k = downscaleFactor(frame.intrinsics, maxSide);
    const intr = downscaleIntrinsics(frame.intrinsics, k);
    const n = intr.w * intr.h;
    const W = frame.intrinsics.w;
    const rgb = blockMean(readRgb(scene, frame), W, 3, k, new Float32Array(n * 3), 1 / 255, false);
    const instance = segmenterInstances(scene, frame, maxSide);
    const semantic = segmenterSemantics(scene, frame, maxSide);
    const confidence = nearest(readConfidence(scene, frame), W, k, new Float32Array(n));
    const depth = frame.maps.depth_file_path
      ? blockMean(readDepth(scene, frame), W, 1, k, new Float32Array(n), 1, true)
      : null;
    onProgress?.(i + 1, frames.length, 'loading views');
    return { frame, intrinsics: intr, rgb, instance, semantic, confidence, depth };
  });
}

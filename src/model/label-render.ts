/**
 * Renders a view of a trained model: colour and depth from the geometry field, and the semantic distribution and
 * instance embedding composited over each ray's K heaviest samples (the same samples training used).
 */
import type { ProgressFn } from '../core/progress.ts';
import { type Frame, type Intrinsics, VOID_LABEL } from '../data/scene.ts';
import { toLabelBox } from '../fields/label-box.ts';
import { raysForPixels } from '../rays/ray-bundle.ts';
import { renderSemantic } from '../render/semantic.ts';
import { composite } from '../render/volume.ts';
import { heaviestSamples } from '../render/weighted-samples.ts';
import { type CliftModel, labelMinOpacity } from './model.ts';

/**
 * A rendered view: per pixel RGB (0–1), ray-distance depth (normalised units), opacity, class, embedding. With a
 * learned background, pixels that mostly see it get class VOID_LABEL and a zero embedding (no label).
 */
export interface LabelRender {
  w: number;
  h: number;
  rgb: Float32Array;
  depth: Float32Array;
  opacity: Float32Array;
  semanticProbs: Float32Array;
  semantic: Uint16Array;
  embedding: Float32Array;
  dim: number;
}

/** Renders chosen pixels (default all) of a frame at intrinsics `intr`. */
export function renderLabels(
  model: CliftModel,
  frame: Frame,
  intr: Intrinsics,
  pixels?: Int32Array,
  onProgress?: ProgressFn,
): LabelRender {
  const all = pixels ?? Int32Array.from({ length: intr.w * intr.h }, (_, i) => i);
  const n = all.length;
  const C = model.classes;
  const D = model.instance.dim;
  const K = model.k;
  const minOpacity = labelMinOpacity(model);
  const out: LabelRender = {
    w: intr.w,
    h: intr.h,
    rgb: new Float32Array(n * 3),
    depth: new Float32Array(n),
    opacity: new Float32Array(n),
    semanticProbs: new Float32Array(n * C),
    semantic: new Uint16Array(n),
    embedding: new Float32Array(n * D),
    dim: D,
  };
  const chunk = 4096;
  for (let p0 = 0; p0 < n; p0 += chunk) {
    const px = all.subarray(p0, Math.min(n, p0 + chunk));
    const m = px.length;
    const r = model.geometry.render(raysForPixels(frame, intr, model.norm, px), { withColor: true });
    const xyz = new Float32Array(m * K * 3);
    const weights = new Float32Array(m * K);
    const rayStart = Int32Array.from({ length: m + 1 }, (_, j) => j * K);
    for (let j = 0; j < m; j++) {
      out.rgb.set(r.out.subarray(j * 4, j * 4 + 3), (p0 + j) * 3);
      out.depth[p0 + j] = r.opacity[j]! > 0 ? r.out[j * 4 + 3]! / r.opacity[j]! : 0;
      out.opacity[p0 + j] = r.opacity[j]!;
      if (r.opacity[j]! < minOpacity) continue;
      heaviestSamples(r.weighted, j, K, model.geometry.weightThreshold, xyz, weights, j);
    }
    toLabelBox(model.labelBox, xyz, m * K);
    const sem = renderSemantic(
      model.semantic.forward(xyz, m * K).output,
      C,
      weights,
      rayStart,
      model.backend,
    );
    out.semanticProbs.set(sem.probs, p0 * C);
    for (let j = 0; j < m; j++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (sem.probs[j * C + c]! > sem.probs[j * C + best]!) best = c;
      out.semantic[p0 + j] = r.opacity[j]! < minOpacity ? VOID_LABEL : best;
    }
    out.embedding.set(
      composite(weights, model.instance.fast.forward(xyz, m * K).output, D, rayStart, model.backend),
      p0 * D,
    );
    onProgress?.(Math.min(n, p0 + chunk), n);
  }
  return out;
}

/** Renders embeddings and classes at random pixels of training views: the points centroids are fitted on. */
import type { ProgressFn } from '../core/progress.ts';
import type { Rng } from '../core/rng.ts';
import type { Frame } from '../data/scene.ts';
import { downscaleFactor, downscaleIntrinsics } from '../data/training-views.ts';
import { type LabelRenderModel, renderLabels } from '../render/label-render.ts';
import type { EmbeddingSample } from './class-centroids.ts';

/** `total` pixels spread evenly over up to `maxViews` randomly chosen frames, rendered at `size`. */
export function sampleEmbeddings(
  model: LabelRenderModel,
  frames: Frame[],
  size: number,
  total: number,
  maxViews: number,
  rng: Rng,
  onProgress?: ProgressFn,
): EmbeddingSample {
  const order = Array.from(rng.permutation(frames.length)).slice(0, Math.min(maxViews, frames.length));
  const per = Math.ceil(total / order.length);
  const D = model.instance.sizes[model.instance.sizes.length - 1]!;
  const emb: Float32Array[] = [];
  const sem: Uint16Array[] = [];
  order.forEach((fi, k) => {
    const frame = frames[fi]!;
    const intr = downscaleIntrinsics(frame.intrinsics, downscaleFactor(frame.intrinsics, size));
    const n = intr.w * intr.h;
    const pixels = Int32Array.from(rng.permutation(n).subarray(0, Math.min(per, n))).sort();
    const r = renderLabels(model, frame, intr, pixels);
    emb.push(r.embedding);
    sem.push(r.semantic);
    onProgress?.(k + 1, order.length, 'rendering embeddings');
  });
  const n = sem.reduce((s, a) => s + a.length, 0);
  const embedding = new Float32Array(n * D);
  const semantic = new Uint16Array(n);
  let o = 0;
  emb.forEach((e, i) => {
    embedding.set(e, o * D);
    semantic.set(sem[i]!, o);
    o += sem[i]!.length;
  });
  return { embedding, dim: D, semantic };
}

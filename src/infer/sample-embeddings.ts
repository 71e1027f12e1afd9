/** Renders embeddings and classes at random pixels of training views: the points centroids are fitted on. */
import type { ProgressFn } from '../core/progress.ts';
import type { Rng } from '../core/rng.ts';
import type { Frame, Intrinsics, Scene } from '../data/scene.ts';
import { reducedIntrinsics, segmenterSemantics } from '../data/training-views.ts';
import { renderLabels } from '../model/label-render.ts';
import type { CliftModel } from '../model/model.ts';
import type { EmbeddingSample } from './class-centroids.ts';

/** Pixels a view's sample should favour (1 = favoured), at the given intrinsics; null = no preference. */
export type SampleFocus = (frame: Frame, intrinsics: Intrinsics) => Uint8Array | null;

/** Favours pixels the 2D segmenter labels with a thing class (no preference in a view without semantic maps). */
export function segmenterThingFocus(scene: Scene, things: number[], size: number): SampleFocus {
  const set = new Set(things);
  return (frame) => {
    const semantic = segmenterSemantics(scene, frame, size);
    return semantic && Uint8Array.from(semantic, (c) => (set.has(c) ? 1 : 0));
  };
}

/** Where a view's pixels are drawn from: a share of them among favoured pixels, the rest uniformly. */
export interface FocusOptions {
  focus: SampleFocus;
  /** Share of each view's pixels drawn among its favoured pixels (the rest among the remaining pixels). */
  share: number;
}

/** `count` distinct pixel indices: `share` of them among `favoured` (as far as there are), the rest among the remaining pixels. */
export function focusedPixels(
  n: number,
  count: number,
  favoured: Uint8Array | null,
  share: number,
  rng: Rng,
): Int32Array {
  const order = rng.permutation(n);
  const want = Math.min(count, n);
  if (!favoured) return Int32Array.from(order.subarray(0, want)).sort();
  const fromFavoured = Math.round(want * share);
  const picked = new Uint8Array(n);
  const out: number[] = [];
  for (let i = 0; i < n && out.length < fromFavoured; i++) {
    const p = order[i]!;
    if (favoured[p]) {
      picked[p] = 1;
      out.push(p);
    }
  }
  for (let i = 0; i < n && out.length < want; i++) {
    const p = order[i]!;
    if (!picked[p]) {
      picked[p] = 1;
      out.push(p);
    }
  }
  return Int32Array.from(out).sort();
}

/**
 * `total` pixels spread evenly over up to `maxViews` randomly chosen frames, rendered at `size`; with `focus`,
 * each view draws a share of its pixels among the favoured ones (e.g. where the 2D segmenter sees a thing).
 */
export function sampleEmbeddings(
  model: CliftModel,
  frames: Frame[],
  size: number,
  total: number,
  maxViews: number,
  rng: Rng,
  onProgress?: ProgressFn,
  focus?: FocusOptions,
): EmbeddingSample {
  const order = Array.from(rng.permutation(frames.length)).slice(0, Math.min(maxViews, frames.length));
  const per = Math.ceil(total / order.length);
  const D = model.instance.dim;
  const emb: Float32Array[] = [];
  const sem: Uint16Array[] = [];
  order.forEach((fi, k) => {
    const frame = frames[fi]!;
    const intr = reducedIntrinsics(frame.intrinsics, size);
    const n = intr.w * intr.h;
    const favoured = focus ? focus.focus(frame, intr) : null;
    const pixels = focusedPixels(n, per, favoured, focus?.share ?? 0, rng);
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

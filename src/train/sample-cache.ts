/**
 * After the geometry stage, every training pixel keeps the few samples carrying most of its ray weight
 * (positions in box coordinates and weights), so later stages never evaluate density again.
 */
import type { ProgressFn } from '../core/progress.ts';
import type { ViewPixels } from '../data/training-views.ts';
import { type LabelBox, toLabelBox } from '../fields/label-box.ts';
import type { Geometry } from '../model/geometry.ts';
import type { Normalization } from '../rays/normalize.ts';
import { raysForPixels } from '../rays/ray-bundle.ts';
import { heaviestSamples } from '../render/weighted-samples.ts';

/** Per view: K samples per pixel (unused slots have weight 0). */
export interface ViewSampleCache {
  /** Box coordinates in [−1, 1]³, (pixels × K × 3). */
  xyz: Float32Array;
  /** Ray weights, (pixels × K). */
  weight: Float32Array;
}

/** The sample cache of all training views. */
export interface SampleCache {
  k: number;
  views: ViewSampleCache[];
}

/** Where a built sample cache is kept between runs: `load` gives it back (null when none fits), `save` keeps it. */
export interface SampleCacheStore {
  load(): SampleCache | null;
  save(cache: SampleCache): void;
}

/**
 * Renders every pixel of every view once and keeps its K heaviest samples; pixels whose opacity ends below
 * `minOpacity` (they see the background) keep none, so no label target reaches the field through them.
 */
export function buildSampleCache(
  views: ViewPixels[],
  norm: Normalization,
  geometry: Geometry,
  k: number,
  onProgress?: ProgressFn,
  minOpacity = 0,
): SampleCache {
  const out: ViewSampleCache[] = [];
  views.forEach((view, vi) => {
    const n = view.intrinsics.w * view.intrinsics.h;
    const xyz = new Float32Array(n * k * 3);
    const weight = new Float32Array(n * k);
    const chunk = 4096;
    for (let p0 = 0; p0 < n; p0 += chunk) {
      const pixels = Int32Array.from({ length: Math.min(chunk, n - p0) }, (_, i) => p0 + i);
      const r = geometry.render(raysForPixels(view.frame, view.intrinsics, norm, pixels), {
        withColor: false,
      });
      for (let j = 0; j < pixels.length; j++) {
        if (r.opacity[j]! < minOpacity) continue;
        heaviestSamples(r.weighted, j, k, geometry.weightThreshold, xyz, weight, pixels[j]!);
      }
    }
    out.push({ xyz, weight });
    onProgress?.(vi + 1, views.length, 'caching samples');
  });
  return { k, views: out };
}

/** Flat samples of chosen pixels of one view: xyz, weights and ragged ray starts (K per pixel). */
export function cachedSamples(cache: SampleCache, view: number, pixels: ArrayLike<number>): CachedSamples {
  return cachedSamplesOf(cache, [[view, pixels]]);
}

/** Flat samples of pixels of one or more views, concatenated in the order given. */
export interface CachedSamples {
  xyz: Float32Array;
  weights: Float32Array;
  rayStart: Int32Array;
}

/** Samples of several (view, pixels) groups concatenated into one batch. */
export function cachedSamplesOf(cache: SampleCache, groups: [number, ArrayLike<number>][]): CachedSamples {
  const { k } = cache;
  const n = groups.reduce((s, [, px]) => s + px.length, 0);
  const xyz = new Float32Array(n * k * 3);
  const weights = new Float32Array(n * k);
  const rayStart = new Int32Array(n + 1);
  let j = 0;
  for (const [view, pixels] of groups) {
    const v = cache.views[view]!;
    const vx = v.xyz;
    const vw = v.weight;
    for (let i = 0; i < pixels.length; i++, j++) {
      const p = pixels[i]!;
      for (let q = 0; q < k * 3; q++) xyz[j * k * 3 + q] = vx[p * k * 3 + q]!;
      for (let q = 0; q < k; q++) weights[j * k + q] = vw[p * k + q]!;
      rayStart[j + 1] = (j + 1) * k;
    }
  }
  return { xyz, weights, rayStart };
}

/**
 * The region where the 2D segmenter saw objects: 1st–99th percentile per axis of the heaviest cached sample of
 * every thing pixel, with a 10 % margin (the whole grid when there are none). Like the original's bounding-box
 * shrink, it gives the label MLPs their input resolution where the objects are.
 */
export function thingLabelBox(cache: SampleCache, thingPixels: Int32Array[]): LabelBox {
  const axes: number[][] = [[], [], []];
  thingPixels.forEach((pixels, v) => {
    const c = cache.views[v]!;
    const step = Math.max(1, Math.floor(pixels.length / 2000));
    for (let j = 0; j < pixels.length; j += step) {
      const p = pixels[j]!;
      if (c.weight[p * cache.k]! <= 0) continue;
      for (let k = 0; k < 3; k++) axes[k]!.push(c.xyz[p * cache.k * 3 + k]!);
    }
  });
  if (axes[0]!.length < 10) return { center: [0, 0, 0], half: [1, 1, 1] };
  const center: [number, number, number] = [0, 0, 0];
  const half: [number, number, number] = [1, 1, 1];
  for (let k = 0; k < 3; k++) {
    const s = axes[k]!.sort((a, b) => a - b);
    const lo = s[Math.floor(0.01 * (s.length - 1))]!;
    const hi = s[Math.ceil(0.99 * (s.length - 1))]!;
    const pad = 0.1 * (hi - lo) + 0.02;
    center[k] = (lo + hi) / 2;
    half[k] = (hi - lo) / 2 + pad;
  }
  return { center, half };
}

/** Rewrites every cached position into label-box coordinates. */
export function cacheToLabelBox(cache: SampleCache, box: LabelBox): void {
  for (const v of cache.views) toLabelBox(box, v.xyz, v.xyz.length / 3);
}

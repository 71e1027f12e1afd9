/**
 * Stages 2–4 of training on cached samples: the semantic field (cross-entropy, later segment consistency) and the
 * instance field (the configured loss on one image's thing pixels per step, slow field updated by EMA).
 */
import type { ProgressFn } from '../core/progress.ts';
import type { Rng } from '../core/rng.ts';
import { VOID_LABEL } from '../data/scene.ts';
import type { ViewPixels } from '../data/training-views.ts';
import type { InstanceField } from '../fields/instance-field.ts';
import type { Mlp } from '../fields/mlp.ts';
import { segmentConsistency } from '../losses/segment-consistency.ts';
import { semanticCrossEntropy } from '../losses/semantic-ce.ts';
import type { TrainConfig } from '../model/config.ts';
import { type CliftModel, labelMinOpacity } from '../model/model.ts';
import { renderSemantic, renderSemanticBackward } from '../render/semantic.ts';
import { composite } from '../render/volume.ts';
import { Adam } from './adam.ts';
import type { StageHook } from './hooks.ts';
import { instanceBatch, segmentsOfView } from './instance-batch.ts';
import { instanceLoss, usesSlowField } from './instance-loss.ts';
import { PixelPool } from './pixel-pool.ts';
import {
  buildSampleCache,
  cachedSamples,
  cachedSamplesOf,
  cacheToLabelBox,
  type SampleCache,
  type SampleCacheStore,
  thingLabelBox,
} from './sample-cache.ts';

/** Losses of one label step (NaN where a term did not run). */
export interface LabelLosses {
  semantic: number;
  segment: number;
  instance: number;
}

/** The label heads' optimisers, batches and sample cache. */
export class LabelStage {
  readonly model: CliftModel;
  readonly semantic: Mlp;
  readonly instance: InstanceField;
  readonly semanticAdam: Adam;
  readonly instanceAdam: Adam;
  readonly classes: number;
  readonly config: TrainConfig;
  readonly views: ViewPixels[];
  readonly pool: PixelPool;
  /** Per view: indices of pixels with a 2D instance id. */
  readonly thingPixels: Int32Array[];
  /** Per view: thing pixels grouped by 2D segment (empty when instanceMinPerSegment is 0). */
  readonly segments: Int32Array[][];
  cache: SampleCache | null = null;
  /** Schedule events, run before the step of each label iteration: building the sample cache. */
  readonly hooks: StageHook[];

  /** Takes the sample cache (grid coordinates), fixes the model's label box from it and moves the cache into it. */
  setCache(cache: SampleCache): void {
    this.model.labelBox = thingLabelBox(cache, this.thingPixels);
    cacheToLabelBox(cache, this.model.labelBox);
    this.cache = cache;
  }

  /** Where the built cache is kept for a later resume or branch (none: it is built in every run). */
  store: SampleCacheStore | null = null;

  /** Takes the sample cache from the store, else builds it from the model's geometry (and stores it), unless it is there. */
  ensureCache(onProgress?: ProgressFn): void {
    if (this.cache) return;
    const m = this.model;
    const stored = this.store?.load() ?? null;
    const cache =
      stored ?? buildSampleCache(this.views, m.norm, m.geometry, m.k, onProgress, labelMinOpacity(m));
    if (!stored) this.store?.save(cache);
    this.setCache(cache);
  }

  constructor(model: CliftModel, views: ViewPixels[], config: TrainConfig, onProgress?: ProgressFn) {
    this.model = model;
    this.views = views;
    this.classes = model.classes;
    this.config = config;
    this.pool = new PixelPool(views);
    this.semantic = model.semantic;
    this.instance = model.instance;
    this.hooks = [{ name: 'cache', run: () => this.ensureCache(onProgress) }];
    this.semanticAdam = new Adam(
      this.semantic.params(),
      {
        lr: { grid: config.lr.grid, mlp: config.lr.semantic },
        beta2: 0.99,
      },
      model.backend,
    );
    this.instanceAdam = new Adam(
      this.instance.fast.params(),
      {
        lr: { grid: config.lr.grid, mlp: config.lr.instance },
        beta2: 0.999,
      },
      model.backend,
    );
    this.thingPixels = views.map((v) => {
      const idx: number[] = [];
      if (v.instance) for (let p = 0; p < v.instance.length; p++) if (v.instance[p]! !== 0) idx.push(p);
      return Int32Array.from(idx);
    });
    // Grouped only when the per-segment floor is on; a uniform draw never reads them.
    this.segments = views.map((v, i) =>
      config.instanceMinPerSegment > 0 && v.instance ? segmentsOfView(this.thingPixels[i]!, v.instance) : [],
    );
  }

  /**
   * Semantic loss of pixel groups (view, pixels) rendered as one batch: cross-entropy against the 2D classes, or
   * segment consistency (one view's 2D segments); views without a class map are left out. Returns `weight` × the
   * loss summed over the groups' pixels and divided by `denominator`, NaN when no group has a class map.
   */
  private semanticTerm(
    groups: [number, ArrayLike<number>][],
    segments: boolean,
    weight: number,
    denominator: number,
  ): number {
    const used = groups.filter(([view]) => this.views[view]!.semantic);
    if (used.length === 0) return Number.NaN;
    const s = cachedSamplesOf(this.cache!, used);
    const tape = this.semantic.forward(s.xyz, s.weights.length);
    const r = renderSemantic(tape.output, this.classes, s.weights, s.rayStart, this.model.backend);
    const count = used.reduce((sum, [, pixels]) => sum + pixels.length, 0);
    const conf = new Float32Array(count);
    const ids = segments ? new Int32Array(count) : null;
    const classes = segments ? null : new Uint16Array(count);
    let j = 0;
    for (const [view, pixels] of used) {
      const v = this.views[view]!;
      for (let i = 0; i < pixels.length; i++, j++) {
        const p = pixels[i]!;
        conf[j] = v.confidence[p]!;
        if (ids) ids[j] = v.instance![p]!;
        // A pixel with no cached sample (it sees the background) has nothing to label: void.
        else classes![j] = r.weightSum[j]! > 0 ? v.semantic![p]! : VOID_LABEL;
      }
    }
    const l = ids
      ? segmentConsistency(r.logProbs, this.classes, ids, conf)
      : semanticCrossEntropy(r.logProbs, this.classes, classes!, conf);
    // The losses average over their pixels: rescale to `weight` × sum / denominator.
    const scale = (weight * conf.length) / denominator;
    for (let i = 0; i < l.dLogProbs.length; i++) l.dLogProbs[i]! *= scale;
    const dLogits = renderSemanticBackward(r, s.weights, s.rayStart, l.dLogProbs, this.model.backend);
    this.semantic.backward(tape, dLogits);
    return l.loss * scale;
  }

  /** One step: semantic batch always, instance batch and segment consistency when `withInstance`/`withSegment`. */
  step(rng: Rng, withInstance: boolean, withSegment: boolean): LabelLosses {
    const out: LabelLosses = { semantic: 0, segment: Number.NaN, instance: Number.NaN };
    const groups = [...this.pool.sample(rng, this.config.batch)];
    const t = this.semanticTerm(groups, false, this.config.weights.semantic, this.config.batch);
    if (!Number.isNaN(t)) out.semantic = t;
    if (withInstance) {
      const candidates = this.thingPixels.map((p, i) => (p.length > 1 ? i : -1)).filter((i) => i >= 0);
      if (candidates.length > 0) {
        const view = candidates[rng.int(candidates.length)]!;
        const pixels = instanceBatch(
          this.thingPixels[view]!,
          this.segments[view]!,
          this.config.instanceBatch,
          this.config.instanceMinPerSegment,
          rng,
        );
        out.instance = this.instanceStep(view, pixels);
        if (withSegment)
          out.segment = this.semanticTerm(
            [[view, pixels]],
            true,
            this.config.weights.semantic * this.config.weights.segment,
            pixels.length,
          );
      }
    }
    this.semanticAdam.step();
    return out;
  }

  private instanceStep(view: number, pixels: Int32Array): number {
    const v = this.views[view]!;
    const n = pixels.length;
    const slowHalf = usesSlowField(this.config.instanceLoss);
    const nFast = slowHalf ? Math.floor(n / 2) : n;
    const D = this.instance.dim;
    const fastS = cachedSamples(this.cache!, view, pixels.subarray(0, nFast));
    const fastTape = this.instance.fast.forward(fastS.xyz, fastS.weights.length);
    const emb = new Float32Array(n * D);
    emb.set(composite(fastS.weights, fastTape.output, D, fastS.rayStart, this.model.backend));
    if (slowHalf && n > nFast) {
      const slowS = cachedSamples(this.cache!, view, pixels.subarray(nFast));
      const slowOut = this.instance.slow.forward(slowS.xyz, slowS.weights.length).output;
      emb.set(composite(slowS.weights, slowOut, D, slowS.rayStart, this.model.backend), nFast * D);
    }
    const labels = Int32Array.from(pixels, (p) => v.instance![p]!);
    const confidence = Float32Array.from(pixels.subarray(0, nFast), (p) => v.confidence[p]!);
    const l = instanceLoss(this.config.instanceLoss, {
      emb,
      d: D,
      n,
      nFast,
      labels,
      confidence,
      temperature: this.config.instanceTemperature,
      logitScale: this.config.instanceLogitScale,
      backend: this.model.backend,
    });
    // d(Σ_k w_k f_k)/df_k = w_k: spread each pixel's embedding gradient over its cached samples.
    const K = this.cache!.k;
    const dOut = new Float32Array(nFast * K * D);
    for (let j = 0; j < nFast; j++) {
      for (let s = 0; s < K; s++) {
        const w = fastS.weights[j * K + s]!;
        if (w === 0) continue;
        for (let c = 0; c < D; c++) dOut[(j * K + s) * D + c] = w * l.grad[j * D + c]!;
      }
    }
    this.instance.fast.backward(fastTape, dOut);
    this.instanceAdam.step();
    if (slowHalf) this.instance.emaUpdate(this.config.emaMomentum);
    return l.loss;
  }
}

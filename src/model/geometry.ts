/**
 * What the rest of clift needs from a geometry (density and colour): render rays to colour, depth and opacity with
 * the weighted samples the label fields use, and the backward of that render. TensoRF is the first implementation.
 */
import type { Rng } from '../core/rng.ts';
import type { Param } from '../fields/params.ts';
import type { RayBundle } from '../rays/ray-bundle.ts';
import type { WeightedSamples } from '../render/weighted-samples.ts';

/** Options of one render. */
export interface GeometryRenderOptions {
  /** Jitters sample positions along each ray (training); none when absent. */
  rng?: Rng;
  withColor: boolean;
  /** Colour every sample, not only those above the weight threshold (an empty field's early steps). */
  colourEverySample?: boolean;
  /** Sample spacing as a multiple of the usual (a coarse warm-up of a full occupancy grid); 1 when absent. */
  stepScale?: number;
}

/** A render of n rays: per ray [r, g, b, expected t] and opacity, and the samples behind them. */
export interface RayRender {
  n: number;
  out: Float32Array;
  opacity: Float32Array;
  weighted: WeightedSamples;
}

/** A trainable density and colour field over the normalised scene box. */
export interface Geometry<R extends RayRender = RayRender> {
  /** Samples at or below this weight get no colour and are not handed to the label fields. */
  readonly weightThreshold: number;
  render(rays: RayBundle, options: GeometryRenderOptions): R;
  /** Accumulates parameter gradients from dOut, the gradient of each ray's [r, g, b, expected t]. */
  backward(render: R, dOut: Float32Array): void;
  /** Adds the regulariser's gradients; returns its loss. */
  regularize(): number;
  params(): Param[];
  /** Non-parameter state a checkpoint keeps (e.g. an occupancy grid), by name. */
  stateTensors(): [string, Float32Array][];
  /** Restores what stateTensors saved; `meta` is what checkpointMeta returned. */
  loadState(tensors: Map<string, Float32Array>, meta: Record<string, unknown>, source: string): void;
  /** JSON-serialisable shape information a checkpoint needs before loading the tensors. */
  checkpointMeta(): Record<string, unknown>;
}

/**
 * One object owning everything a trained scene is: the normalisation, the geometry, the label heads and the box the
 * label heads take as input. Training stages and `clift segment` both work on it.
 */
import { Rng } from '../core/rng.ts';
import type { Scene } from '../data/scene.ts';
import { compute } from '../fields/compute.ts';
import type { InstanceField } from '../fields/instance-field.ts';
import type { LabelBox } from '../fields/label-box.ts';
import type { Mlp } from '../fields/mlp.ts';
import type { Param } from '../fields/params.ts';
import type { Backend } from '../kernels/backend.ts';
import type { Normalization } from '../rays/normalize.ts';
import type { TrainConfig } from './config.ts';
import { buildLabelHeads } from './label-heads.ts';
import { TensorfGeometry } from './tensorf.ts';

/** Samples per ray the label fields are trained and rendered on (the heaviest of the geometry's). */
export const LABEL_SAMPLES = 3;

/**
 * With a learned background, rays whose opacity ends below this mostly see the background: they get no label when
 * rendered and give the label fields no target.
 */
export const LABEL_MIN_OPACITY = 0.5;

/** The opacity below which a ray of this model carries no label (0 without a background: every ray does). */
export function labelMinOpacity(model: CliftModel): number {
  return model.geometry.background ? LABEL_MIN_OPACITY : 0;
}

/** A clift model. */
export interface CliftModel {
  norm: Normalization;
  /** Semantic outputs. */
  classes: number;
  geometry: TensorfGeometry;
  semantic: Mlp;
  instance: InstanceField;
  /** Input box of the label heads in the geometry's box coordinates (fixed when label training starts). */
  labelBox: LabelBox;
  /** Samples per ray for the label heads. */
  k: number;
  /** The backend that owns the parameters and runs every kernel of the model and its training. */
  backend: Backend;
}

/**
 * A model at initial state for a normalisation, class count and config (fields seeded from config.seed), on
 * `backend` (default: the one --backend / --threads chose).
 */
export function buildModel(
  config: TrainConfig,
  norm: Normalization,
  classes: number,
  backend: Backend = compute(),
): CliftModel {
  const rng = new Rng(config.seed);
  const geometry = new TensorfGeometry(norm, config, rng.fork('geometry'), backend);
  const heads = buildLabelHeads(config, classes, rng.fork('labels'), backend);
  return {
    norm,
    classes,
    geometry,
    ...heads,
    labelBox: { center: [0, 0, 0], half: [1, 1, 1] },
    k: LABEL_SAMPLES,
    backend,
  };
}

/** Number of semantic outputs for a scene: one per class id up to the largest. */
export function classCount(scene: Scene): number {
  return scene.classes.reduce((m, c) => Math.max(m, c.id + 1), 0);
}

/** The parameters of each part of a model. */
export function modelParts(model: CliftModel): { geometry: Param[]; semantic: Param[]; instance: Param[] } {
  return {
    geometry: model.geometry.params(),
    semantic: model.semantic.params(),
    instance: [...model.instance.fast.params(), ...model.instance.slow.params()],
  };
}

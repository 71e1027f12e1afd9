/** Loads a trained run (config.json + checkpoint.bin) into fields ready to render any view. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readScene } from '../data/read-scene.ts';
import type { Scene } from '../data/scene.ts';
import type { LabelBox } from '../fields/label-box.ts';
import type { Normalization } from '../rays/normalize.ts';
import type { LabelRenderModel } from '../render/label-render.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
import { parseTrainConfig, type TrainConfig } from '../train/config.ts';
import { buildFields, CACHE_SAMPLES, classCount, restoreModel } from '../train/trainer.ts';

/** A trained model with the scene it was trained on. */
export interface LoadedRun {
  scene: Scene;
  config: TrainConfig;
  render: LabelRenderModel;
  iteration: number;
}

/** Loads RUNDIR; the scene is the one recorded in config.json unless `sceneDir` is given. */
export function loadRun(runDir: string, sceneDir?: string): LoadedRun {
  const cfgPath = join(runDir, 'config.json');
  if (!existsSync(cfgPath)) throw new Error(`${cfgPath}: not found (is ${runDir} a clift run folder?)`);
  const saved = JSON.parse(readFileSync(cfgPath, 'utf8')) as {
    scene: string;
    config: unknown;
    normalization: Normalization;
  };
  const config = parseTrainConfig(saved.config, cfgPath);
  const scene = readScene(sceneDir ?? saved.scene);
  const ck = loadCheckpoint(join(runDir, 'checkpoint.bin'));
  if (!ck)
    throw new Error(
      `${join(runDir, 'checkpoint.bin')}: not found (train first, or resume an interrupted run)`,
    );
  const norm = ck.meta.normalization as Normalization;
  const classes = classCount(scene);
  if (ck.meta.classes !== classes) {
    throw new Error(
      `${cfgPath}: the run has ${ck.meta.classes} semantic outputs but the scene's classes need ${classes}`,
    );
  }
  const { geometry, labels } = buildFields([], norm, classes, config);
  const { iteration } = restoreModel(runDir, { geometry, labels });
  return {
    scene,
    config,
    iteration,
    render: {
      settings: geometry.settings(),
      norm,
      semantic: labels.semantic,
      classes,
      instance: labels.instance.fast,
      k: CACHE_SAMPLES,
      labelBox: ck.meta.labelBox as LabelBox,
    },
  };
}

/** Loads a trained run (config.json + checkpoint.bin) into a model ready to render any view. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readScene } from '../data/read-scene.ts';
import type { Scene } from '../data/scene.ts';
import { loadCheckpoint, loadModelState } from '../model/checkpoint.ts';
import { parseTrainConfig, type TrainConfig } from '../model/config.ts';
import { buildModel, type CliftModel, classCount } from '../model/model.ts';
import type { Normalization } from '../rays/normalize.ts';

/** A trained model with the scene it was trained on. */
export interface LoadedRun {
  scene: Scene;
  config: TrainConfig;
  model: CliftModel;
  iteration: number;
}

/** Loads RUNDIR; the scene is the one recorded in config.json unless `sceneDir` is given. */
export function loadRun(runDir: string, sceneDir?: string): LoadedRun {
  const cfgPath = join(runDir, 'config.json');
  if (!existsSync(cfgPath)) throw new Error(`${cfgPath}: not found (is ${runDir} a clift run folder?)`);
  const saved = JSON.parse(readFileSync(cfgPath, 'utf8')) as { scene: string; config: unknown };
  const config = parseTrainConfig(saved.config, cfgPath);
  const scene = readScene(sceneDir ?? saved.scene);
  const ckPath = join(runDir, 'checkpoint.bin');
  const ck = loadCheckpoint(ckPath);
  if (!ck) throw new Error(`${ckPath}: not found (train first, or resume an interrupted run)`);
  const classes = classCount(scene);
  if (ck.meta.classes !== classes) {
    throw new Error(
      `${cfgPath}: the run has ${String(ck.meta.classes)} semantic outputs but the scene's classes need ${classes}`,
    );
  }
  const model = buildModel(config, ck.meta.normalization as Normalization, classes);
  loadModelState(model, ck, ckPath);
  return { scene, config, model, iteration: ck.meta.iteration as number };
}

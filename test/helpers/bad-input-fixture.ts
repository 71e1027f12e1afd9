/**
 * The files the bad-input corpus runs clift against: a tiny scene with simulated segmenter maps, a run trained
 * on it for a few iterations, a prediction folder, and broken copies of each, all in one temporary folder.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGray16 } from '../../src/data/png.ts';
import { parseTrainConfig } from '../../src/model/config.ts';
import { simulateSegmenter } from '../../src/synth/segmenter2d.ts';
import { train } from '../../src/train/trainer.ts';
import { writeTinyScene } from './tiny-scene.ts';

/** A training config small enough to train in well under a second. */
export const TINY_CONFIG = {
  iters: 20,
  trainSize: 24,
  batch: 256,
  instanceBatch: 128,
  grid: { start: 16, end: 16, occupancy: 16, densityComponents: 4, appearanceComponents: 4 },
  instanceHidden: 32,
  semanticHidden: 32,
  checkpointEvery: 20,
};

type Json = Record<string, unknown> & { frames: Record<string, unknown>[] };

/** Paths of the fixture. */
export interface BadInputFixture {
  root: string;
  scene: string;
  run: string;
  pred: string;
  config: string;
  /** A plain file, to put folders under (a folder that cannot be created). */
  file: string;
  /** A copy of the scene with transforms.json edited by `edit`, named `name`. */
  sceneVariant: (name: string, edit: (json: Json) => void) => string;
  /** A copy of the prediction folder changed by `edit(dir)`. */
  predVariant: (name: string, edit: (dir: string) => void) => string;
  /** Writes a file under the root and returns its path. */
  write: (name: string, text: string | Uint8Array) => string;
}

/** Builds the fixture (12 views of 48², 5 objects, seed-fixed) in a fresh temporary folder. */
export async function makeBadInputFixture(): Promise<BadInputFixture> {
  const root = mkdtempSync(join(tmpdir(), 'clift-bad-'));
  const scene = writeTinyScene({ frames: 12, size: 48 }, join(root, 'scene'));
  await simulateSegmenter(scene, { noise: 'low', seed: 1 });
  const config = join(root, 'tiny-config.json');
  writeFileSync(config, JSON.stringify(TINY_CONFIG));
  const run = join(root, 'run');
  await train({ sceneDir: scene, runDir: run, config: parseTrainConfig(TINY_CONFIG, config) });
  const json = JSON.parse(readFileSync(join(scene, 'transforms.json'), 'utf8')) as Json;
  const pred = join(root, 'pred');
  for (const f of json.frames) {
    if (f.split !== 'test') continue;
    for (const [kind, key] of [
      ['instance', 'gt_instance_file_path'],
      ['semantic', 'gt_semantic_file_path'],
    ] as const) {
      mkdirSync(join(pred, kind), { recursive: true });
      const stem = String(f.file_path).replace(/^images\//, '');
      copyFileSync(join(scene, String(f[key])), join(pred, kind, stem));
    }
  }
  const file = join(root, 'a-file');
  writeFileSync(file, 'not a folder\n');
  return {
    root,
    scene,
    run,
    pred,
    config,
    file,
    sceneVariant(name, edit) {
      const dir = join(root, name);
      cpSync(scene, dir, { recursive: true });
      const copy = structuredClone(json);
      edit(copy);
      writeFileSync(join(dir, 'transforms.json'), JSON.stringify(copy));
      return dir;
    },
    predVariant(name, edit) {
      const dir = join(root, name);
      cpSync(pred, dir, { recursive: true });
      edit(dir);
      return dir;
    },
    write(name, text) {
      const path = join(root, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** Replaces a PNG with a valid 16-bit PNG of another size. */
export function writeWrongSize(path: string, size: number): void {
  rmSync(path);
  writeGray16(path, size, size, new Uint16Array(size * size));
}

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkRunFolder, existingRunFiles } from '../src/cli/run-folder.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { configDifferences } from '../src/train/resume-check.ts';
import { train } from '../src/train/trainer.ts';
import { TINY_CONFIG } from './helpers/bad-input-fixture.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

const root = mkdtempSync(join(tmpdir(), 'clift-runfolder-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('nested config keys are strict and named with their path', () => {
  assert.throws(
    () => parseTrainConfig({ grid: { ends: 64 } }, 'c.json'),
    /c\.json: grid\.ends: unknown config key/,
  );
  assert.throws(
    () => parseTrainConfig({ lr: { instnace: 0.1 } }, 'c.json'),
    /c\.json: lr\.instnace: unknown config key/,
  );
  assert.throws(
    () => parseTrainConfig({ weights: { depht: 1 } }, 'c.json'),
    /weights\.depht: unknown config key/,
  );
  assert.equal(parseTrainConfig({ grid: { end: 64 } }, 'c.json').grid.end, 64);
});

test('config differences name the dotted keys; threads and checkpointEvery may change on resume', () => {
  const a = parseTrainConfig({}, 'a');
  assert.deepEqual(configDifferences(a, parseTrainConfig({}, 'b')), []);
  assert.deepEqual(configDifferences(a, parseTrainConfig({ trainSize: 32, lr: { grid: 0.02 } }, 'b')), [
    'lr.grid 0.01 → 0.02',
    'trainSize 128 → 32',
  ]);
  assert.deepEqual(configDifferences(a, parseTrainConfig({ threads: 2, checkpointEvery: 10 }, 'b')), []);
});

test('a run folder is refused unless resumed (with a checkpoint) or forced', () => {
  const empty = join(root, 'empty');
  assert.deepEqual(existingRunFiles(empty), []);
  checkRunFolder(empty, { resume: false, force: false });
  assert.throws(() => checkRunFolder(empty, { resume: true, force: false }), /no checkpoint to resume from/);
});

test('resuming continues the seconds column and timings.json; a changed config or no checkpoint is refused', async () => {
  const scene = writeTinyScene({ frames: 6, size: 32 }, join(root, 'scene'));
  await simulateSegmenter(scene, { noise: 'none', seed: 0 });
  const config = parseTrainConfig({ ...TINY_CONFIG, iters: 40, checkpointEvery: 10 }, 'tiny');
  const runDir = join(root, 'run');
  await assert.rejects(
    train({ sceneDir: scene, runDir, config, resume: true }),
    /checkpoint\.bin: no checkpoint to resume from/,
  );
  await train({ sceneDir: scene, runDir, config, stopAt: 20 });
  assert.throws(() => checkRunFolder(runDir, { resume: false, force: false }), /already holds a run/);
  checkRunFolder(runDir, { resume: false, force: true });
  checkRunFolder(runDir, { resume: true, force: false });
  const firstPart = JSON.parse(readFileSync(join(runDir, 'timings.json'), 'utf8'));
  await assert.rejects(
    train({
      sceneDir: scene,
      runDir,
      config: parseTrainConfig({ ...TINY_CONFIG, iters: 40, trainSize: 16 }, 'x'),
      resume: true,
    }),
    /another config \(trainSize 24 → 16\)/,
  );
  await train({ sceneDir: scene, runDir, config, resume: true });
  const rows = readFileSync(join(runDir, 'losses.csv'), 'utf8').trim().split('\n');
  const col = rows[0]!.split(',').indexOf('seconds');
  const seconds = rows.slice(1).map((r) => Number(r.split(',')[col]));
  const iters = rows.slice(1).map((r) => Number(r.split(',')[0]));
  assert.deepEqual(iters, [9, 19, 29, 39]);
  for (let i = 1; i < seconds.length; i++)
    assert.ok(seconds[i]! >= seconds[i - 1]!, `seconds restart: ${seconds}`);
  const whole = JSON.parse(readFileSync(join(runDir, 'timings.json'), 'utf8'));
  assert.equal(whole.fromIteration, 0);
  assert.equal(whole.toIteration, 40);
  assert.ok(whole.seconds.geometry >= firstPart.seconds.geometry, 'geometry time of the first part kept');
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { parseTrainConfig } from '../src/model/config.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { readSampleCache, sampleCachePath, writeSampleCache } from '../src/train/sample-cache-file.ts';
import { checkpointPath, train } from '../src/train/trainer.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

const SIZE = 24;
let sceneDir = '';

before(async () => {
  sceneDir = writeTinyScene({ frames: 8, size: SIZE, stepDeg: 30 });
  await simulateSegmenter(sceneDir, { noise: 'none', seed: 1 });
});

function cache() {
  return {
    k: 2,
    views: [
      {
        xyz: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5),
        weight: Float32Array.of(0.5, 0.25, 0, 0),
      },
      { xyz: Float32Array.from({ length: 6 }, (_, i) => -i / 3), weight: Float32Array.of(1, 0) },
    ],
  };
}

test('a sample-cache file reads back bit for bit under its key and not under another', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'clift-sc-')), 'samples.bin');
  writeSampleCache(path, cache(), 'abc');
  const back = readSampleCache(path, 'abc')!;
  assert.deepEqual(back, cache());
  assert.equal(readSampleCache(path, 'abd'), null);
  assert.equal(readSampleCache(`${path}.missing`, 'abc'), null);
  // Truncated or foreign files are errors naming the file, not silently rebuilt caches.
  writeFileSync(path, readFileSync(path).subarray(0, 60));
  assert.throws(() => readSampleCache(path, 'abc'), /samples\.bin: sample-cache file ends early/);
  writeFileSync(path, 'not a cache at all');
  assert.throws(() => readSampleCache(path, 'abc'), /samples\.bin: not a clift sample-cache file/);
});

test('a branch reads its base run’s kept sample cache and ends exactly as one that rebuilds it', async () => {
  const config = parseTrainConfig(
    {
      trainSize: SIZE,
      batch: 256,
      instanceBatch: 128,
      instanceHidden: 16,
      semanticHidden: 16,
      grid: { start: 16, end: 24, densityComponents: 4, appearanceComponents: 8, occupancy: 16 },
      background: 'none',
      iters: 260,
      seed: 2,
      checkpointEvery: 260,
      stages: { semantic: 0.7, instance: 0.8, segment: 1 },
    },
    'test',
  );
  const base = mkdtempSync(join(tmpdir(), 'clift-sc-base-'));
  await train({ sceneDir, runDir: base, config, stopAt: 208, keepSamples: true });
  const kept = sampleCachePath(base);
  assert.ok(existsSync(kept), 'the base run keeps its sample cache');
  const size = statSync(kept).size;
  // Read back under a key the file does not know: nothing (the branch would rebuild).
  assert.equal(readSampleCache(kept, 'another geometry'), null);
  const reading = mkdtempSync(join(tmpdir(), 'clift-sc-read-'));
  const a = await train({ sceneDir, runDir: reading, config, branchFrom: base });
  // The branch found the file (it links it into its own folder only then) and did not write one of its own.
  assert.equal(statSync(sampleCachePath(reading)).ino, statSync(kept).ino);
  const c = a.stages.labels.cache!;
  assert.ok(
    c.views.some((v) => v.weight.some((w) => w > 0)),
    'the cache holds samples',
  );
  rmSync(kept);
  const building = mkdtempSync(join(tmpdir(), 'clift-sc-build-'));
  await train({ sceneDir, runDir: building, config, branchFrom: base });
  assert.equal(existsSync(sampleCachePath(building)), false, 'without keepSamples no file is written');
  assert.deepEqual(readFileSync(checkpointPath(reading)), readFileSync(checkpointPath(building)));
  assert.ok(size > 8 * 16 * SIZE * SIZE, `file of ${size} bytes`);
});

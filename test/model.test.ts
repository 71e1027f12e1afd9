import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { framesOf } from '../src/data/scene.ts';
import { setCompute } from '../src/fields/compute.ts';
import { type Backend, createBackend } from '../src/kernels/index.ts';
import { loadModelState, modelCheckpoint } from '../src/model/checkpoint.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { renderLabels } from '../src/model/label-render.ts';
import { buildModel } from '../src/model/model.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { buildTraining } from '../src/train/trainer.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';

/** A backend that counts its kernel calls. */
function counting(inner: Backend): { backend: Backend; calls: () => number } {
  let n = 0;
  const backend = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || ['alloc', 'allocInt32', 'free', 'dispose'].includes(String(prop)))
        return v;
      return (...a: unknown[]) => {
        n++;
        return v.apply(target, a);
      };
    },
  }) as Backend;
  return { backend, calls: () => n };
}

const config = parseTrainConfig(
  {
    trainSize: 24,
    batch: 256,
    instanceBatch: 128,
    instanceHidden: 16,
    semanticHidden: 16,
    grid: { start: 16, end: 16, densityComponents: 4, appearanceComponents: 4, occupancy: 16 },
  },
  'test',
);

test('the backend a model is built on runs every kernel of training and rendering; the global one runs none', async () => {
  const dir = writeTinyScene({ frames: 8, size: 24, stepDeg: 30 });
  await simulateSegmenter(dir, { noise: 'none', seed: 1 });
  const global = counting(createBackend({ kind: 'ts' }));
  const own = counting(createBackend({ kind: 'ts' }));
  setCompute(global.backend);
  const scene = readScene(dir);
  const { model, stages } = buildTraining(scene, config, undefined, own.backend);
  const rng = new Rng(1);
  stages.geometry.step(rng, 500);
  stages.labels.ensureCache();
  stages.labels.step(rng, true, false);
  const frame = framesOf(scene, 'test')[0] ?? framesOf(scene, 'train')[0]!;
  renderLabels(model, frame, frame.intrinsics);
  assert.ok(own.calls() > 20, `${own.calls()} kernel calls on the model's backend`);
  assert.equal(global.calls(), 0);
});

test('a model saved and loaded into a fresh one renders the same view', async () => {
  const dir = writeTinyScene({ frames: 8, size: 24, stepDeg: 30 });
  await simulateSegmenter(dir, { noise: 'none', seed: 1 });
  const scene = readScene(dir);
  const { model, stages } = buildTraining(scene, config);
  const rng = new Rng(2);
  for (let i = 0; i < 5; i++) stages.geometry.step(rng, 500);
  stages.geometry.upsample(20);
  stages.labels.ensureCache();
  stages.labels.step(rng, true, false);
  // A label box no fresh model has (this tiny run's cache may leave the default), so loading it is seen.
  model.labelBox = { center: [0.1, -0.2, 0.05], half: [0.8, 0.9, 0.7] };
  const ck = modelCheckpoint(model);
  const fresh = buildModel(config, model.norm, model.classes);
  assert.notEqual(fresh.geometry.res, 20);
  loadModelState(fresh, ck, 'memory');
  assert.equal(fresh.geometry.res, 20);
  const frame = framesOf(scene, 'train')[0]!;
  const a = renderLabels(model, frame, frame.intrinsics);
  const b = renderLabels(fresh, frame, frame.intrinsics);
  assert.deepEqual(b.rgb, a.rgb);
  assert.deepEqual(b.embedding, a.embedding);
  assert.deepEqual(fresh.labelBox, model.labelBox);
  const other = buildModel(config, model.norm, model.classes + 1);
  assert.throws(() => loadModelState(other, ck, 'memory'), /memory: the checkpoint has \d+ semantic outputs/);
});

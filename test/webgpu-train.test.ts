// A tiny scene trains on the WebGPU backend (SwiftShader in CI), its parameters, gradients and Adam state resident
// on the device, with the same logged losses as on WASM; its checkpoint holds what the device trained, and loading
// one puts it on the device.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readScene } from '../src/data/read-scene.ts';
import { setCompute } from '../src/fields/compute.ts';
import type { Param } from '../src/fields/params.ts';
import { type Backend, createBackend } from '../src/kernels/index.ts';
import { type Checkpoint, loadCheckpoint, loadModelState } from '../src/model/checkpoint.ts';
import { buildModel, modelParts } from '../src/model/model.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import {
  buildTraining,
  checkpointPath,
  restoreTraining,
  type TrainedModel,
  train,
} from '../src/train/trainer.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';
import { openWebGpu, tinyWebGpuConfig } from './helpers/webgpu.ts';

/** Relative difference allowed between the two backends' logged losses (float32 sums in another order). */
const LOSS_RTOL = 2e-3;

const gpu = openWebGpu();
let sceneDir = '';
/** The WebGPU run of the first test, for the checkpoint test. */
let trained: { run: TrainedModel; runDir: string } | null = null;

before(async () => {
  sceneDir = writeTinyScene({ frames: 6, size: 24, stepDeg: 20 });
  await simulateSegmenter(sceneDir, { noise: 'none', seed: 1 });
});

after(() => {
  if ('backend' in gpu) gpu.backend.dispose();
});

/** The device's copy of a tensor, copied by a kernel into an ordinary buffer (so not through syncToHost). */
function deviceCopy(be: Backend, view: Float32Array): Float32Array {
  const out = be.alloc(view.length);
  be.ema({ target: out, source: view, momentum: 0 });
  const copy = out.slice();
  be.free(out);
  return copy;
}

/** The first index where two arrays differ, or −1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Every parameter's device copy equals the checkpoint's tensor of its name. */
function assertDeviceHolds(be: Backend, params: Param[], ck: Checkpoint, what: string): void {
  for (const p of params) {
    const i = firstDifference(deviceCopy(be, p.data), ck.tensors.get(p.name)!);
    assert.equal(i, -1, `${what}: ${p.name}[${i}] on the device differs from the checkpoint`);
  }
}

/** Trains 20 iterations (logged after the 10th, geometry, and the 20th, instance) and returns losses.csv rows. */
async function losses(backend: Backend): Promise<Record<string, string>[]> {
  setCompute(backend);
  const config = tinyWebGpuConfig();
  const runDir = mkdtempSync(join(tmpdir(), `clift-${backend.kind}-`));
  const run = await train({ sceneDir, runDir, config });
  if (backend.kind === 'webgpu') trained = { run, runDir };
  const [head, ...rows] = readFileSync(join(runDir, 'losses.csv'), 'utf8').trim().split('\n');
  const keys = head!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i]!, v])));
}

test('a tiny scene trains on --backend webgpu with the losses of the WASM run', {
  timeout: 120_000,
}, async (t) => {
  if (!('backend' in gpu)) return t.skip(gpu.skip);
  const wasm = await losses(createBackend({ kind: 'wasm', threads: 1 }));
  const webgpu = await losses(gpu.backend);
  assert.deepEqual(
    webgpu.map((r) => r.stage),
    ['geometry', 'instance'],
  );
  assert.deepEqual(
    wasm.map((r) => r.stage),
    ['geometry', 'instance'],
  );
  let compared = 0;
  webgpu.forEach((row, i) => {
    for (const key of ['rgb', 'depth', 'tv', 'semantic', 'instance']) {
      const a = Number(row[key]);
      const b = Number(wasm[i]![key]);
      if (row[key] === '' && wasm[i]![key] === '') continue;
      assert.ok(
        Number.isFinite(a) && Number.isFinite(b),
        `${row.stage} ${key}: ${row[key]} vs ${wasm[i]![key]}`,
      );
      assert.ok(Math.abs(a - b) <= LOSS_RTOL * Math.abs(b), `${row.stage} ${key}: webgpu ${a} vs wasm ${b}`);
      compared++;
    }
  });
  assert.ok(compared >= 4, `only ${compared} losses compared`);
});

test('the checkpoint of the WebGPU run holds the values the device trained, and loading one puts them on the device', {
  timeout: 60_000,
}, (t) => {
  if (!('backend' in gpu) || !trained)
    return t.skip('no resident run (no adapter, or the first test failed)');
  const be = gpu.backend;
  const { model, stages } = trained.run;
  const path = checkpointPath(trained.runDir);
  const ck = loadCheckpoint(path)!;
  const parts = modelParts(model);
  const params = [...parts.geometry, ...parts.semantic, ...parts.instance];
  assertDeviceHolds(be, params, ck, 'saved');
  // The run trained these away from their initial values (on this short run the colour and label MLPs get no
  // gradient yet; the slow instance field moves by EMA towards the fast one), so the comparison above has teeth.
  const initial = modelParts(buildModel(tinyWebGpuConfig(), model.norm, model.classes, be));
  const init = new Map(
    [...initial.geometry, ...initial.semantic, ...initial.instance].map((p) => [p.name, p]),
  );
  const moved = params.filter((p) => firstDifference(ck.tensors.get(p.name)!, init.get(p.name)!.data) !== -1);
  const names = moved.map((p) => p.name);
  for (const name of [
    'density.plane0',
    'density.line2',
    'appearance.plane1',
    'background.sh',
    'instance.slow.W0',
  ])
    assert.ok(names.includes(name), `${name} was not trained (moved: ${names.join(', ')})`);
  // Adam's moments in the checkpoint are the device's.
  stages.geometry.adam.params.forEach((p, k) => {
    const m = ck.tensors.get(`adam.geometry.m.${p.name}`)!;
    assert.equal(firstDifference(deviceCopy(be, stages.geometry.adam.m[k]!), m), -1, `adam m of ${p.name}`);
  });
  // Loading: a fresh model whose initial values the device already holds must get the checkpoint's there.
  const fresh = buildTraining(readScene(sceneDir), tinyWebGpuConfig(), undefined, be);
  const freshParts = modelParts(fresh.model);
  const freshParams = [...freshParts.geometry, ...freshParts.semantic, ...freshParts.instance];
  for (const p of freshParams) deviceCopy(be, p.data);
  loadModelState(fresh.model, ck, path);
  assertDeviceHolds(be, freshParams, ck, 'loaded');
  restoreTraining(trained.runDir, fresh.model, fresh.stages, undefined, ck);
  const adam = fresh.stages.geometry.adam;
  let nonzero = 0;
  adam.params.forEach((p, k) => {
    const v = ck.tensors.get(`adam.geometry.v.${p.name}`)!;
    assert.equal(firstDifference(deviceCopy(be, adam.v[k]!), v), -1, `loaded adam v of ${p.name}`);
    if (v.some((x) => x !== 0)) nonzero++;
  });
  assert.ok(nonzero >= 6, `only ${nonzero} of the compared moments are nonzero`);
});

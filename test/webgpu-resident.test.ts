// On --backend webgpu the model's parameters, gradients and Adam state stay on the device: training logs the
// losses of a run that syncs every view around every call, a step downloads far less than the optimisers' traffic
// would be, and a checkpoint holds what the device trained (and a loaded one reaches the device).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { setCompute } from '../src/fields/compute.ts';
import { type Param, syncParams } from '../src/fields/params.ts';
import { VmGrid } from '../src/fields/tensorf-vm.ts';
import { type Backend, createBackend, type WebGpuBackend } from '../src/kernels/index.ts';
import { markHostWrite } from '../src/kernels/residency.ts';
import { type Checkpoint, loadCheckpoint, loadModelState } from '../src/model/checkpoint.ts';
import { buildModel, modelParts } from '../src/model/model.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { Adam } from '../src/train/adam.ts';
import {
  buildTraining,
  checkpointPath,
  restoreTraining,
  type TrainedModel,
  train,
} from '../src/train/trainer.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';
import { openWebGpu, stepTransfers, tinyWebGpuConfig } from './helpers/webgpu.ts';

/** As in test/webgpu-train.test.ts: the scatters add in arbitrary order, so runs differ in the last digits. */
const LOSS_RTOL = 2e-3;

const gpu = openWebGpu();
const ts = createBackend({ kind: 'ts' });
let sceneDir = '';
/** The resident run of the first test, for the checkpoint test. */
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

/** Trains the tiny config on `backend` (as the process-wide backend) and returns the run and its losses.csv rows. */
async function trainOn(backend: Backend) {
  setCompute(backend);
  const runDir = mkdtempSync(join(tmpdir(), 'clift-resident-'));
  const run = await train({ sceneDir, runDir, config: tinyWebGpuConfig() });
  const [head, ...lines] = readFileSync(join(runDir, 'losses.csv'), 'utf8').trim().split('\n');
  const keys = head!.split(',');
  const rows = lines.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i]!, v])));
  return { run, runDir, rows };
}

/** Every parameter's device copy equals the checkpoint's tensor of its name. */
function assertDeviceHolds(be: Backend, params: Param[], ck: Checkpoint, what: string): void {
  for (const p of params) {
    const i = firstDifference(deviceCopy(be, p.data), ck.tensors.get(p.name)!);
    assert.equal(i, -1, `${what}: ${p.name}[${i}] on the device differs from the checkpoint`);
  }
}

describe('resident parameters on --backend webgpu', () => {
  it('train with the losses of a run that syncs every view around every call', {
    timeout: 120_000,
  }, async (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const synced = openWebGpu({ resident: false });
    if (!('backend' in synced)) return t.skip(synced.skip);
    const before = await trainOn(synced.backend);
    const resident = await trainOn(gpu.backend); // disposes the synced backend
    trained = { run: resident.run, runDir: resident.runDir };
    assert.deepEqual(
      resident.rows.map((r) => r.stage),
      ['geometry', 'instance'],
    );
    let compared = 0;
    resident.rows.forEach((row, i) => {
      for (const key of ['rgb', 'depth', 'tv', 'semantic', 'instance']) {
        if (row[key] === '' && before.rows[i]![key] === '') continue;
        const [a, b] = [Number(row[key]), Number(before.rows[i]![key])];
        assert.ok(Number.isFinite(a) && Number.isFinite(b), `${row.stage} ${key}: ${row[key]} vs ${b}`);
        assert.ok(
          Math.abs(a - b) <= LOSS_RTOL * Math.abs(b),
          `${row.stage} ${key}: resident ${a} vs synced ${b}`,
        );
        compared++;
      }
    });
    assert.ok(compared >= 4, `only ${compared} losses compared`);
  });

  it('checkpoints hold the values the device trained, and loading one puts it on the device', {
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
    const moved = params.filter(
      (p) => firstDifference(ck.tensors.get(p.name)!, init.get(p.name)!.data) !== -1,
    );
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

  it('grid upsampling resamples the values the device holds', (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const grids = [gpu.backend, ts].map((be) => {
      const grid = new VmGrid('g', 2, [4, 5, 3], new Rng('upsample'), 0.1, be);
      const adam = new Adam(grid.params(), { lr: { grid: 0.05, mlp: 0.05 } }, be);
      const rng = new Rng('upsample-grads');
      for (const p of grid.params()) for (let i = 0; i < p.grad.length; i++) p.grad[i] = rng.normal();
      markHostWrite(
        be,
        grid.params().map((p) => p.grad),
      );
      adam.step(); // moves every value by about the learning rate, on the device only
      grid.upsample([7, 8, 5]);
      syncParams(grid.params(), be);
      return grid;
    });
    const [onGpu, onTs] = grids as [VmGrid, VmGrid];
    onGpu.params().forEach((p, k) => {
      const ref = onTs.params()[k]!.data;
      assert.equal(p.data.length, ref.length);
      let d = 0;
      for (let i = 0; i < ref.length; i++) d = Math.max(d, Math.abs(p.data[i]! - ref[i]!));
      assert.ok(d < 1e-5, `${p.name}: ${d} from the reference`);
    });
  });

  it('a training step downloads far less than the parameters and their Adam state', {
    timeout: 60_000,
  }, (t) => {
    if (!('backend' in gpu)) return t.skip(gpu.skip);
    const synced = openWebGpu({ resident: false });
    if (!('backend' in synced)) return t.skip(synced.skip);
    const scene = readScene(sceneDir);
    const config = tinyWebGpuConfig();
    let before: ReturnType<typeof stepTransfers>;
    try {
      before = stepTransfers(synced.backend as WebGpuBackend, scene, config, 2);
    } finally {
      synced.backend.dispose();
    }
    const after = stepTransfers(gpu.backend as WebGpuBackend, scene, config, 2);
    // Synced around every call, each optimiser step downloads the values and both moments of what it updates
    // (3× their bytes); resident, none of it. The bound leaves room for activation sizes that differ a little
    // between runs (scattered gradients add in arbitrary order).
    const cases = [
      ['geometry', before.geometry, after.geometry, after.geometryParamBytes],
      ['instance', before.instance, after.instance, after.labelParamBytes],
    ] as const;
    for (const [name, b, a, paramBytes] of cases) {
      assert.ok(
        b.down - a.down >= 2.5 * paramBytes,
        `${name} step: ${a.down} B down resident vs ${b.down} B synced, parameters ${paramBytes} B`,
      );
      // Only the learned background's 27 coefficients are read on the host each geometry step.
      assert.ok(a.synced <= 1024, `${name} step: syncToHost brought back ${a.synced} B`);
      assert.equal(b.synced, 0, 'nothing is resident on the synced backend');
    }
  });
});

// On --backend webgpu the model's parameters, gradients and Adam state stay on the device: a training step downloads
// far less than the optimisers' traffic would be with every view synced, and grid upsampling reads what the device
// holds. (Losses and checkpoints of a resident run: test/webgpu-train.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Rng } from '../src/core/rng.ts';
import { readScene } from '../src/data/read-scene.ts';
import { syncParams } from '../src/fields/params.ts';
import { VmGrid } from '../src/fields/tensorf-vm.ts';
import { createBackend, type WebGpuBackend } from '../src/kernels/index.ts';
import { markHostWrite } from '../src/kernels/residency.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { Adam } from '../src/train/adam.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';
import { openWebGpu, stepTransfers, tinyWebGpuConfig } from './helpers/webgpu.ts';

const gpu = openWebGpu();
const ts = createBackend({ kind: 'ts' });
let sceneDir = '';

before(async () => {
  sceneDir = writeTinyScene({ frames: 6, size: 24, stepDeg: 20 });
  await simulateSegmenter(sceneDir, { noise: 'none', seed: 1 });
});

after(() => {
  if ('backend' in gpu) gpu.backend.dispose();
});

describe('resident parameters on --backend webgpu', () => {
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

// A tiny scene trains on the WebGPU backend (SwiftShader in CI) with the same logged losses as on WASM.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setCompute } from '../src/fields/compute.ts';
import { type Backend, createBackend } from '../src/kernels/index.ts';
import { simulateSegmenter } from '../src/synth/segmenter2d.ts';
import { train } from '../src/train/trainer.ts';
import { writeTinyScene } from './helpers/tiny-scene.ts';
import { openWebGpu, tinyWebGpuConfig } from './helpers/webgpu.ts';

/** Relative difference allowed between the two backends' logged losses (float32 sums in another order). */
const LOSS_RTOL = 2e-3;

const gpu = openWebGpu();
let sceneDir = '';

before(async () => {
  sceneDir = writeTinyScene({ frames: 6, size: 24, stepDeg: 20 });
  await simulateSegmenter(sceneDir, { noise: 'none', seed: 1 });
});

after(() => {
  if ('backend' in gpu) gpu.backend.dispose();
});

/** Trains 20 iterations (logged after the 10th, geometry, and the 20th, instance) and returns losses.csv rows. */
async function losses(backend: Backend): Promise<Record<string, string>[]> {
  setCompute(backend);
  const config = tinyWebGpuConfig();
  const runDir = mkdtempSync(join(tmpdir(), `clift-${backend.kind}-`));
  await train({ sceneDir, runDir, config });
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

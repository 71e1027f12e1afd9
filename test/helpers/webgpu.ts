/**
 * WebGPU for tests: points Vulkan at the SwiftShader software driver that Debian's chromium ships (unless
 * VK_ICD_FILENAMES is already set; Bookworm's own lavapipe is refused by Dawn), then tries to open the backend.
 * Must run before the first WebGPU backend is created (the driver is chosen when the device thread starts).
 */
import { existsSync } from 'node:fs';
import { Rng } from '../../src/core/rng.ts';
import type { Scene } from '../../src/data/scene.ts';
import type { Param } from '../../src/fields/params.ts';
import {
  type Backend,
  type CreateBackendOptions,
  createBackend,
  type WebGpuBackend,
} from '../../src/kernels/index.ts';
import { parseTrainConfig, type TrainConfig } from '../../src/model/config.ts';
import { buildTraining } from '../../src/train/trainer.ts';

/** The SwiftShader Vulkan driver manifest of Debian's chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Sets VK_ICD_FILENAMES to SwiftShader when unset and present. */
export function useSoftwareVulkan(): void {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}

/** A WebGPU backend, or the reason there is none; in CI a missing adapter is an error. */
export function openWebGpu(
  options: CreateBackendOptions['webgpu'] = {},
): { backend: Backend } | { skip: string } {
  useSoftwareVulkan();
  try {
    return { backend: createBackend({ kind: 'webgpu', webgpu: options }) };
  } catch (e) {
    if (process.env.CI) throw new Error(`CI: no WebGPU adapter (${(e as Error).message})`);
    return { skip: (e as Error).message };
  }
}

/**
 * The WebGPU training tests' config for the tiny scene (6 views of 24²): 20 iterations, logged after the 10th
 * (geometry) and the 20th (instance, slow-fast), small grids and MLPs so SwiftShader runs it in seconds.
 */
export function tinyWebGpuConfig(): TrainConfig {
  return parseTrainConfig(
    {
      iters: 20,
      seed: 3,
      trainSize: 24,
      batch: 256,
      instanceBatch: 128,
      instanceHidden: 32,
      semanticHidden: 16,
      grid: { start: 16, end: 16, densityComponents: 4, appearanceComponents: 8, occupancy: 16 },
      stages: { semantic: 0.5, instance: 0.9, segment: 1 },
    },
    'test',
  );
}

/** Mean bytes one training step moves (cumulative counters of the WebGPU backend, read around it). */
export interface StepBytes {
  up: number;
  down: number;
  /** The part of `down` that syncToHost brought back from resident buffers. */
  synced: number;
}

/** Per-step transfers of a geometry step and of an instance step, with the bytes of what each one optimises. */
export interface StepTransfers {
  geometry: StepBytes;
  /** A label step with the instance batch (semantic batch, instance loss, EMA of the slow field). */
  instance: StepBytes;
  /** Bytes of the values the geometry optimiser updates. */
  geometryParamBytes: number;
  /** Bytes of the values the label optimisers update (semantic and fast instance fields). */
  labelParamBytes: number;
}

/** Trains a fresh model of `config` on `scene` a few steps per stage on `be` and measures the bytes per step. */
export function stepTransfers(
  be: WebGpuBackend,
  scene: Scene,
  config: TrainConfig,
  steps: number,
): StepTransfers {
  const { model, stages } = buildTraining(scene, config, undefined, be);
  const bytes = (ps: Param[]) => ps.reduce((s, p) => s + p.data.byteLength, 0);
  const rng = new Rng('step-transfers');
  const s = be.stats;
  /** Mean over `steps` calls after one warm-up call (the first uploads of everything are not a step's cost). */
  const perStep = (step: () => void): StepBytes => {
    step();
    const [up, down, synced] = [s.uploadedBytes, s.downloadedBytes, s.residentDownloadedBytes];
    for (let k = 0; k < steps; k++) step();
    return {
      up: (s.uploadedBytes - up) / steps,
      down: (s.downloadedBytes - down) / steps,
      synced: (s.residentDownloadedBytes - synced) / steps,
    };
  };
  let it = 0;
  const geometry = perStep(() => stages.geometry.step(rng, it++));
  stages.labels.ensureCache();
  const instance = perStep(() => stages.labels.step(rng, true, false));
  return {
    geometry,
    instance,
    geometryParamBytes: bytes(model.geometry.params()),
    labelParamBytes: bytes([...model.semantic.params(), ...model.instance.fast.params()]),
  };
}

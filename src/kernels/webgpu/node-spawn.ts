/** Starts the WebGPU device thread in Node: a worker_threads Worker running device-worker.mjs. */
import { Worker } from 'node:worker_threads';
import type { SpawnDevice } from './webgpu-backend.ts';

/** Spawns the device worker on the given control block (unref'd, so it never keeps the process alive). */
export const spawnNodeDevice: SpawnDevice = (control) => {
  const worker = new Worker(new URL('./device-worker.mjs', import.meta.url), {
    workerData: { control },
    execArgv: [],
  });
  worker.unref();
  return {
    post: (cmd) => worker.postMessage(cmd),
    terminate: () => {
      void worker.terminate();
    },
  };
};

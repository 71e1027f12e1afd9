// Worker thread of the WebGPU backend in Node: registers the TypeScript loader (the worker starts without one,
// so that it does not depend on how the parent was launched), then runs node-device.ts. If that cannot even be
// loaded (no `webgpu` package), it reports the error through the control block (layout: protocol.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

try {
  register();
  await import('./node-device.ts');
} catch (error) {
  const control = workerData.control;
  const ctl = new Int32Array(control, 0, 16);
  const text = new TextEncoder().encode(`cannot load the WebGPU device code: ${error?.message ?? error}`);
  new Uint8Array(control, 64, 4032).set(text.subarray(0, 4032));
  Atomics.store(ctl, 2, Math.min(text.length, 4032));
  Atomics.store(ctl, 1, 1);
  Atomics.store(ctl, 0, 0);
  Atomics.notify(ctl, 0);
}

// Browser worker of the WebGPU smoke test: the synchronous WebGPU backend (it blocks with Atomics.wait, allowed in
// a worker) runs the smoke kernels on the inputs the page sends and posts the outputs back.
import { type PortLike, portDevice } from '../../../src/kernels/webgpu/port-device.ts';
import { WebGpuBackend } from '../../../src/kernels/webgpu/webgpu-backend.ts';
import { runSmokeKernels, type SmokeInputs } from './smoke-kernels.ts';

const scope = globalThis as unknown as {
  onmessage: ((e: { data: { port: PortLike; inputs: SmokeInputs } }) => void) | null;
  postMessage(message: unknown): void;
};
scope.onmessage = (e) => {
  try {
    const be = new WebGpuBackend(portDevice(e.data.port));
    const outputs = runSmokeKernels(be, e.data.inputs);
    scope.postMessage({ adapter: be.adapter, outputs });
    be.dispose();
  } catch (error) {
    scope.postMessage({ error: String((error as Error)?.message ?? error) });
  }
};
